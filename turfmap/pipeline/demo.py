"""`turfmap demo`: real data on the map in one command, with or without a network."""

from __future__ import annotations

import gzip
import importlib.resources
import tempfile
from pathlib import Path

from turfmap.errors import SourceUnavailable
from turfmap.pipeline.boundaries import BoundaryOptions, import_boundaries
from turfmap.pipeline.fetch import fetch
from turfmap.pipeline.hexes import import_hexes
from turfmap.pipeline.postcodes import import_postcodes
from turfmap.pipeline.results import import_results
from turfmap.store.db import Database
from turfmap.store.generations import activate
from turfmap.store.queries import any_active

MONTREAL_CANDIDATES = ("Coderre", "Bergeron", "Joly")


def load_demo(
    db: Database,
    *,
    data_dir: Path | None,
    cache_dir: Path,
    target_party: str,
    mirror: str | None = None,
    if_empty: bool = False,
    echo=print,
) -> str:
    """Load the UK 2024 demo, or Montreal 2013 when UK files cannot be had.
    Returns the slug of the set it loaded ('' when it had nothing to do)."""
    with db.session() as session:
        if if_empty and any_active(session):
            echo("boundaries are already loaded; leaving the database as it is")
            return ""
    try:
        files = fetch("uk-2024", cache_dir=cache_dir, from_dir=data_dir, mirror=mirror, echo=echo)
    except SourceUnavailable as exc:
        where = f"in {data_dir}" if data_dir else "from the publishers"
        echo(f"UK 2024 files are not available {where} ({exc}).")
        echo(
            "Loading the offline demo instead: Montreal's 2013 mayoral election by district, "
            "as the plotly package ships it."
        )
        return load_montreal(db, target_party=target_party, echo=echo)
    return load_uk(db, files, target_party=target_party, echo=echo)


def load_uk(
    db: Database,
    files: dict[str, Path],
    *,
    target_party: str,
    echo=print,
) -> str:
    slug = "westminster-2024"
    echo(
        import_boundaries(
            db,
            files["boundaries"],
            BoundaryOptions(
                set_slug=slug,
                set_name="UK Parliament constituencies 2024",
                level="westminster",
                commit=True,
            ),
        ).render()
    )
    _activate(db, slug, echo)
    echo(
        import_results(
            db,
            files["results"],
            set_slug=slug,
            target_party=target_party,
            commit=True,
        ).render()
    )
    if "hexes" in files:
        echo(import_hexes(db, files["hexes"], set_slug=slug, commit=True).render())
    if "postcodes" in files:
        echo(import_postcodes(db, files["postcodes"], commit=True).render())
    return slug


def load_montreal(db: Database, *, target_party: str, echo=print) -> str:
    slug = "montreal-2013"
    if target_party not in MONTREAL_CANDIDATES:
        echo(
            f"TURFMAP_TARGET_PARTY={target_party} did not stand in Montreal; "
            "seeing margins from Bergeron's side for the demo"
        )
        target_party = "Bergeron"
    datasets = importlib.resources.files("plotly") / "package_data" / "datasets"
    with tempfile.TemporaryDirectory() as folder:
        boundaries = Path(folder) / "montreal-2013-districts.geojson"
        results = Path(folder) / "montreal-2013-results.csv"
        boundaries.write_bytes(gzip.decompress((datasets / "election.geojson.gz").read_bytes()))
        results.write_bytes(gzip.decompress((datasets / "election.csv.gz").read_bytes()))
        echo(
            import_boundaries(
                db,
                boundaries,
                BoundaryOptions(
                    set_slug=slug,
                    set_name="Montreal electoral districts 2013",
                    level="district",
                    code_field="id",
                    name_field="district",
                    commit=True,
                ),
            ).render()
        )
        _activate(db, slug, echo)
        echo(
            import_results(
                db,
                results,
                set_slug=slug,
                target_party=target_party,
                commit=True,
            ).render()
        )
    return slug


def _activate(db: Database, slug: str, echo) -> None:
    with db.transaction() as session:
        generation = activate(session, slug)
    echo(f"{slug}: generation {generation.number} is now active")
