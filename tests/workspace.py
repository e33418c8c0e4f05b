"""The coordinators' workspace used by the admin, upload, session and authorisation
tests: Bradford's seats (set "wy") and wards (set "wards", each ward's parent its
seat), and one account per role."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import geopandas as gpd

from tests.conftest import UK, services_of

PASSWORD = "correct horse battery"
WARD_A = "E05001348"  # Clayton and Fairweather Green, in Bradford West (E14001120)
WARD_B = "E05001346"  # Bradford Moor, in Bradford East (E14001118)
SEAT_A = "E14001120"
SEAT_B = "E14001118"  # Bradford East
USERS = {
    "admin@x.org": ("admin", []),
    "host@x.org": ("host", []),
    "a@x.org": ("coordinator", [f"wards:{SEAT_A}"]),
    "b@x.org": ("coordinator", ["wy"]),  # every seat, but no ward
}
WHO = [None, "host@x.org", "a@x.org", "b@x.org", "admin@x.org"]


def load_bradford(cli, tmp_path, wards_set: str = "wards") -> None:
    """West Yorkshire's seats (set "wy") and Bradford's wards, each ward's parent its seat."""
    seats = gpd.read_file(UK / "wpc_2024_uk_bgc_valid.gpkg").cx[-2.2:-1.6, 53.7:54.0]
    seats.to_file(tmp_path / "seats.gpkg")
    cli.ok("import", "boundaries", tmp_path / "seats.gpkg", "--set", "wy", "--commit")
    cli.ok("generations", "activate", "wy")
    wards = UK / "wards_bradford_E08000032_wd13.geojson"
    cli.ok(
        "import", "boundaries", wards, "--set", wards_set, "--level", "ward",
        "--parent-set", "wy", "--commit",
    )  # fmt: skip
    cli.ok("generations", "activate", wards_set)


def build_workspace(app, cli, tmp_path):
    load_bradford(cli, tmp_path)
    for email, (role, regions) in USERS.items():
        args = ["users", "create", email, "--role", role, "--password", PASSWORD]
        for region in regions:
            args += ["--region", region]
        cli.ok(*args)
    return app


def inside(app, set_slug: str, code: str) -> tuple[float, float]:
    """(lat, lon) of a point inside the district."""
    index = services_of(app).spatial.get()
    found = next(d for d in index.districts if d.set_slug == set_slug and d.code == code)
    return found.point_lat, found.point_lon


def token(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def signed_in(app, email):
    client = app.test_client()
    if email is None:
        return client
    page = client.get("/admin/login").get_data(as_text=True)
    response = client.post(
        "/admin/login", data={"email": email, "password": PASSWORD, "csrf_token": token(page)}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def any_token(client) -> str:
    """A valid CSRF token for this client, from a page anyone may open."""
    return token(client.get("/admin/login").get_data(as_text=True))


def session_fields(app, set_slug="wards", code=WARD_A, **extra) -> dict:
    lat, lon = inside(app, set_slug, code)
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    fields = {
        "set_slug": set_slug,
        "title": "Saturday doors",
        "starts": start.strftime("%Y-%m-%dT%H:%M"),
        "ends": (start + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        "lat": f"{lat:.6f}",
        "lon": f"{lon:.6f}",
        "capacity": "2",
        "contact": "organiser@example.org",
        "accessibility": "Step-free meeting point",
    }
    return fields | extra


def finish_jobs(app) -> int:
    """Do every queued job now, as `turfmap jobs work --once` would."""
    from turfmap.coordination.jobs import work

    return work(services_of(app).db, once=True)


def followed_job(app, client, response):
    """A request that queued a job answers with a redirect to the job's page: do the
    job, then give that page (what the admin sees when it is done); any other
    answer as it was."""
    if response.status_code != 302 or "/admin/jobs/" not in response.headers["Location"]:
        return response
    finish_jobs(app)
    return client.get(response.headers["Location"])
