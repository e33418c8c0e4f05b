"""`turfmap import streets FILE.osm.pbf`: the walkable network as a graph.

Each OSM way is split at the nodes it shares with other ways (junctions), so an
edge runs between two junctions (or a junction and a dead end) and the graph's
nodes are OSM node ids. The stored network replaces the previous one: one
network per installation; join extracts with `osmium merge` to cover several
areas."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import shapely
from pyproj import Geod
from sqlalchemy import delete

from turfmap.inputs.report import ImportReport
from turfmap.pipeline.osm import MAJOR, OsmStreets, read_osm_streets
from turfmap.store.db import Database
from turfmap.store.doorstep import box_columns
from turfmap.store.turf_models import StreetBarrier, StreetEdge

GEOD = Geod(ellps="WGS84")


def split_at_junctions(streets: OsmStreets) -> list[dict]:
    """Edges between junctions. A node is a junction where two ways meet or one
    way passes through it twice, and at every way's ends.

    >>> from turfmap.pipeline.osm import OsmWay
    >>> a = OsmWay(1, "residential", "A St", [1, 2, 3], [(0, 0), (0, 0.001), (0, 0.002)])
    >>> b = OsmWay(2, "residential", "B St", [2, 4], [(0, 0.001), (0.001, 0.001)])
    >>> [(e["u"], e["v"], round(e["length_m"])) for e in split_at_junctions(OsmStreets([a, b]))]
    [(1, 2, 111), (2, 3, 111), (2, 4, 111)]
    """
    uses = Counter()
    for way in streets.ways:
        uses.update(way.node_ids)
        uses.update([way.node_ids[0], way.node_ids[-1]])
    edges = []
    for way in streets.ways:
        start = 0
        for i in range(1, len(way.node_ids)):
            if uses[way.node_ids[i]] > 1 or i == len(way.node_ids) - 1:
                coords = way.coords[start : i + 1]
                if way.node_ids[start] != way.node_ids[i] or len(coords) > 3:
                    line = shapely.LineString(coords)
                    edges.append(
                        {
                            "u": way.node_ids[start],
                            "v": way.node_ids[i],
                            "osm_way_id": way.way_id,
                            "highway": way.highway[:40],
                            "name": (way.name or None) and way.name[:200],
                            "length_m": GEOD.geometry_length(line),
                            "major": way.highway in MAJOR,
                            "geometry": line,
                        }
                    )
                start = i
    return edges


def import_streets(db: Database, path: Path, *, commit: bool = False) -> ImportReport:
    path = Path(path)
    report = ImportReport("streets", str(path))
    streets = read_osm_streets(path)
    edges = split_at_junctions(streets)
    kinds = Counter(e["highway"] for e in edges)
    metres = sum(e["length_m"] for e in edges)
    report.counts = {"edges": len(edges), "barriers": len(streets.barriers)}
    report.note(
        f"{len(streets.ways):,} walkable ways split at junctions into {len(edges):,} edges "
        f"({metres / 1000:,.1f} km); {sum(e['major'] for e in edges):,} edges are trunk or "
        "primary roads, which turfs avoid crossing"
    )
    report.note("most common: " + ", ".join(f"{k} {n:,}" for k, n in kinds.most_common(6)))
    barrier_kinds = Counter(kind for kind, _ in streets.barriers)
    report.note(
        f"{len(streets.barriers):,} barriers kept: "
        + (", ".join(f"{k} {n:,}" for k, n in sorted(barrier_kinds.items())) or "none")
    )
    if not commit:
        return report
    report.note("the previous street network, if any, is replaced")
    with db.transaction() as session:
        run = report.record(session)
        # One network per installation: the new file replaces the old one whole.
        session.execute(delete(StreetEdge))
        session.execute(delete(StreetBarrier))
        session.add_all(
            StreetEdge(import_run_id=run.id, **edge, **box_columns(edge["geometry"]))
            for edge in edges
        )
        for kind, coords in streets.barriers:
            line = shapely.LineString(coords)
            session.add(
                StreetBarrier(kind=kind, geometry=line, import_run_id=run.id, **box_columns(line))
            )
    return report
