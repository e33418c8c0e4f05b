"""Real files of other vintages import with no flags, and say true things about
themselves: the election they hold, the contest their figures are from, the
parties that did not stand, and capacities that are estimates."""

from __future__ import annotations

import pandas as pd

from tests.conftest import UK, US, services_of


def test_ge2017_and_its_boundaries_need_no_flags(app, cli):
    output = cli.ok(
        "import", "boundaries", UK / "wpc_2017_uk_bgc.topojson", "--set", "wpc-2017", "--commit"
    )
    assert "code field 'PCON17CD', name field 'PCON17NM'" in output
    cli.ok("generations", "activate", "wpc-2017")
    output = cli.ok(
        "import", "results", UK / "HoC-GE2017-results-by-constituency.csv",
        "--set", "wpc-2017", "--target-party", "Lab", "--commit",
    )  # fmt: skip
    assert "election 'ge2017'" in output and "650 results for 650 districts" in output
    client = app.test_client()
    fife = client.get("/api/v1/districts/S14000049").get_json()  # North East Fife
    assert fife["result"]["election"] == "ge2017" and fife["result"]["majority"] == 2
    assert "UKIP" in fife["result"]["votes"]
    assert fife["need"]["reason"].endswith("in the 2017 general election.")
    assert fife["need"]["contest"] == "the 2017 general election"


def test_parties_that_do_not_stand_get_no_need(app, cli):
    cli.ok("import", "boundaries", UK / "wpc_2017_uk_bgc.topojson", "--set", "wpc-2017", "--commit")
    cli.ok("generations", "activate", "wpc-2017")
    cli.ok(
        "import", "results", UK / "HoC-GE2017-results-by-constituency.csv",
        "--set", "wpc-2017", "--target-party", "Lab", "--commit",
    )  # fmt: skip
    board = services_of(app).board.get()
    northern_ireland = [e for (s, c), e in board.districts.items() if c.startswith("N")]
    assert len(northern_ireland) == 18
    for entry in northern_ireland:
        assert entry.need.score == 0 and entry.need.status == "absent"
        assert entry.reason() == (
            "Lab did not stand here in the 2017 general election, so there is no need to meet."
        )
    belfast = app.test_client().get("/api/v1/recommend?lat=54.597&lon=-5.930").get_json()
    assert all(not r["code"].startswith("N") for r in belfast["recommendations"])


def test_an_election_the_file_does_not_name_must_be_given(app, cli, tmp_path):
    cli.ok("import", "boundaries", UK / "wpc_2017_uk_bgc.topojson", "--set", "wpc-2017", "--commit")
    cli.ok("generations", "activate", "wpc-2017")
    frame = pd.read_csv(UK / "HoC-GE2017-results-by-constituency.csv", dtype=str)
    frame.drop(columns=["Declaration time"]).to_csv(tmp_path / "results.csv", index=False)
    args = ["import", "results", tmp_path / "results.csv", "--set", "wpc-2017"]
    refused = cli(*args)
    assert refused.exit_code != 0
    assert "does not say which election it holds; name it with --election" in refused.output
    assert "ge2017" in cli.ok(*args, "--election", "ge2017")


def test_presidential_figures_say_so_and_capacity_is_an_estimate(app, cli):
    cli.ok(
        "import", "boundaries", US / "cb_2024_us_cd119_20m.geojson", "--set", "us-house", "--commit"
    )
    cli.ok("generations", "activate", "us-house")
    output = cli.ok(
        "import", "results", US / "downballot_cd_info_2024_presvote_by_cd.csv",
        "--set", "us-house", "--target-party", "DEM", "--commit",
    )  # fmt: skip
    assert "election 'pres2024'" in output
    client = app.test_client()
    answer = client.get("/api/v1/recommend?lat=39.95&lon=-75.16&limit=5").get_json()  # Philly
    assert answer["recommendations"]
    for item in answer["recommendations"]:
        parts = item["why_parts"]
        assert parts["contest"] == "the 2024 presidential race"
        assert "in the 2024 presidential race" in item["why"]
        assert parts["capacity_source"] == "estimate" and parts["capacity"] >= 5
        assert parts["capacity_basis"] == "the votes cast"
        assert "of about " in item["why"] and "(estimated from the votes cast)" in item["why"]
        assert not item["name"].startswith("Congressional District")
