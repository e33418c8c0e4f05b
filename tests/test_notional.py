"""Notional results and results per generation (issue 21.2, 21.3 and 21.5), on
the real case: the 2017 seats with GE2017, then the 2024 seats (notional GE2017
on the new lines), then the real GE2024 results replacing them, and back to
2017. Both backends."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from tests.conftest import UK, Cli, make_app, services_of
from turfmap.store.models import ElectionResult, Generation

HENDON_2017, HENDON_2024 = "E14000741", "E14001279"
HENDON = "/api/v1/recommend?lat=51.5896&lon=-0.2283"


@pytest.fixture(scope="module")
def history(backend, tmp_path_factory):
    app = make_app(backend, tmp_path_factory.mktemp("notional"))
    cli = Cli(app)
    cli.ok("import", "boundaries", UK / "wpc_2017_uk_bgc.topojson", "--set", "westminster",
           "--commit")  # fmt: skip
    cli.ok("generations", "activate", "westminster")
    cli.ok("import", "results", UK / "HoC-GE2017-results-by-constituency.csv", "--set",
           "westminster", "--target-party", "Lab", "--commit")  # fmt: skip
    client = app.test_client()
    before = {
        "hendon": client.get(f"/api/v1/districts/{HENDON_2017}").get_json(),
        "recommend": client.get(HENDON).get_json(),
    }
    report = cli.ok(
        "import", "boundaries", UK / "wpc_2024_uk_bgc.topojson", "--set", "westminster", "--commit"
    )
    yield {"app": app, "cli": cli, "client": client, "report": report, "before": before}
    services_of(app).db.dispose()


def votes_by_party(app, number: int) -> Counter:
    totals: Counter = Counter()
    with services_of(app).db.session() as session:
        rows = session.scalars(
            select(ElectionResult)
            .join(Generation, Generation.id == ElectionResult.generation_id)
            .where(Generation.number == number)
        )
        for row in rows:
            totals.update(row.votes)
    return totals


def test_new_lines_get_notional_results_that_conserve_the_national_vote(history):
    report = history["report"]
    assert (
        "notional results (the 2017 general election, on the boundaries of generation 1) for "
        "650 districts, by area through the crosswalk: national votes conserved exactly "
        "(32,204,184); seats Con 317 -> " in report
    )
    assert "districts' notional winner differs from the old district they mostly lie in" in report
    assert votes_by_party(history["app"], 2) == votes_by_party(history["app"], 1)
    with services_of(history["app"]).db.session() as session:
        notional = session.scalars(
            select(ElectionResult).join(Generation).where(Generation.number == 2)
        ).all()
    assert len(notional) == 650 and all(r.notional_from for r in notional)
    assert {r.election for r in notional} == {"ge2017"}


def test_nothing_changes_for_the_public_until_the_switch(history):
    client = history["client"]
    assert client.get(f"/api/v1/districts/{HENDON_2017}").get_json() == history["before"]["hendon"]
    assert client.get(f"/api/v1/districts/{HENDON_2024}").status_code == 404


def test_needs_and_hexes_are_prepared_for_lines_not_yet_switched_on(history, tmp_path):
    """Issue 21.3: a new generation is made complete before anyone sees it."""
    cli, client = history["cli"], history["client"]
    needs = tmp_path / "needs.csv"
    needs.write_text(f"code,need,reason,expires\n{HENDON_2024},80,New seat: doors first,\n")
    report = cli.ok("import", "needs", needs, "--set", "westminster", "--commit")
    assert "for generation 2 (not active)" in report
    old = tmp_path / "old.csv"
    old.write_text(f"code,need,reason,expires\n{HENDON_2017},50,Old seat,\n")
    refused = cli("import", "needs", old, "--set", "westminster")
    assert refused.exit_code != 0 and f"{HENDON_2017!r}" in refused.output
    assert "for generation 1 (active)" in cli.ok(
        "import", "needs", old, "--set", "westminster", "--generation", "1"
    )
    hexes = UK / "uk-constituencies-2024.hexjson"
    cli.ok("import", "hexes", hexes, "--set", "westminster", "--commit")
    assert client.get(f"/api/v1/districts/{HENDON_2024}").status_code == 404  # still unseen


def test_after_the_switch_the_map_is_never_empty_and_says_its_figures_are_notional(history):
    history["cli"].ok("generations", "activate", "westminster")
    client = history["client"]
    hendon = client.get(f"/api/v1/districts/{HENDON_2024}").get_json()
    assert hendon["result"]["election"] == "ge2017"
    assert hendon["result"]["notional_from"] == (
        "the 2017 general election, on the boundaries of generation 1"
    )
    assert hendon["need"]["reason"] == "New seat: doors first"
    assert hendon["result"]["target_status"] == "gain"
    assert hendon["need"]["source"] == "coordinator"  # prepared before the switch
    hexes = client.get("/api/v1/sets/westminster/hexes.json").get_json()["hexes"]
    assert len(hexes) == 650 and HENDON_2024 in {h["code"] for h in hexes}
    answer = client.get(HENDON).get_json()
    assert len(answer["recommendations"]) == 5
    notional = [r for r in answer["recommendations"] if r["code"] != HENDON_2024]
    assert notional and all("(notional, on these boundaries)" in r["why"] for r in notional)
    welsh = client.get(HENDON + "&lang=cy").get_json()["recommendations"]
    assert any("etholiad cyffredinol 2017 (tybiannol, ar y ffiniau hyn)" in r["why"] for r in welsh)
    shapes = client.get("/api/v1/sets/westminster/districts.geojson?zoom=5").get_json()
    assert sum(f["properties"]["need"] is not None for f in shapes["features"]) == 650
    assert all(f["properties"]["notional"] for f in shapes["features"])  # the map's popups say so
    page = client.get(f"/d/{HENDON_2024}").get_data(as_text=True)
    assert (
        "Notional result: no election has been held on these boundaries yet. These figures are "
        "an estimate, worked out by area from the 2017 general election, on the boundaries of "
        "generation 1." in page
    )


def test_real_results_replace_the_notional_ones(history):
    cli, client = history["cli"], history["client"]
    dry = cli.ok("import", "results", UK / "HoC-GE2024-results-by-constituency.csv", "--set",
                 "westminster", "--target-party", "Lab")  # fmt: skip
    assert "for generation 2 (active)" in dry
    report = cli.ok("import", "results", UK / "HoC-GE2024-results-by-constituency.csv", "--set",
                    "westminster", "--target-party", "Lab", "--commit")  # fmt: skip
    assert "replaced 650 earlier or notional results of these lines" in report
    hendon = client.get(f"/api/v1/districts/{HENDON_2024}").get_json()["result"]
    assert hendon["election"] == "ge2024" and hendon["notional_from"] is None
    assert hendon["majority"] == 15
    assert "Notional result" not in client.get(f"/d/{HENDON_2024}").get_data(as_text=True)
    assert votes_by_party(history["app"], 1)["Lab"] == 12_877_918  # 2017's own, untouched


def test_switching_back_restores_what_the_public_saw(history):
    history["cli"].ok("generations", "activate", "westminster", "--number", "1")
    client = history["client"]
    assert client.get(f"/api/v1/districts/{HENDON_2017}").get_json() == history["before"]["hendon"]
    again = client.get(HENDON).get_json()
    before = history["before"]["recommend"]
    for answer in (again, before):
        for item in (answer["district"], *answer["recommendations"]):
            item.pop("commit_token", None)
    assert again == before
    history["cli"].ok("generations", "activate", "westminster", "--number", "2")


def test_results_for_a_generation_that_is_not_there_are_refused(history):
    result = history["cli"]("import", "results", UK / "HoC-GE2024-results-by-constituency.csv",
                            "--set", "westminster", "--generation", "7")  # fmt: skip
    assert result.exit_code != 0
    assert "boundary set 'westminster' has no generation 7" in result.output
    result = history["cli"]("import", "results", UK / "HoC-GE2024-results-by-constituency.csv",
                            "--set", "westminster", "--generation", "1")  # fmt: skip
    assert result.exit_code != 0 and "is not a district of 'westminster'" in result.output
