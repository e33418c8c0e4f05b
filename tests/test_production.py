"""turfmap as production runs it (gunicorn with deploy/gunicorn.conf.py), on both
backends: it refuses to start unsafely, proxy-level errors are JSON, and a
database that stops for ten seconds under load costs no recommendation and loses
no write."""

from __future__ import annotations

import json
import random
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import create_engine, func, select

from tests.conftest import PACKAGES, Cli, services_of
from tests.servers import (
    STRONG_KEY,
    get,
    gunicorn,
    own_cluster,
    post_json,
    production_env,
    subprocess_database,
)
from turfmap import RefusedToStart, create_app
from turfmap.store import db as store_db
from turfmap.store.models import Commitment

pytestmark = pytest.mark.slow


@contextmanager
def loaded(url: str, *, admin: bool = False):
    """Montreal 2013 (58 districts, results) in the database at ``url``, loaded
    through the CLI; yields the app that loaded it."""
    app = create_app({"TESTING": True, "TURFMAP_DATABASE_URL": url})
    store_db.upgrade(services_of(app).db.engine)
    cli = Cli(app)
    geojson = PACKAGES / "plotly-7.1.0_election_montreal2013.geojson"
    cli.ok("import", "boundaries", geojson, "--set", "mtl", "--code-field", "id",
           "--name-field", "district", "--commit")  # fmt: skip
    cli.ok("generations", "activate", "mtl")
    results = PACKAGES / "plotly-7.1.0_election_montreal2013.csv"
    cli.ok("import", "results", results, "--set", "mtl", "--target-party", "Bergeron", "--commit")
    if admin:
        cli.ok("users", "create", "admin@x.org", "--role", "admin", "--password", "x" * 16)
    try:
        yield app
    finally:
        services_of(app).db.dispose()


# -- 1. No start without a real secret key and a database URL ------------------------


@pytest.mark.parametrize(
    "settings, expect",
    [
        ({}, "TURFMAP_SECRET_KEY is not set"),
        ({"TURFMAP_SECRET_KEY": "dev-only-not-secret"}, "the published development key"),
        ({"TURFMAP_SECRET_KEY": "hunter2hunter2"}, "too weak: 14 characters"),
    ],
)
def test_production_refuses_to_start_without_a_real_secret_key(backend, settings, expect):
    with subprocess_database(backend) as url:
        env = production_env(url, **settings)
        with gunicorn(env, wait=False) as (process, _):
            process.wait(timeout=60)
            stderr = process.log()
    assert process.returncode == 3  # gunicorn: "worker failed to boot", and it stops
    line = next(line for line in stderr.splitlines() if line.startswith("turfmap will not start"))
    assert expect in line and "secrets.token_urlsafe" in line


def test_production_refuses_to_start_without_a_database_url():
    with pytest.raises(RefusedToStart) as refused:
        create_app({"TURFMAP_DATABASE_URL": None, "SECRET_KEY": STRONG_KEY, "TURFMAP_DEBUG": False})
    assert "TURFMAP_DATABASE_URL is not set" in str(refused.value)


def test_a_cookie_signed_with_the_published_key_opens_nothing(backend):
    """The attack that worked: sign a session cookie for the admin with the
    development key from the source code. Now production has a key of its own."""
    with subprocess_database(backend) as url, loaded(url, admin=True) as app:
        forged = URLSafeTimedSerializer(
            "dev-only-not-secret",
            salt="cookie-session",
            signer_kwargs={"key_derivation": "hmac", "digest_method": "sha1"},
        ).dumps({"_user_id": "1.0", "_fresh": True})
        env = production_env(url, TURFMAP_SECRET_KEY=STRONG_KEY, TURFMAP_SECURE_COOKIES="0")
        with gunicorn(env) as (_, base):
            import urllib.request

            request = urllib.request.Request(
                f"{base}/admin/audit", headers={"Cookie": f"session={forged}"}
            )
            opener = urllib.request.build_opener(NoRedirect)
            try:
                status = opener.open(request, timeout=10).status
            except urllib.error.HTTPError as error:
                status = error.code
        assert app is not None
    assert status == 302  # to the sign-in page: the forged cookie is not a session


