"""Helpers shared by the benchmarks: fresh databases on each backend, timing."""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

from turfmap.store import db as store_db

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
UK = SHARED / "uk"


def postgres_url() -> str | None:
    return os.environ.get("TURFMAP_BENCH_POSTGRES_URL") or os.environ.get(
        "TURFMAP_TEST_POSTGRES_URL"
    )


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
    url = postgres_url()
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        database.init(url, schema=schema)
        store_db.upgrade(database.engine)
        yield database
        database.dispose()
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def backends() -> list[str]:
    return ["sqlite", "postgis"] if postgres_url() else ["sqlite"]


@contextmanager
def timer():
    times = {}
    start = time.perf_counter()
    yield times
    times["seconds"] = time.perf_counter() - start
