"""Fixtures: every test that touches the store runs on SQLite and on PostGIS.

PostGIS needs TURFMAP_TEST_POSTGRES_URL (a database with the postgis extension;
.ci/run makes one). Without it the PostGIS half is skipped on a laptop, and fails
under CI=true, where a skipped PostGIS test would hide a broken backend.
"""

from __future__ import annotations

import os
import shutil
import uuid
import weakref
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from bench.common import own_database
from turfmap import create_app
from turfmap.cli import main
from turfmap.extensions import services
from turfmap.store import db as store_db
from turfmap.store.queries import active_checksum, table_counts

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
UK = SHARED / "uk"
US = SHARED / "us"
PACKAGES = SHARED / "packages"
# `make test-fast` sets TURFMAP_TEST_BACKENDS=sqlite for a quick inner loop;
# `make test` (and CI) runs both.
BACKENDS = os.environ.get("TURFMAP_TEST_BACKENDS", "sqlite,postgis").split(",")


def pytest_collection_modifyitems(config, items):
    if not SHARED.is_dir():
        raise pytest.UsageError(f"test data not found at {SHARED} (../shared/data)")
    for item in items:
        if "[postgis" in item.nodeid:
            item.add_marker(pytest.mark.postgis)


@dataclass
class Backend:
    name: str
    root: str  # a folder for SQLite files, or the URL of this run's own PostgreSQL database

    def fresh(self) -> tuple[str, str | None]:
        """(url, schema) of a new, empty database: on PostGIS a schema of this run's
        own database, whose public schema holds PostGIS and nothing of turfmap's, so
        search_path's fallback to public can never reach real tables."""
        if self.name == "sqlite":
            return f"sqlite:///{self.root}/{uuid.uuid4().hex}.sqlite3", None
        schema = f"t_{uuid.uuid4().hex[:12]}"
        engine = create_engine(self.root)
        with engine.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
        engine.dispose()
        return self.root, schema


def _postgres_url() -> str:
    url = os.environ.get("TURFMAP_TEST_POSTGRES_URL")
    if not url:
        message = "TURFMAP_TEST_POSTGRES_URL is not set: PostGIS tests cannot run"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI=true: a skipped PostGIS test is a failure)")
        pytest.skip(message)
    return url


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request, tmp_path_factory) -> Backend:
    if request.param == "sqlite":
        yield Backend("sqlite", str(tmp_path_factory.mktemp("sqlite")))
        return
    with own_database(_postgres_url()) as url:
        yield Backend("postgis", url)


def drop_schema(engine, schema: str) -> None:
    # One transaction per schema: dropping them all at once outgrows PostgreSQL's
    # lock table (max_locks_per_transaction) after a few dozen test databases.
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))


def make_app(backend: Backend, tmp_path: Path, **config):
    url, schema = backend.fresh()
    app = create_app(
        {
            "TESTING": True,
            "TURFMAP_DATABASE_URL": url,
            "TURFMAP_DATABASE_SCHEMA": schema,
            "TURFMAP_CACHE_DIR": tmp_path / "cache",
            "TURFMAP_DATA_DIR": None,
            "TURFMAP_TARGET_PARTY": "Lab",
            "TURFMAP_INDEX_CHECK_SECONDS": 0.0,
            # One LISTEN connection per app would exhaust PostgreSQL's slots over a
            # run; the tests of hearing other servers turn it on (test_surge.py).
            "TURFMAP_LISTEN": False,
            # Jobs are done when a test says (tests/workspace.py: finish_jobs), not in
            # a thread that might outlive it.
            "TURFMAP_JOBS": "worker",
            "SESSION_COOKIE_SECURE": False,  # the test client speaks plain http
            **config,
        }
    )
    store_db.upgrade(services_of(app).db.engine)
    MADE.append(weakref.ref(app))
    return app


MADE: list = []  # weak references to the apps make_app made during the current test


@pytest.fixture(autouse=True)
def _close_pools():
    """Close the pooled connections of every app made during a test, so tests that
    make apps of their own cannot exhaust PostgreSQL's connection slots. (An app
    that lives on, say a session fixture's, only reconnects when next used.)"""
    MADE.clear()
    yield
    for ref in MADE:
        app = ref()
        if app is not None:
            services_of(app).db.dispose()
    MADE.clear()


def services_of(app):
    return app.extensions["turfmap"]


