"""With several active sets, a recommendation is answered from the set that covers
its origin, and never from a set on another continent."""

from __future__ import annotations

import pytest

from tests.conftest import UK, US


@pytest.fixture
def two_countries(app, cli):
    cli.ok("import", "boundaries", UK / "wpc_2024_uk_buc.geojson", "--set", "uk-seats", "--commit")
    cli.ok("generations", "activate", "uk-seats")
    cli.ok(
        "import", "results", UK / "HoC-GE2024-results-by-constituency.csv",
        "--set", "uk-seats", "--commit",
    )  # fmt: skip
    cli.ok("import", "postcodes", UK / "onspd_sample_aberdeen_postcodes.csv", "--commit")
    # "aa-us" sorts first: the old code used the first set alphabetically.
    cli.ok(
        "import", "boundaries", US / "cb_2024_us_cd119_20m.geojson", "--set", "aa-us", "--commit"
    )
    cli.ok("generations", "activate", "aa-us")
    cli.ok(
        "import", "results", US / "downballot_cd_info_2024_presvote_by_cd.csv",
        "--set", "aa-us", "--target-party", "DEM", "--commit",
    )  # fmt: skip
    return app.test_client()


@pytest.mark.parametrize(
    "query, expected",
    [
        ("lat=54.776&lon=-1.575", "uk-seats"),  # Durham
        ("postcode=AB10 1XG", "uk-seats"),
        ("lat=39.952&lon=-75.165", "aa-us"),  # Philadelphia
        ("lat=50.0&lon=-5.9", "uk-seats"),  # off Land's End, near enough
    ],
)
def test_each_origin_is_answered_from_its_own_country(two_countries, query, expected):
    answer = two_countries.get(f"/api/v1/recommend?{query}").get_json()
    assert answer["set"] == expected
    assert answer["recommendations"]
    prefix = "E" if expected == "uk-seats" else ""
    for item in answer["recommendations"]:
        assert item["set"] == expected
        assert item["code"].startswith(("E", "S", "W", "N")) == bool(prefix)


def test_an_origin_no_set_covers_is_told_so(two_countries):
    response = two_countries.get("/api/v1/recommend?lat=-33.87&lon=151.21")  # Sydney
    assert response.status_code == 404
    error = response.get_json()["error"]
    assert error["code"] == "not_covered" and "no active boundary set covers" in error["message"]


def test_simulate_needs_a_set_when_there_are_several(two_countries, cli):
    refused = cli("simulate", "--volunteers", "10")
    assert refused.exit_code != 0
    assert "2 boundary sets are active (aa-us, uk-seats); name one with --set" in refused.output
    assert "volunteers" in cli.ok("simulate", "--set", "uk-seats", "--volunteers", "10")


def test_the_map_page_knows_every_set_and_follows_the_search(two_countries):
    page = two_countries.get("/").get_data(as_text=True)
    assert '"children"' in page and '"set_fixed": false' in page
    fixed = two_countries.get("/?set=uk-seats").get_data(as_text=True)
    assert '"set_fixed": true' in fixed
