"""Helpers shared by the benchmarks (and, for Chromium, the browser tests): fresh
databases on each backend, timing, a headless Chromium."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

from turfmap.store import db as store_db

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
UK = SHARED / "uk"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"  # Debian's package
# Headless, offline and quiet: nothing but the page under test uses the network.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def launch_chromium(playwright):
    """Debian's Chromium, headless, through a running Playwright."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)


def postgres_url() -> str | None:
    return os.environ.get("TURFMAP_BENCH_POSTGRES_URL") or os.environ.get(
        "TURFMAP_TEST_POSTGRES_URL"
    )


def add_postgis(url: str) -> None:
    """CREATE EXTENSION postgis in the (new, empty) database at ``url``."""
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE EXTENSION postgis"))
    finally:
        engine.dispose()


@contextmanager
def own_database(server_url: str):
    """Yields the URL of a PostgreSQL database of its own, with PostGIS, on the server
    ``server_url`` names (which is only used to connect); dropped at the end.

    A database, not a schema: with a schema on the search path, Alembic finds a
    populated ``public.alembic_version`` and writes into the real tables."""
    name = f"turfmap_run_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    try:
        add_postgis(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


@contextmanager
def fresh_database(backend: str):
    """Yields a store.db.Database on an empty, migrated database; removed afterwards."""
    database = store_db.Database()
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            database.init(f"sqlite:///{folder}/bench.sqlite3")
            store_db.upgrade(database.engine)
            yield database
            database.dispose()
        return
    with own_database(postgres_url()) as url:
        database.init(url)
        try:
            store_db.upgrade(database.engine)
            yield database
        finally:
            database.dispose()


def backends() -> list[str]:
    return ["sqlite", "postgis"] if postgres_url() else ["sqlite"]


@contextmanager
def timer():
    times = {}
    start = time.perf_counter()
    yield times
    times["seconds"] = time.perf_counter() - start


def load_uk_seats(database) -> None:
    """The UK 2024 generalised seats, imported and active."""
    from turfmap.pipeline.boundaries import BoundaryOptions, import_boundaries
    from turfmap.store.generations import activate

    import_boundaries(
        database, UK / "wpc_2024_uk_bgc.topojson", BoundaryOptions("westminster-2024", commit=True)
    )
    with database.transaction() as session:
        activate(session, "westminster-2024")


@contextmanager
def uk_database(backend: str = "sqlite"):
    """A fresh database with the UK 2024 seats active and GE2024 results loaded."""
    with fresh_database(backend) as database:
        load_uk_seats(database)
        load_uk_results(database)
        yield database


def load_uk_results(database) -> None:
    """GE2024's results on the active UK 2024 seats, seen from Labour."""
    from turfmap.pipeline.results import import_results

    import_results(
        database,
        UK / "HoC-GE2024-results-by-constituency.csv",
        set_slug="westminster-2024",
        target_party="Lab",
        commit=True,
    )
