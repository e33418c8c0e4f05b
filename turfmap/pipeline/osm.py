"""Reading an OpenStreetMap extract (.osm.pbf) with pyosmium: buildings and
addressed objects as doors, highways as the walkable network, railways and
rivers as barriers. Coordinates stay WGS84 longitude/latitude, as OSM has them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import osmium
import shapely

from turfmap.errors import InputError

# Highways a canvasser walks along. Motorways, and roads being built or only planned,
# are not walkable; the rest (footways and service roads included) are.
NOT_WALKABLE = {"motorway", "motorway_link", "construction", "proposed", "raceway",
                "bus_guideway", "escape", "platform", "abandoned", "disused"}  # fmt: skip
# A turf should not cross these where the network allows (issue 20): fast, wide roads.
MAJOR = {"trunk", "trunk_link", "primary", "primary_link"}
BARRIER_RAILWAYS = {"rail", "light_rail", "narrow_gauge", "preserved"}
BARRIER_WATERWAYS = {"river", "canal"}


@dataclass
class OsmDoor:
    lon: float
    lat: float
    address: str | None
    label: str  # "way 1234" or "node 99": where in the file it came from


@dataclass
class OsmWay:
    way_id: int
    highway: str
    name: str | None
    node_ids: list[int]
    coords: list[tuple[float, float]]


@dataclass
class OsmStreets:
    ways: list[OsmWay] = field(default_factory=list)
    barriers: list[tuple[str, list[tuple[float, float]]]] = field(default_factory=list)


def _check(path: Path) -> None:
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise InputError(f"{path}: the file is empty")
    if not path.name.lower().endswith(".osm.pbf"):
        raise InputError(f"{path}: an OpenStreetMap extract ends in .osm.pbf")


def _address(tags) -> str | None:
    number, street = tags.get("addr:housenumber"), tags.get("addr:street")
    name = tags.get("addr:housename")
    parts = [p for p in (name, " ".join(x for x in (number, street) if x)) if p]
    return ", ".join(parts)[:300] or None


def read_osm_doors(path: Path) -> list[OsmDoor]:
    """A door at each building footprint's representative point, and one at each
    addressed node that is not inside a building already counted (an address
    node inside a footprint gives that footprint its address instead)."""
    path = Path(path)
    _check(path)
    buildings: list[tuple[object, str | None, str]] = []
    addressed: list[OsmDoor] = []
    try:
        processor = osmium.FileProcessor(str(path)).with_locations().with_areas()
        for item in processor:
            if isinstance(item, osmium.osm.Area):
                if "building" in item.tags and item.tags.get("building") != "no":
                    shape = _area_shape(item)
                    if shape is not None:
                        origin = "way" if item.from_way() else "relation"
                        label = f"{origin} {item.orig_id()}"
                        buildings.append((shape, _address(item.tags), label))
            elif (
                isinstance(item, osmium.osm.Node)
                and "addr:housenumber" in item.tags
                and item.location.valid()
            ):
                addressed.append(
                    OsmDoor(
                        item.location.lon,
                        item.location.lat,
                        _address(item.tags),
                        f"node {item.id}",
                    )  # fmt: skip
                )
    except RuntimeError as exc:  # pyosmium's error for a truncated or damaged file
        raise InputError(f"{path}: not a readable OpenStreetMap extract: {exc}") from exc
    return _doors_from(buildings, addressed)


def _area_shape(area):
    polygons = []
    for outer in area.outer_rings():
        shell = [(n.lon, n.lat) for n in outer]
        holes = [[(n.lon, n.lat) for n in inner] for inner in area.inner_rings(outer)]
        if len(shell) >= 4:
            polygons.append(shapely.Polygon(shell, holes))
    if not polygons:
        return None
    return shapely.make_valid(shapely.MultiPolygon(polygons))


def _doors_from(buildings, addressed: list[OsmDoor]) -> list[OsmDoor]:
    shapes = [shape for shape, _, _ in buildings]
    addresses = [address for _, address, _ in buildings]
    points = shapely.point_on_surface(shapes) if shapes else []
    loose = []
    if addressed and shapes:
        tree = shapely.STRtree(shapes)
        nodes = shapely.points([(d.lon, d.lat) for d in addressed])
        node_index, building_index = tree.query(nodes, predicate="within")
        inside = {}
        for n, b in zip(node_index.tolist(), building_index.tolist(), strict=True):
            inside.setdefault(n, b)
        for n, door in enumerate(addressed):
            b = inside.get(n)
            if b is None:
                loose.append(door)
            elif addresses[b] is None:
                addresses[b] = door.address
    else:
        loose = list(addressed)
    doors = [
        OsmDoor(point.x, point.y, address, label)
        for point, address, (_, _, label) in zip(points, addresses, buildings, strict=True)
    ]
    return doors + loose


def read_osm_streets(path: Path) -> OsmStreets:
    path = Path(path)
    _check(path)
    streets = OsmStreets()
    try:
        for way in osmium.FileProcessor(
            str(path), osmium.osm.NODE | osmium.osm.WAY
        ).with_locations():
            if not isinstance(way, osmium.osm.Way):
                continue
            tags = way.tags
            coords = [(n.lon, n.lat) for n in way.nodes if n.location.valid()]
            if len(coords) < 2 or len(coords) != len(way.nodes):
                continue
            highway = tags.get("highway")
            if highway and highway not in NOT_WALKABLE and tags.get("area") != "yes":
                if tags.get("foot") == "no" or tags.get("access") == "private":
                    continue
                streets.ways.append(
                    OsmWay(way.id, highway, tags.get("name"), [n.ref for n in way.nodes], coords)
                )
            elif tags.get("railway") in BARRIER_RAILWAYS and tags.get("tunnel") != "yes":
                streets.barriers.append(("railway", coords))
            elif tags.get("waterway") in BARRIER_WATERWAYS and tags.get("tunnel") != "culvert":
                streets.barriers.append((tags["waterway"], coords))
    except RuntimeError as exc:
        raise InputError(f"{path}: not a readable OpenStreetMap extract: {exc}") from exc
    if not streets.ways:
        raise InputError(f"{path}: holds no walkable streets (OSM ways tagged highway=*)")
    return streets
