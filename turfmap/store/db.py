"""Engine and session handling, and schema migration through Alembic."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from turfmap.config import PROJECT_ROOT
from turfmap.store import versions

MIGRATIONS_DIR = PROJECT_ROOT / "migrations"
SQLITE_TIMEOUT_SECONDS = 30  # how long a SQLite write waits for another to finish


def make_engine(
    url: str, *, schema: str | None = None, connect_timeout: int | None = None
) -> Engine:
    """An engine for ``url``. ``schema`` puts a PostgreSQL connection's tables in
    their own schema (PostGIS stays in public), which the tests use to give each
    run an empty database without needing CREATE DATABASE."""
    connect_args: dict = {}
    if connect_timeout is not None and not url.startswith("sqlite"):
        connect_args["connect_timeout"] = connect_timeout
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:" and url.count("/") >= 3:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        connect_args["timeout"] = SQLITE_TIMEOUT_SECONDS
    elif schema:
        connect_args["options"] = f"-csearch_path={schema},public"
    engine = create_engine(url, connect_args=connect_args, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL lets web workers read while an import writes.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration."""
    command.upgrade(alembic_config(engine), "head")


class Database:
    """Holds the engine and session factory; made unbound, bound by ``init``."""

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self._sessions: sessionmaker[Session] | None = None
        self._listeners: list = []
        self.listener = None  # store.listening.ChangeListener, on PostgreSQL

    def init(self, url: str, *, schema: str | None = None) -> None:
        self.engine = make_engine(url, schema=schema)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        channel = None
        if self.engine.dialect.name == "postgresql":
            from turfmap.store.listening import ChangeListener, channel_for, libpq_dsn

            channel = channel_for(schema)
            self.listener = ChangeListener(libpq_dsn(self.engine.url), channel, self._tell)
        versions.install(self._sessions, self._listeners, channel)

    def on_change(self, listener) -> None:
        """Call ``listener(changes, deltas)`` after each commit that moved state
        versions (store.versions: {kind: (before, after)} and the deltas the writes
        described), this process's own and, once ``listen()`` runs, every other's."""
        self._listeners.append(listener)

    def listen(self) -> None:
        """Hear other processes' commits as they happen (PostgreSQL; elsewhere the
        listeners learn of them by polling). Cheap to call before every request."""
        if self.listener is not None:
            self.listener.ensure_running()

    def _tell(self, changes, deltas) -> None:
        for listener in self._listeners:
            listener(changes, deltas)

    def session(self) -> Session:
        if self._sessions is None:
            raise RuntimeError("Database.init() has not been called")
        return self._sessions()

    @contextmanager
    def snapshot(self) -> Iterator[Session]:
        """A session whose reads all see the store as of one moment: on PostgreSQL
        a REPEATABLE READ, READ ONLY transaction, so that versions read first and
        rows read after agree even while others commit (a value built from them
        and then told of the next commit's delta counts that commit once, never
        twice). SQLite's workers hear no other process's deltas, only tokens."""
        with self.session() as session:
            if self.engine.dialect.name == "postgresql":
                session.connection(
                    execution_options={
                        "isolation_level": "REPEATABLE READ",
                        "postgresql_readonly": True,
                    }
                )
            yield session

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: committed whole, or rolled back whole on any error."""
        with self.session() as session, session.begin():
            yield session

    def reachable(self) -> bool:
        """Whether the database answers a trivial query now."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except DBAPIError:
            return False
        return True

    def dispose(self) -> None:
        if self.listener is not None:
            self.listener.stop()
        if self.engine is not None:
            self.engine.dispose()


def table_names() -> list[str]:
    """turfmap's tables, dependents first (for tools that remove them)."""
    from turfmap.store.models import Base

    return [table.name for table in reversed(Base.metadata.sorted_tables)]
