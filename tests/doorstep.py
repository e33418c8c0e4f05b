"""A small real world for the doorstep tests: the 2024 seats of Rutland and
Stamford (E14001458) and Aberdeen (S14000060, S14000061) cut from the ONS file,
the Aberdeen postcodes, the Rutland OSM buildings as doors and its streets."""

from __future__ import annotations

import geopandas as gpd

from tests.conftest import UK

PBF = UK / "rutland-2018-02-23.osm.pbf"
RUTLAND = "E14001458"
ABERDEEN = ("S14000060", "S14000061")
SET = "westminster-2024"


def seats_file(directory) -> str:
    frame = gpd.read_file(UK / "wpc_2024_uk_bgc.topojson").set_crs(4326, allow_override=True)
    frame = frame[frame["PCON24CD"].isin([RUTLAND, *ABERDEEN])]
    path = directory / "seats.geojson"
    frame.to_file(path, driver="GeoJSON")
    return str(path)


def load_seats(cli, directory) -> None:
    cli.ok("import", "boundaries", seats_file(directory), "--set", SET, "--commit")
    cli.ok("generations", "activate", SET)
    cli.ok("import", "postcodes", UK / "onspd_sample_aberdeen_postcodes.csv", "--commit")


def load_doorstep(cli, directory) -> None:
    load_seats(cli, directory)
    cli.ok("import", "doors", PBF, "--set", SET, "--commit")
    cli.ok("import", "streets", PBF, "--commit")