class NoRedirect(__import__("urllib.request").request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


# -- 4. Proxy-level errors on the API are JSON ---------------------------------------


def raw_status(base: str, path: str) -> tuple[int, str, bytes]:
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := connection.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin1").split("\r\n")
    content_type = next(
        (
            line.split(":", 1)[1].strip()
            for line in lines
            if line.lower().startswith("content-type")
        ),
        "",
    )
    return int(lines[0].split()[1]), content_type, body


def test_too_long_addresses_are_refused_as_json_by_turfmap_and_by_gunicorn(backend):
    with subprocess_database(backend) as url, loaded(url):
        env = production_env(url, TURFMAP_SECRET_KEY=STRONG_KEY)
        with gunicorn(env) as (_, base):
            by_app = raw_status(base, "/api/v1/places?q=" + "a" * 5000)
            by_gunicorn = raw_status(base, "/api/v1/places?q=" + "a" * 9000)
    for status, content_type, body in (by_app, by_gunicorn):
        assert status == 414 and content_type.startswith("application/json")
        assert "error" in json.loads(body)


# -- 5. A database that stops under load ---------------------------------------------


def _load(base: str, stop: threading.Event, results: dict) -> None:
    """Recommendations from random points in Montreal, and commitments, until stopped."""
    rng = random.Random(threading.get_ident())
    while not stop.is_set():
        lat, lon = 45.45 + rng.random() * 0.15, -73.75 + rng.random() * 0.2
        status, _, body = get(f"{base}/api/v1/recommend?lat={lat:.4f}&lon={lon:.4f}")
        results["recommend"].append((time.monotonic(), status))
        # Every district near may be full (Montreal's estimated capacities are small):
        # then the answer has its own district but nothing to recommend.
        offered = json.loads(body)["recommendations"] if status == 200 else []
        if offered and rng.random() < 0.3:
            token = offered[0]["commit_token"]
            answer = post_json(f"{base}/api/v1/commitments", json.dumps({"token": token}).encode())
            results["commit"].append((time.monotonic(), answer[0], answer[1].get("Retry-After")))


def test_recommendations_survive_a_stopped_postgresql():
    """PostGIS: a cluster of the test's own, stopped for ten seconds under load."""
    with own_cluster() as cluster, loaded(cluster.url):
        env = production_env(
            cluster.url,
            TURFMAP_SECRET_KEY=STRONG_KEY,
            TURFMAP_INDEX_CHECK_SECONDS="1",
            TURFMAP_COMMIT_LIMIT="none",
            TURFMAP_API_RATE_LIMIT="none",
        )
        with gunicorn(env) as (_, base):
            results = {"recommend": [], "commit": []}
            stop = threading.Event()
            threads = [threading.Thread(target=_load, args=(base, stop, results)) for _ in range(4)]
            for thread in threads:
                thread.start()
            time.sleep(3)
            down = time.monotonic()
            cluster.stop()
            time.sleep(2)
            ready_while_down = get(f"{base}/readyz")
            time.sleep(8)
            cluster.start()
            up = time.monotonic()
            time.sleep(5)
            stop.set()
            for thread in threads:
                thread.join()
            ready_after = get(f"{base}/readyz")
        engine = create_engine(cluster.url)
        with engine.connect() as connection:
            stored = connection.scalar(select(func.count()).select_from(Commitment.__table__))
        engine.dispose()
    recommend = results["recommend"]
    during = [status for at, status in recommend if down <= at <= up]
    assert len(during) > 20 and set(status for _, status in recommend) == {200}
    written = [status for _, status, _ in results["commit"]]
    assert 201 in written and 503 in written and set(written) <= {201, 503}
    assert all(retry for _, status, retry in results["commit"] if status == 503)
    assert stored == written.count(201)  # every 2xx write is there; nothing else
    assert ready_while_down[0] == 503
    assert json.loads(ready_while_down[2])["board"]["serving_last_good_since"]
    assert ready_after[0] == 200


def test_sqlite_unreachable_serves_the_last_good_answers(tmp_path):
    """SQLite's equivalent of a stopped server (SQLite has none): its file
    unreachable, here a folder standing where the file was, so that SQLite cannot
    open it. Answers held in memory go on; writes say 503 and Retry-After;
    afterwards all is as before."""
    from tests.conftest import Backend, load_montreal, make_app

    app = make_app(Backend("sqlite", str(tmp_path)), tmp_path)
    load_montreal(Cli(app))
    client = app.test_client()
    answer = client.get("/api/v1/recommend?lat=45.52&lon=-73.58").get_json()
    token = answer["recommendations"][0]["commit_token"]
    path = Path(app.config["TURFMAP_DATABASE_URL"].removeprefix("sqlite:///"))
    aside = tmp_path / "aside"
    aside.mkdir()
    services_of(app).db.dispose()
    files = [f for f in path.parent.glob(path.name + "*")]
    for file in files:
        file.rename(aside / file.name)
    path.mkdir()
    try:
        for _ in range(3):
            assert client.get("/api/v1/recommend?lat=45.5&lon=-73.6").status_code == 200
        refused = client.post("/api/v1/commitments", json={"token": token})
        assert refused.status_code == 503 and refused.headers["Retry-After"] == "5"
        assert refused.get_json()["error"]["code"] == "database_unavailable"
        ready = client.get("/readyz")
        assert ready.status_code == 503 and ready.get_json()["database"] is False
        assert ready.get_json()["board"]["serving_last_good_since"]
    finally:
        services_of(app).db.dispose()
        path.rmdir()
        for file in files:
            (aside / file.name).rename(file)
    assert client.post("/api/v1/commitments", json={"token": token}).status_code == 201
    assert client.get("/readyz").status_code == 200
