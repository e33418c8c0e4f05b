"""The doorstep's commands: `turfmap import doors`, `turfmap import streets`, and the
`turfmap turfs` group. Registered on the main command by turfmap/cli.py."""

from __future__ import annotations

import getpass
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext


def register(main: click.Group, import_group: click.Group, database, friendly_errors) -> None:
    @import_group.command("doors")
    @click.argument("path", type=click.Path(path_type=Path))
    @click.option("--set", "set_slug", required=True, help="The boundary set the doors are for.")
    @click.option("--crs", help="Coordinate system of easting/northing columns, e.g. EPSG:27700.")
    @click.option("--commit", is_flag=True)
    @with_appcontext
    @friendly_errors
    def import_doors_command(path, set_slug, crs, commit):
        """Import doors: CSV (lat/lon, easting/northing or postcode), GeoJSON or
        GeoPackage points or footprints, or an OpenStreetMap .osm.pbf extract."""
        from turfmap.coordination.doors import import_doors

        report = import_doors(database(), path, set_slug=set_slug, crs=crs, commit=commit)
        click.echo(report.render())

    @import_group.command("streets")
    @click.argument("path", type=click.Path(path_type=Path))
    @click.option("--commit", is_flag=True)
    @with_appcontext
    @friendly_errors
    def import_streets_command(path, commit):
        """Import the walkable street network from an OpenStreetMap .osm.pbf extract."""
        from turfmap.pipeline.streets import import_streets

        click.echo(import_streets(database(), path, commit=commit).render())

    @main.group("turfs")
    def turfs_group():
        """Cut districts into turfs."""

    @turfs_group.command("cut")
    @click.option("--set", "set_slug", required=True)
    @click.option("--district", "code", required=True, help="District (or ward) code.")
    @click.option("--doors", "target", type=int, default=80, show_default=True,
                  help="Doors a turf should hold (each within ±20%).")  # fmt: skip
    @click.option("--author", default=lambda: f"cli:{getpass.getuser()}", show_default="cli:USER")
    @with_appcontext
    @friendly_errors
    def turfs_cut_command(set_slug, code, target, author):
        """Cut a district's doors into turfs with a walking order each."""
        from turfmap.coordination.turfs import cut_district
        from turfmap.turf.cut import WalkPace

        config = current_app.config
        pace = WalkPace(
            config["TURFMAP_WALK_METRES_PER_MINUTE"], config["TURFMAP_MINUTES_PER_DOOR"]
        )
        report = cut_district(
            database(), set_slug=set_slug, code=code, target=target, author=author, pace=pace
        )
        click.echo(report.render())
