"""deploy/nginx.conf in front of two gunicorn servers (issue 22.8, 22.9): map data
and static files come from nginx's cache, personal answers never do, /metrics is
not public, the client's address reaches the app (and a forged one does not), and
when one app server stops the other answers."""

from __future__ import annotations

import json
import re
import urllib.request
from contextlib import ExitStack

import pytest

from tests.conftest import Backend, _postgres_url
from tests.servers import (
    STRONG_KEY,
    gunicorn,
    nginx,
    production_env,
    subprocess_database,
)
from tests.test_production import loaded
from tests.test_surge import UNLIMITED

pytestmark = pytest.mark.slow


def fetch(url: str, **headers: str) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_nginx_in_front_of_two_servers():
    """On PostGIS, as production runs."""
    with ExitStack() as stack:
        url = stack.enter_context(subprocess_database(Backend("postgis", _postgres_url())))
        stack.enter_context(loaded(url))
        env = production_env(
            url,
            TURFMAP_SECRET_KEY=STRONG_KEY,
            TURFMAP_TRUSTED_PROXIES="1",
            TURFMAP_LOG_FORMAT="json",
            **UNLIMITED,
        )
        apps = [stack.enter_context(gunicorn(env)) for _ in range(2)]
        _, base = stack.enter_context(nginx([app_base for _, app_base in apps]))

        # Map data: the second asking is nginx's copy, gzipped or not.
        layer = f"{base}/api/v1/sets/mtl/districts.geojson?zoom=10"
        for encoding in ("gzip", "identity"):
            first = fetch(layer, **{"Accept-Encoding": encoding})
            second = fetch(layer, **{"Accept-Encoding": encoding})
            assert first[0] == second[0] == 200
            assert (first[1]["X-Cache-Status"], second[1]["X-Cache-Status"]) == ("MISS", "HIT")
            assert first[2] == second[2]
        assert fetch(f"{base}/api/v1/sets/mtl/hexes.json")[0] == 404  # none imported
        # Static files: fingerprinted by the page, cached a year, from nginx's copy.
        page = fetch(f"{base}/")[2].decode()
        script = re.search(r'"(/static/[0-9a-f]{12}/map\.js)"', page)[1]
        fetch(f"{base}{script}")
        cached = fetch(f"{base}{script}")
        assert cached[1]["X-Cache-Status"] == "HIT"
        assert "immutable" in cached[1]["Cache-Control"]
        # Personal answers: never stored, never served from the cache.
        for _ in range(2):
            status, headers, _ = fetch(f"{base}/api/v1/recommend?lat=45.52&lon=-73.58")
            assert status == 200 and headers["Cache-Control"] == "no-store"
            assert "X-Cache-Status" not in headers
        assert fetch(f"{base}/metrics")[0] == 403
        # The app logs the address nginx saw, not one the client wrote.
        fetch(f"{base}/api/v1/districts/101", **{"X-Forwarded-For": "198.51.100.7"})
        lines = [json.loads(line) for app, _ in apps for line in app.log().splitlines()]
        asked = [line for line in lines if line.get("path") == "/api/v1/districts/101"]
        assert [line["client"] for line in asked] == ["127.0.0.1"]
        # One app server stops: the other answers everything.
        apps[1][0].terminate()
        apps[1][0].wait(timeout=15)
        answers = [fetch(f"{base}/api/v1/districts/10{n % 2 + 1}")[0] for n in range(20)]
        assert answers == [200] * 20


def test_the_container_files_name_only_real_settings():
    """compose.yaml and the Dockerfile set only variables turfmap, gunicorn.conf.py,
    numba or prometheus_client read, so a renamed setting cannot leave them quietly
    wrong. (The image is built by hand: no container registry is reachable here;
    README, "Several servers".)"""
    import yaml

    from turfmap.config import PROJECT_ROOT, SETTINGS

    known = {s.name for s in SETTINGS} | {
        "TURFMAP_BIND",  # deploy/gunicorn.conf.py
        "TURFMAP_WORKERS",
        "NUMBA_CACHE_DIR",
        "PROMETHEUS_MULTIPROC_DIR",
        "PYTHONDONTWRITEBYTECODE",
        "PYTHONUNBUFFERED",
    }
    deploy = PROJECT_ROOT / "deploy"
    compose = yaml.safe_load((deploy / "compose.yaml").read_text())
    services = compose["services"]
    assert {"db", "redis", "migrate", "app1", "app2", "jobs", "nginx"} <= set(services)
    assert services["jobs"]["command"] == ["turfmap", "jobs", "work"]
    for name in ("app1", "app2", "migrate", "jobs"):
        assert set(services[name]["environment"]) <= known, name
        assert services[name]["build"]["dockerfile"] == "deploy/Dockerfile"
    assert services["migrate"]["command"] == ["turfmap", "db", "upgrade"]
    dockerfile = (deploy / "Dockerfile").read_text()
    set_there = set(re.findall(r"^\s+([A-Z_]+)=", dockerfile, re.M))
    assert set_there and set_there <= known
    assert "USER turfmap" in dockerfile and "deploy/gunicorn.conf.py" in dockerfile
    # Every folder the package reads beside itself is in the image (data/ was not,
    # and an import in the container stopped at the missing land outline), but for
    # instance/ (the development database) and the download cache.
    copied = set(re.findall(r"^COPY (\w+) ", dockerfile, re.M))
    beside = {
        folder
        for source in (PROJECT_ROOT / "turfmap").rglob("*.py")
        for folder in re.findall(r'PROJECT_ROOT / "(\w+)"', source.read_text())
    }
    assert beside - {"instance"} <= copied and {"data", "migrations", "static"} <= beside
    assert "data/cache" in (PROJECT_ROOT / ".dockerignore").read_text().split()
    gunicorn_conf = (deploy / "gunicorn.conf.py").read_text()
    assert "TURFMAP_BIND" in gunicorn_conf and "TURFMAP_WORKERS" in gunicorn_conf