@pytest.fixture
def app(backend, tmp_path, request):
    """An empty database on each backend (or, for a test that asks for the
    workspace, on SQLite a copy of one built once: 50 tests would otherwise each
    import Bradford and hash four passwords)."""
    if "workspace" in request.fixturenames and backend.name == "sqlite":
        copy = Path(backend.root) / f"{uuid.uuid4().hex}.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_workspace"), copy)
        app = make_app(backend, tmp_path, TURFMAP_DATABASE_URL=f"sqlite:///{copy}")
        app.config["TESTING_WORKSPACE_BUILT"] = True
    else:
        app = make_app(backend, tmp_path)
    yield app
    services = services_of(app)
    services.db.dispose()
    if app.config["TURFMAP_DATABASE_SCHEMA"]:
        drop_schema(services.db.engine, app.config["TURFMAP_DATABASE_SCHEMA"])


class Cli:
    """Runs `turfmap ...` against an app, as a user would."""

    def __init__(self, app):
        self.app = app
        self.runner = app.test_cli_runner()

    def __call__(self, *args):
        return self.runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    def ok(self, *args):
        result = self(*args)
        assert result.exit_code == 0, result.output
        return result.output


def load_montreal(cli: Cli, target_party: str = "Bergeron") -> str:
    """Montreal 2013 (58 districts, from plotly's package data), active, with results.
    Returns the results import's report."""
    cli.ok(
        "import",
        "boundaries",
        PACKAGES / "plotly-7.1.0_election_montreal2013.geojson",
        "--set",
        "mtl",
        "--code-field",
        "id",
        "--name-field",
        "district",
        "--commit",
    )
    cli.ok("generations", "activate", "mtl")
    return cli.ok(
        "import",
        "results",
        PACKAGES / "plotly-7.1.0_election_montreal2013.csv",
        "--set",
        "mtl",
        "--target-party",
        target_party,
        "--commit",
    )


@pytest.fixture
def cli(app):
    return Cli(app)


@pytest.fixture(scope="session")
def uk_app(backend, tmp_path_factory):
    """UK 2024 seats, GE2024 results and the Aberdeen postcodes, loaded through the
    CLI exactly as the README tells a user to. Shared: tests must not change it,
    except through a refused import (which must change nothing)."""
    app = make_app(backend, tmp_path_factory.mktemp("uk"))
    cli = Cli(app)
    boundaries = UK / "wpc_2024_uk_bgc.topojson"
    cli.ok(
        "import",
        "boundaries",
        boundaries,
        "--set",
        "westminster-2024",
        "--name",
        "UK Parliament constituencies 2024",
        "--level",
        "westminster",
        "--commit",
    )
    cli.ok("generations", "activate", "westminster-2024")
    cli.ok(
        "import",
        "results",
        UK / "HoC-GE2024-results-by-constituency.csv",
        "--set",
        "westminster-2024",
        "--commit",
    )
    cli.ok("import", "postcodes", UK / "onspd_sample_aberdeen_postcodes.csv", "--commit")
    cli.ok(
        "import",
        "hexes",
        UK / "uk-constituencies-2024.hexjson",
        "--set",
        "westminster-2024",
        "--commit",
    )
    yield app
    services_of(app).db.dispose()


@pytest.fixture
def uk_cli(uk_app):
    return Cli(uk_app)


def snapshot(app) -> tuple[dict, str]:
    """Row counts of every table and a digest of what the public sees."""
    with services_of(app).db.session() as session:
        return table_counts(session), active_checksum(session)


@pytest.fixture
def unchanged(uk_app):
    """Asserts at the end of the test that the UK database is exactly as before."""
    before = snapshot(uk_app)
    yield
    assert snapshot(uk_app) == before


__all__ = ["UK", "US", "PACKAGES", "SHARED", "services", "snapshot"]


@pytest.fixture
def workspace(app, cli, tmp_path):
    """Bradford seats and wards with an admin, a host and two coordinators."""
    from tests.workspace import build_workspace

    if app.config.get("TESTING_WORKSPACE_BUILT"):
        return app
    return build_workspace(app, cli, tmp_path)


@pytest.fixture(scope="session")
def sqlite_workspace(tmp_path_factory) -> Path:
    """The SQLite file of one workspace, built once, for app() to copy."""
    from tests.workspace import build_workspace

    folder = tmp_path_factory.mktemp("workspace")
    app = make_app(Backend("sqlite", str(folder)), folder)
    build_workspace(app, Cli(app), folder)
    services_of(app).db.dispose()
    return Path(make_url(app.config["TURFMAP_DATABASE_URL"]).database)


# -- The browser tests' fixtures (tests/browsing.py has their helpers) ---------------


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the run; skipped without it on a laptop, a failure under CI."""
    from bench.common import CHROMIUM, launch_chromium

    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM}: apt-get install chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def live(uk_app):
    from tests.browsing import LiveServer

    uk_app.config["TURFMAP_TILES"] = None  # no background: the test machine has no network
    server = LiveServer(uk_app)
    yield server.url
    server.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()
