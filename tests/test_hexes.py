"""Hex cartogram layouts through the pipeline, the API and the place search."""

from __future__ import annotations

import json

import pytest

from tests.conftest import UK

HEXJSON = UK / "uk-constituencies-2024.hexjson"


def test_uk_hex_layout_is_served(uk_app):
    body = uk_app.test_client().get("/api/v1/sets/westminster-2024/hexes.json").get_json()
    assert body["layout"] == "odd-r" and len(body["hexes"]) == 650
    hendon = next(h for h in body["hexes"] if h["code"] == "E14001279")
    layout = json.loads(HEXJSON.read_text())["hexes"]["E14001279"]
    assert (hendon["q"], hendon["r"]) == (layout["q"], layout["r"])
    assert hendon["name"] == "Hendon" and hendon["majority"] == 15


def test_dry_run_then_commit(app, cli):
    cli.ok("import", "boundaries", UK / "wpc_2024_uk_buc.geojson", "--set", "wpc", "--commit")
    cli.ok("generations", "activate", "wpc")
    client = app.test_client()
    assert "Dry run" in cli.ok("import", "hexes", HEXJSON, "--set", "wpc")
    assert client.get("/api/v1/sets/wpc/hexes.json").status_code == 404
    output = cli.ok("import", "hexes", HEXJSON, "--set", "wpc", "--commit")
    assert "layout odd-r: 650 hexes for 650 districts" in output
    assert len(client.get("/api/v1/sets/wpc/hexes.json").get_json()["hexes"]) == 650


def _write(tmp_path, document) -> str:
    path = tmp_path / "layout.hexjson"
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return path


@pytest.mark.parametrize(
    "document, fragment",
    [
        ("{not json", "not JSON"),
        ({"layout": "odd-r"}, 'needs a "hexes" object'),
        ({"layout": "diagonal", "hexes": {}}, "layout 'diagonal' must be one of"),
        ({"layout": "odd-r", "hexes": {"E14001279": {"q": 1.5, "r": 0}}}, "q=1.5 is not a whole"),
        (
            {"layout": "odd-r", "hexes": {"E99999999": {"q": 1, "r": 0}}},
            "hex 'E99999999': not a district of 'westminster-2024'",
        ),
        (
            {
                "layout": "odd-r",
                "hexes": {"E14001279": {"q": 1, "r": 0}, "S14000060": {"q": 1, "r": 0}},
            },
            "hex 'S14000060': q=1, r=0 is already 'E14001279'",
        ),
    ],
)
def test_bad_layouts_are_refused(uk_cli, tmp_path, unchanged, document, fragment):
    result = uk_cli(
        "import", "hexes", _write(tmp_path, document), "--set", "westminster-2024", "--commit"
    )
    assert result.exit_code != 0 and fragment in result.output


def test_place_search(uk_app):
    client = uk_app.test_client()
    places = client.get("/api/v1/places?q=aberdeen").get_json()["places"]
    assert [p["name"] for p in places][:2] == ["Aberdeen North", "Aberdeen South"]
    assert client.get("/api/v1/places?q=x").status_code == 400
    assert client.get("/api/v1/places?q=zzzz").get_json() == {"places": []}
