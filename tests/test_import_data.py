"""Results, needs and postcodes imports on the real files."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from tests.conftest import UK, US, load_montreal, services_of, snapshot
from turfmap.store.queries import current_needs, get_set, latest_results


def _results(app, slug):
    with services_of(app).db.session() as session:
        return latest_results(session, get_set(session, slug).id)


def test_ge2024_results_from_labours_side(uk_app):
    results = _results(uk_app, "westminster-2024")
    assert len(results) == 650
    hendon = results["E14001279"]
    assert (hendon.winner, hendon.runner_up, hendon.majority) == ("Lab", "Con", 15)
    assert hendon.target_party == "Lab" and hendon.target_status == "hold"
    assert 0 < hendon.target_margin < 0.001
    assert hendon.electorate == 74865 and hendon.valid_votes == 41256
    # The smallest majority in the country is Hendon's (README of the data)
    assert min(results.values(), key=lambda r: r.majority).district_code == "E14001279"
    # Winners outside the named party columns keep their own label
    assert results["E14001170"].winner == "Spk"  # Chorley, the Speaker
    perry_barr = results["E14001098"]  # an independent gain: votes from "Of which other winner"
    assert (perry_barr.winner, perry_barr.runner_up, perry_barr.majority) == ("Ind", "Lab", 507)
    assert sum(r.target_status == "hold" for r in results.values()) == 411
    aberdeen_north = results["S14000060"]
    assert aberdeen_north.winner == "SNP" and aberdeen_north.target_status == "gain"


def test_majorities_match_the_published_column(uk_app):
    published = pd.read_csv(
        UK / "HoC-GE2024-results-by-constituency.csv", skiprows=2, thousands=","
    )
    results = _results(uk_app, "westminster-2024")
    for row in published.itertuples():
        result = results[row._1]  # "ONS ID"
        assert result.majority == row.Majority
        assert result.winner == row._11  # "First party"


def test_results_give_needs_with_reasons_and_store_none(uk_app):
    with services_of(uk_app).db.session() as session:
        stored = current_needs(session, get_set(session, "westminster-2024").id, date.today())
    assert stored == {}  # only coordinators' statements are stored
    board = services_of(uk_app).board.get()
    needs = {c: e.summary() for (s, c), e in board.districts.items() if s == "westminster-2024"}
    assert len(needs) == 650
    hendon = needs["E14001279"]
    assert hendon["source"] == "computed" and hendon["score"] > 99
    assert (
        hendon["reason"]
        == "Lab won it by 15 votes (0.0% of the vote) in the 2024 general election."
    )
    assert hendon["author"] == "turfmap from ge2024 results"
    assert hendon["updated"] == date.today().isoformat()  # the day the results came in
    safest = min(needs.values(), key=lambda n: n["score"])
    assert safest["score"] < 1


def test_us_presidential_results_join_all_435_districts(app, cli):
    cli.ok(
        "import", "boundaries", US / "cb_2024_us_cd119_20m.geojson", "--set", "us-house", "--commit"
    )
    cli.ok("generations", "activate", "us-house")
    output = cli.ok(
        "import",
        "results",
        US / "downballot_cd_info_2024_presvote_by_cd.csv",
        "--set",
        "us-house",
        "--target-party",
        "DEM",
        "--commit",
    )
    assert "435 results for 437 districts; 2 districts have none" in output
    results = _results(app, "us-house")
    alaska = results["0200"]  # at-large: AK-01 in the file, district 00 in GEOIDs
    assert alaska.winner == "REP" and alaska.target_status == "gain"
    assert abs(alaska.votes["REP"] / (alaska.votes["REP"] + alaska.votes["DEM"]) - 0.5685) < 1e-3
    assert "1198" not in results  # DC's delegate district has no presidential row here


def test_montreal_layout(app, cli):
    output = load_montreal(cli, target_party="Joly")
    assert "58 results for 58 districts" in output
    assert _results(app, "mtl")["101"].winner == "Joly"


def test_unknown_target_party_is_refused(uk_cli, unchanged):
    result = uk_cli(
        "import",
        "results",
        UK / "HoC-GE2024-results-by-constituency.csv",
        "--set",
        "westminster-2024",
        "--target-party",
        "Whig",
        "--commit",
    )
    assert result.exit_code != 0
    assert "target party 'Whig' has no votes" in result.output


def test_needs_csv_overrides_until_expiry(app, cli, tmp_path):
    cli.ok(
        "import",
        "boundaries",
        UK / "wards_bradford_E08000032_wd13.geojson",
        "--set",
        "bradford",
        "--commit",
    )
    cli.ok("generations", "activate", "bradford")
    tomorrow = date.today() + timedelta(days=1)
    path = tmp_path / "needs.csv"
    path.write_text(
        "code,need,reason,expires\n"
        f"E05001348,85,Short of 20 canvassers on Saturday,{tomorrow}\n"
        "E05001349,10,Fully covered by the union branch,\n"
    )
    before = snapshot(app)
    dry = cli.ok("import", "needs", path, "--set", "bradford")
    assert "E05001348: none -> 85, until " + str(tomorrow) in dry
    assert snapshot(app) == before
    cli.ok("import", "needs", path, "--set", "bradford", "--author", "alice", "--commit")
    with services_of(app).db.session() as session:
        set_id = get_set(session, "bradford").id
        now = current_needs(session, set_id, date.today())
        later = current_needs(session, set_id, tomorrow + timedelta(days=1))
    assert now["E05001348"].score == 85 and now["E05001348"].author == "alice"
    assert "E05001348" not in later  # expired, and no computed need to fall back to
    assert later["E05001349"].score == 10  # no expiry
    detail = app.test_client().get("/api/v1/districts/E05001348").get_json()
    assert detail["need"]["reason"] == "Short of 20 canvassers on Saturday"
    assert detail["need"]["expires"] == str(tomorrow)


def test_postcodes_live_only_and_normalised(uk_app):
    from turfmap.store.queries import postcode_point

    with services_of(uk_app).db.session() as session:
        assert postcode_point(session, "AB10 1AA") is None  # terminated
        live = postcode_point(session, "AB10 1AN")
        assert live is not None and abs(live.lat - 57.14) < 0.05
    frame = pd.read_csv(
        UK / "onspd_sample_aberdeen_postcodes.csv", dtype=str, keep_default_na=False
    )
    assert (frame.doterm == "").sum() == 4237
    counts = snapshot(uk_app)[0]
    assert counts["postcodes"] == 4236  # one live postcode has no location


def test_postcodes_fall_in_their_directory_constituency(uk_app):
    """Every live ONSPD postcode lands in the seat its pcon column names."""
    from turfmap.extensions import services

    frame = pd.read_csv(
        UK / "onspd_sample_aberdeen_postcodes.csv", dtype=str, keep_default_na=False
    )
    frame = frame[(frame.doterm == "") & (frame.lat != "99.999999")]
    with uk_app.app_context():
        index = services().spatial.get()
    mismatches = []
    for row in frame.itertuples():
        found = [d.code for d in index.district_at(float(row.long), float(row.lat))]
        if found != [row.pcon]:
            mismatches.append((row.pcds, row.pcon, found))
    # One coastal postcode sits just offshore of the generalised coastline.
    assert len(mismatches) <= 1, mismatches[:5]
