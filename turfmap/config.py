"""Settings, read from the environment when the app or CLI starts (never at import time)."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    target_party: str
    data_dir: Path | None
    cache_dir: Path
    fetch_mirror: str | None
    index_check_seconds: float
    router_url: str | None
    hold_weight: float
    gain_weight: float
    margin_scale: float
    tiles: str | None
    frame_ancestors: str
    secure_cookies: bool
    timezone: str
    max_upload_mb: int

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        instance = PROJECT_ROOT / "instance"
        default_url = f"sqlite:///{instance / 'turfmap.sqlite3'}"
        data_dir = env.get("TURFMAP_DATA_DIR")
        return cls(
            database_url=env.get("TURFMAP_DATABASE_URL", default_url),
            secret_key=env.get("TURFMAP_SECRET_KEY", "dev-only-not-secret"),
            target_party=env.get("TURFMAP_TARGET_PARTY", "Lab"),
            data_dir=Path(data_dir) if data_dir else None,
            cache_dir=Path(env.get("TURFMAP_CACHE_DIR", PROJECT_ROOT / "data" / "cache")),
            # A base URL serving the sources' files by name, for deployments behind a mirror.
            fetch_mirror=env.get("TURFMAP_FETCH_MIRROR") or None,
            # How often a web worker asks the database whether a generation was
            # activated elsewhere (CLI, another worker) and its index is stale.
            index_check_seconds=float(env.get("TURFMAP_INDEX_CHECK_SECONDS", "5")),
            # An OSRM server's base URL for street-level travel times; unset: estimates.
            router_url=env.get("TURFMAP_ROUTER_URL") or None,
            hold_weight=float(env.get("TURFMAP_HOLD_WEIGHT", "1.0")),
            gain_weight=float(env.get("TURFMAP_GAIN_WEIGHT", "1.0")),
            # The margin at which a seat's computed need falls to 37 of 100.
            margin_scale=_margin_scale(env.get("TURFMAP_MARGIN_SCALE", "0.20")),
            # Background map tiles (a URL template); "none" for no background.
            tiles=_tiles(env.get("TURFMAP_TILES")),
            # Who may put /embed in an iframe (a CSP frame-ancestors source list).
            frame_ancestors=env.get("TURFMAP_FRAME_ANCESTORS", "*"),
            secure_cookies=env.get("TURFMAP_SECURE_COOKIES", "1") not in ("0", "false", "no"),
            # Session times typed without an offset (forms, CSV) are in this zone.
            timezone=env.get("TURFMAP_TIMEZONE", "Europe/London"),
            # The largest boundary or needs file the workspace accepts.
            max_upload_mb=int(env.get("TURFMAP_MAX_UPLOAD_MB", "200")),
        )


def _margin_scale(value: str) -> float:
    """A share of the vote, refused at start-up if it is not one.

    >>> _margin_scale("0.15")
    0.15
    >>> _margin_scale("20")
    Traceback (most recent call last):
    ...
    ValueError: TURFMAP_MARGIN_SCALE must be a share of the vote between 0 and 1, ...; got '20'
    """
    try:
        scale = float(value)
    except ValueError:
        scale = math.nan
    if not 0 < scale <= 1:
        raise ValueError(
            "TURFMAP_MARGIN_SCALE must be a share of the vote between 0 and 1, such as 0.2; "
            f"got {value!r}"
        )
    return scale


def _tiles(value: str | None) -> str | None:
    """
    >>> _tiles(None)
    'https://tile.openstreetmap.org/{z}/{x}/{y}.png'
    >>> _tiles("none") is None
    True
    """
    if value is None or value == "":
        return "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    return None if value.lower() == "none" else value
