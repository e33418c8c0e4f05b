"""Routers answer "how many minutes from here to each of these places".

The estimate is the default; OsrmRouter asks an OSRM server's table service where a
deployment runs one (TURFMAP_ROUTER_URL). A router that fails raises, and the
caller reports which source each travel time came from: no silent substitution.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from typing import Protocol

from turfmap.errors import SourceUnavailable
from turfmap.travel.estimate import minutes

Point = tuple[float, float]  # lon, lat


class Router(Protocol):
    name: str

    def minutes(
        self, origin: Point, targets: Sequence[Point], metres: Sequence[float], mode: str
    ) -> list[float | None]: ...


class EstimateRouter:
    """Minutes from straight-line metres (see estimate.py)."""

    name = "estimate"

    def minutes(self, origin, targets, metres, mode):
        return [minutes(m, mode) for m in metres]


# OSRM serves one profile per server or per path; these are the profile names the
# standard OSRM images use. Transit is not something OSRM routes.
OSRM_PROFILES = {"walk": "foot", "cycle": "bicycle", "drive": "driving"}


class OsrmRouter:
    """OSRM's table service: one request per recommendation, origin as the source."""

    name = "osrm"

    def __init__(self, base_url: str, timeout: float = 5.0):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def minutes(self, origin, targets, metres, mode):
        if mode not in OSRM_PROFILES:
            raise SourceUnavailable(f"the OSRM router has no {mode!r} profile", status=400)
        if not targets:
            return []
        coordinates = ";".join(f"{lon:.6f},{lat:.6f}" for lon, lat in [origin, *targets])
        query = urllib.parse.urlencode({"sources": "0", "annotations": "duration"})
        url = f"{self.base_url}/table/v1/{OSRM_PROFILES[mode]}/{coordinates}?{query}"
        try:
            with urllib.request.urlopen(url, timeout=self.timeout) as response:
                body = json.load(response)
        except urllib.error.HTTPError as exc:
            # OSRM explains a refused query in a JSON body ({"code": ..., "message": ...}).
            body = _json_or_empty(exc)
            raise SourceUnavailable(
                f"router {self.base_url} answered HTTP {exc.code} {body.get('code', '')}: "
                f"{body.get('message', '')}".strip()
            ) from exc
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            raise SourceUnavailable(f"router {self.base_url} failed: {exc}") from exc
        if body.get("code") != "Ok":
            raise SourceUnavailable(
                f"router {self.base_url} answered {body.get('code')!r}: {body.get('message', '')}"
            )
        durations = body["durations"][0][1:]
        if len(durations) != len(targets):
            raise SourceUnavailable(
                f"router {self.base_url} returned {len(durations)} "
                f"durations for {len(targets)} places"
            )
        return [None if d is None else d / 60 for d in durations]


def _json_or_empty(error) -> dict:
    try:
        return json.loads(error.read() or b"{}")
    except ValueError:
        return {}


def minutes_or_estimate(
    router: Router, origin: Point, targets: Sequence[Point], metres: Sequence[float], mode: str
) -> tuple[list[float | None], str, str | None]:
    """(minutes to each target, their source, why the estimate stood in if it did):
    the router's answer, or where it fails the estimate, said so, never silently.
    Only a real router is told where the targets are (it may be given none).

    >>> minutes_or_estimate(EstimateRouter(), (0.0, 51.5), [], [1000.0], "walk")[1:]
    ('estimate', None)
    """
    try:
        return router.minutes(origin, targets, metres, mode), router.name, None
    except SourceUnavailable as exc:
        return EstimateRouter().minutes(origin, [], metres, mode), "estimate", exc.message


def make_router(url: str | None) -> Router:
    return OsrmRouter(url) if url else EstimateRouter()
