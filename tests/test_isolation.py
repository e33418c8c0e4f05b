"""Tests never touch real data: with turfmap's tables in the public schema of the
database TURFMAP_TEST_POSTGRES_URL names (as a real install would have them), a
test app made the suite's way imports, activates and writes, and public is
exactly as before. (Isolating by schema alone once let Alembic find
public.alembic_version, create nothing in the schema, and write into public.)"""

from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, inspect, text

from tests.conftest import Cli, load_montreal, make_app, services_of
from turfmap.store import db as store_db


def public_state(engine) -> dict[str, int]:
    with engine.connect() as connection:
        names = inspect(connection).get_table_names(schema="public")
        return {
            name: connection.scalar(text(f'SELECT count(*) FROM public."{name}"'))
            for name in sorted(names)
        }


def test_a_test_run_leaves_a_populated_public_schema_unchanged(backend, tmp_path):
    if backend.name != "postgis":
        pytest.skip("SQLite tests use files of their own")
    configured = create_engine(os.environ["TURFMAP_TEST_POSTGRES_URL"])
    had_tables = "districts" in public_state(configured)
    if not had_tables:
        store_db.upgrade(configured)  # public now holds turfmap's tables, as in production
    try:
        before = public_state(configured)
        app = make_app(backend, tmp_path)
        load_montreal(Cli(app))
        assert app.test_client().get("/api/v1/districts/101").status_code == 200
        services_of(app).db.dispose()
        assert public_state(configured) == before
    finally:
        if not had_tables:
            with configured.begin() as connection:
                for name in ("alembic_version", *store_db.table_names()):
                    connection.execute(text(f'DROP TABLE IF EXISTS public."{name}" CASCADE'))
        configured.dispose()
