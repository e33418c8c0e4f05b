"""Real servers for the tests that need them: gunicorn as production runs it, a
database a subprocess can reach, and a PostgreSQL cluster of a test's own (to stop
and start under load)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager, suppress
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

from bench.common import add_postgis

ROOT = Path(__file__).resolve().parents[1]
STRONG_KEY = "Zr8p0e3yq1gNw6xJbT4vK2mLcH9sA7fDq5Wn"  # for servers under test only
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_env(database_url: str | None, **settings: str) -> dict[str, str]:
    """The environment of a production server: no development mode, and nothing
    inherited from the test run's own TURFMAP_* settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TURFMAP_")}
    if database_url:
        env["TURFMAP_DATABASE_URL"] = database_url
    return env | settings


class Server(subprocess.Popen):
    """A server process whose output goes to a file (a pipe nobody reads fills up
    and stalls the server), readable with log()."""

    def log(self) -> str:
        self.log_file.seek(0)
        return self.log_file.read()


@contextmanager
def gunicorn(env: dict[str, str], *, workers: int = 2, wait: bool = True, root: Path = ROOT):
    """gunicorn with deploy/gunicorn.conf.py, as the README's production line; yields
    (process, base URL). ``root``: another checkout's (bench/bench_first_visit.py)."""
    port = free_port()
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "-c",
        str(root / "deploy" / "gunicorn.conf.py"),
        "--no-control-socket",
        "-w",
        str(workers),
        "-b",
        f"127.0.0.1:{port}",
        "turfmap:create_app()",
    ]
    with serving(command, port, env=env, cwd=root, wait=wait) as running:
        yield running


@contextmanager
def serving(command: list[str], port: int, *, env=None, cwd=ROOT, wait: bool = True):
    """Run ``command`` (a server on ``port``), its output to a file; once its
    /healthz answers (unless not ``wait``), yield (process, base URL); stop it after."""
    with tempfile.TemporaryFile("w+") as log_file:
        process = Server(command, env=env, cwd=cwd, stdout=log_file, stderr=log_file, text=True)
        process.log_file = log_file
        url = f"http://127.0.0.1:{port}"
        try:
            if wait:
                wait_for(f"{url}/healthz", process)
            yield process, url
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def wait_for(url: str, process: subprocess.Popen | None = None, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited ({process.returncode}): {process.log()}")
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


@contextmanager
def subprocess_database(backend):
    """A database URL another process can open: a SQLite file, or on PostGIS a
    database of its own (a schema cannot be named in a URL without search_path's
    fallback to public, which is how tests once wrote into real tables)."""
    if backend.name == "sqlite":
        yield f"sqlite:///{backend.root}/{uuid.uuid4().hex}.sqlite3"
        return
    name = f"turfmap_t_{uuid.uuid4().hex[:10]}"
    admin = create_engine(backend.root, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    url = make_url(backend.root).set(database=name)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE EXTENSION postgis"))
    engine.dispose()
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


class Cluster:
    """A PostgreSQL cluster of the test's own, on a free port, that it may stop;
    with ``primary``, a streaming replica of that running cluster (pg_basebackup)."""

    def __init__(self, primary: Cluster | None = None):
        self.folder = Path(tempfile.mkdtemp(prefix="turfmap-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        shutil.chown(self.folder, "postgres", "postgres")
        if primary is None:
            self._pg("initdb", "-D", str(self.data), "--auth=trust", "-U", "postgres", "-E", "UTF8")
        else:
            # -R writes standby.signal and primary_conninfo: it starts as a hot standby.
            self._pg("pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port),
                     "-U", "postgres", "-D", str(self.data), "-R", "-X", "stream",
                     "-c", "fast")  # fmt: skip

    def sql(self, statement: str):
        """Run one statement on this cluster (AUTOCOMMIT); its first value."""
        engine = create_engine(self.url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                return connection.execute(text(statement)).scalar()
        finally:
            engine.dispose()

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def start(self, *settings: str) -> None:
        """Start on the cluster's port; ``settings`` such as "log_statement=all"."""
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        options += "".join(f" -c {setting}" for setting in settings)
        log = str(self.folder / "log")
        self._pg("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def log(self) -> str:
        return (self.folder / "log").read_text(errors="replace")

    def stop(self) -> None:
        self._pg("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        with suppress(subprocess.CalledProcessError):  # already stopped
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _pg(self, program: str, *args: str) -> None:
        command = [str(PG_BIN / program), *args]
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, cwd=self.folder)


@contextmanager
def replica_of(primary: Cluster, *, log_statements: bool = True):
    """A running streaming replica of ``primary``, removed afterwards. It logs every
    statement (tests read the log to see which reads came here) unless told not to."""
    replica = Cluster(primary)
    try:
        replica.start(*(["log_statement=all"] if log_statements else []))
        yield replica
    finally:
        replica.remove()


@contextmanager
def own_cluster():
    if not (PG_BIN / "initdb").exists():
        import pytest

        message = f"no PostgreSQL server programs in {PG_BIN}"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI=true: a skipped PostGIS test is a failure)")
        pytest.skip(message)
    cluster = Cluster()
    try:
        cluster.start()
        add_postgis(cluster.url)
        yield cluster
    finally:
        cluster.remove()


def get(url: str, timeout: float = 10) -> tuple[int, dict, bytes]:
    """(status, headers, body) of a GET, errors included."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def post_json(url: str, body: bytes, timeout: float = 10) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@contextmanager
def nginx(upstreams: list[str]):
    """deploy/nginx.conf itself, its marked lines pointed at ``upstreams`` (base
    URLs), a free port and a folder of its own; yields (process, base URL)."""
    import re

    if shutil.which("nginx") is None:
        import pytest

        message = "nginx is not installed (Debian's nginx-light; .ci/run installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI=true: a skipped test is a failure)")
        pytest.skip(message)
    folder = Path(tempfile.mkdtemp(prefix="turfmap-nginx-"))
    folder.chmod(0o777)  # nginx's workers run as nobody when it starts as root
    port = free_port()
    servers = "".join(
        f"        server {url.removeprefix('http://')} max_fails=3 fail_timeout=5s;\n"
        for url in upstreams
    )
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    text = re.sub(r"^\s*server \S+ max_fails.*# turfmap:upstream\n", "", text, flags=re.M)
    text = text.replace("        keepalive 64;", servers + "        keepalive 64;", 1)
    text = re.sub(r"^pid .*$", f"pid {folder}/nginx.pid;", text, flags=re.M)
    text = re.sub(r"/var/cache/nginx/turfmap", str(folder / "cache"), text)
    text = re.sub(r"listen 80;", f"listen 127.0.0.1:{port};", text)
    config = folder / "nginx.conf"
    config.write_text(text)
    command = ["nginx", "-p", str(folder), "-c", str(config), "-g", "daemon off;"]
    try:
        with serving(command, port, cwd=folder) as running:
            yield running
    finally:
        shutil.rmtree(folder, ignore_errors=True)
