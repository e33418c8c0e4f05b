"""Every file in ../shared/data through every importer, the wrong ones on purpose:
each run either succeeds or refuses in one clean message ending in a newline,
with a non-zero exit, never a traceback. Dry runs, so nothing is written."""

from __future__ import annotations

import pytest

from tests.conftest import SHARED, Cli, snapshot

FILES = sorted(p for p in SHARED.rglob("*") if p.is_file() and p.name != "README.md")
IMPORTERS = {
    "boundaries": ["--set", "any"],
    "results": ["--set", "any"],
    "postcodes": [],
    "hexes": ["--set", "any"],
    "needs": ["--set", "any"],
    "sessions": ["--set", "any"],
}


@pytest.fixture(scope="module")
def loaded(uk_app):
    """The UK database, which importers that look districts up use; every run is a
    dry run, and the database is the same after all of them (checked once: the
    check hashes every geometry)."""
    before = snapshot(uk_app)
    yield Cli(uk_app)
    assert snapshot(uk_app) == before


@pytest.mark.slow
@pytest.mark.parametrize("importer", sorted(IMPORTERS))
@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_no_traceback_ever(loaded, importer, path):
    args = ["westminster-2024" if a == "any" else a for a in IMPORTERS[importer]]
    result = loaded.runner.invoke(
        loaded_main(), ["import", importer, str(path), *args], catch_exceptions=True
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{importer} {path.name}: {type(result.exception).__name__}: {result.exception}"
    )
    assert "Traceback" not in result.output
    if result.exit_code != 0:
        assert result.output.endswith("\n")
        message = [line for line in result.output.splitlines() if line.startswith("Error:")]
        assert message, result.output[-500:]


def loaded_main():
    from turfmap.cli import main

    return main
