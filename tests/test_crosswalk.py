"""The crosswalk between generations (issue 21.1), on the real case: the UK's 2017
seats, then the 2024 seats imported into the same set, both backends."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.conftest import UK, Cli, make_app, services_of
from tests.doorstep import ABERDEEN
from turfmap.store.models import CrosswalkShare, Generation

HENDON_2017, HENDON_2024 = "E14000741", "E14001279"


@pytest.fixture(scope="module")
def redrawn(backend, tmp_path_factory):
    """'westminster' with the 2017 seats active and the 2024 seats imported after
    them (first as a dry run), with the Aberdeen postcodes in between."""
    app = make_app(backend, tmp_path_factory.mktemp("crosswalk"))
    cli = Cli(app)
    cli.ok("import", "boundaries", UK / "wpc_2017_uk_bgc.topojson", "--set", "westminster",
           "--commit")  # fmt: skip
    cli.ok("generations", "activate", "westminster")
    cli.ok("import", "postcodes", UK / "onspd_sample_aberdeen_postcodes.csv", "--commit")
    dry = cli.ok("import", "boundaries", UK / "wpc_2024_uk_bgc.topojson", "--set", "westminster")
    with services_of(app).db.session() as session:
        after_dry_run = session.scalar(select(func.count()).select_from(CrosswalkShare))
        generations_after_dry_run = session.scalar(select(func.count()).select_from(Generation))
    report = cli.ok(
        "import", "boundaries", UK / "wpc_2024_uk_bgc.topojson", "--set", "westminster", "--commit"
    )
    yield {
        "app": app,
        "cli": cli,
        "dry": dry,
        "report": report,
        "dry_wrote": (after_dry_run, generations_after_dry_run),
    }
    services_of(app).db.dispose()


def shares(app) -> list[CrosswalkShare]:
    with services_of(app).db.session() as session:
        return list(session.scalars(select(CrosswalkShare)))


def test_the_import_report_says_what_appears_disappears_and_moves(redrawn):
    line = (
        "against generation 1 (active): 5 codes kept with the same outline, 0 kept around a "
        "changed outline (new districts under old codes), 645 new codes; 645 codes disappear "
        "(E14000530, E14000531, E14000532, E14000533, E14000534, ...)"
    )
    assert line in redrawn["dry"] and line in redrawn["report"]
    assert (
        "  new codes (E14001063, E14001064, E14001065, E14001066, E14001067, ...)"
        in (redrawn["report"])
    )
    assert "crosswalk to generation 1: each new district's shares of the old ones by area, and " \
        "by postcodes in the" in redrawn["report"]  # fmt: skip
    assert redrawn["dry_wrote"] == (0, 1)  # the dry run stored nothing


def test_every_new_district_is_made_of_old_ones(redrawn):
    stored = shares(redrawn["app"])
    by_new: dict[str, list[CrosswalkShare]] = {}
    for share in stored:
        by_new.setdefault(share.new_code, []).append(share)
    assert len(by_new) == 650
    # Slivers under 0.5% are left out, so a district's listed shares sum to a little
    # under 1, never over.
    totals = sorted(sum(s.area_share for s in listed) for listed in by_new.values())
    assert totals[0] > 0.95 and totals[-1] <= 1.0 + 1e-9
    assert {s.status for s in by_new["S14000051"]} == {"same"}  # Orkney and Shetland
    assert sum(1 for listed in by_new.values() if listed[0].status == "same") == 5
    hendon = max(by_new[HENDON_2024], key=lambda s: s.area_share)
    assert hendon.old_code == HENDON_2017 and hendon.area_share > 0.99


def test_postcodes_weigh_the_shares_where_people_live(redrawn):
    stored = [s for s in shares(redrawn["app"]) if s.new_code == ABERDEEN[1]]
    assert stored and all(s.people_share is not None for s in stored)
    assert 0.9 < sum(s.people_share for s in stored) <= 1.0 + 1e-9
    elsewhere = [s for s in shares(redrawn["app"]) if s.new_code == HENDON_2024]
    assert all(s.people_share is None for s in elsewhere)  # no postcodes imported there


def test_the_api_lists_a_districts_predecessors_once_its_generation_is_active(redrawn):
    client = redrawn["app"].test_client()
    assert client.get(f"/api/v1/districts/{HENDON_2024}").status_code == 404  # not yet active
    redrawn["cli"].ok("generations", "activate", "westminster")
    change = client.get(f"/api/v1/districts/{HENDON_2024}").get_json()["boundary_change"]
    assert change["outline"] == "new" and change["from_generation"] == 1
    first = change["predecessors"][0]
    assert first["code"] == HENDON_2017 and first["name"] == "Hendon"
    assert first["area_share"] > 0.99 and first["people_share"] is None
    aberdeen = client.get(f"/api/v1/districts/{ABERDEEN[1]}").get_json()["boundary_change"]
    assert all(p["people_share"] is not None for p in aberdeen["predecessors"])
    same = client.get("/api/v1/districts/S14000051").get_json()["boundary_change"]
    assert same["outline"] == "same" and same["predecessors"][0]["code"] == "S14000051"


def test_a_ward_set_gets_its_crosswalk_too(cli):
    """Issue 21.6: any set's next generation, wards as well as seats."""
    wards = UK / "wards_bradford_E08000032_wd13.geojson"
    cli.ok("import", "boundaries", wards, "--set", "wards", "--level", "ward", "--commit")
    cli.ok("generations", "activate", "wards")
    again = cli.ok("import", "boundaries", wards, "--set", "wards", "--level", "ward")
    assert (
        "against generation 1 (active): 30 codes kept with the same outline, 0 kept around a "
        "changed outline (new districts under old codes), 0 new codes; 0 codes disappear" in again
    )
    assert "30 lie within one old district" in again
    assert "no results on generation 1 to work notional results from" in again
