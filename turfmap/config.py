"""Settings: one table, read from the environment when the app or CLI starts (never
at import time). Each row names the variable, its default, how its text is parsed
and what it means; ``create_app`` applies the table, and a test checks the README's
settings table against it, so a setting cannot be added, renamed or dropped
without its documentation following.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from limits import parse_many

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET_KEY = "dev-only-not-secret"
MIN_SECRET_LENGTH = 32
DEV_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'instance' / 'turfmap.sqlite3'}"


class SettingError(ValueError):
    """A setting's value cannot be used; the message names the variable."""


@dataclass(frozen=True)
class Setting:
    name: str
    default: str | None  # text, parsed like a value from the environment; None: unset
    parse: Callable[[str], Any]
    help: str
    shown_default: str | None = None  # how the README shows a default that is not literal

    def documented_default(self) -> str:
        if self.shown_default is not None:
            return self.shown_default
        return "unset" if self.default is None else f"`{self.default}`"


def _text(value: str) -> str:
    return value


def _flag(value: str) -> bool:
    """
    >>> _flag("1"), _flag("no")
    (True, False)
    >>> _flag("perhaps")
    Traceback (most recent call last):
    ValueError: 'perhaps' is not one of 1, 0, true, false, yes, no
    """
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{value!r} is not one of 1, 0, true, false, yes, no")


def _choice(*allowed: str) -> Callable[[str], str]:
    """
    >>> _choice("text", "json")("JSON")
    'json'
    >>> _choice("text", "json")("xml")
    Traceback (most recent call last):
    ValueError: 'xml' is not one of text, json
    """

    def parse(value: str) -> str:
        if value.strip().lower() not in allowed:
            raise ValueError(f"{value!r} is not one of {', '.join(allowed)}")
        return value.strip().lower()

    return parse


def _number(low: float, high: float) -> Callable[[str], float]:
    def parse(value: str) -> float:
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if not math.isfinite(number) or not low <= number <= high:
            raise ValueError(f"{value!r} is not a number from {low:g} to {high:g}")
        return number

    return parse


def _whole(low: int, high: int) -> Callable[[str], int]:
    def parse(value: str) -> int:
        if not value.strip().isascii() or not value.strip().isdigit():
            raise ValueError(f"{value!r} is not a whole number")
        number = int(value)
        if not low <= number <= high:
            raise ValueError(f"{value!r} is not a whole number from {low} to {high}")
        return number

    return parse


def _margin_scale(value: str) -> float:
    """A share of the vote, refused at start-up if it is not one.

    >>> _margin_scale("0.15")
    0.15
    >>> _margin_scale("20")
    Traceback (most recent call last):
    ...
    ValueError: a share of the vote between 0 and 1, such as 0.2, is needed; got '20'
    """
    try:
        scale = float(value)
    except ValueError:
        scale = math.nan
    if not 0 < scale <= 1:
        raise ValueError(
            f"a share of the vote between 0 and 1, such as 0.2, is needed; got {value!r}"
        )
    return scale


def _tiles(value: str) -> str | None:
    """
    >>> _tiles("https://tile.openstreetmap.org/{z}/{x}/{y}.png")
    'https://tile.openstreetmap.org/{z}/{x}/{y}.png'
    >>> _tiles("none") is None
    True
    """
    return None if value.lower() == "none" else value


def _rate(value: str) -> str | None:
    """A rate such as "10 per minute" (several with ";"), or "none" for no limit.

    >>> _rate("5 per day"), _rate("none")
    ('5 per day', None)
    >>> _rate("lots")
    Traceback (most recent call last):
    ValueError: 'lots' is not a rate like "10 per minute" (or "none")
    """
    if value.strip().lower() == "none":
        return None
    try:
        parse_many(value)
    except ValueError:
        raise ValueError(f'{value!r} is not a rate like "10 per minute" (or "none")') from None
    return value


def _public_url(value: str) -> str:
    """
    >>> _public_url("https://map.example.org/")
    'https://map.example.org'
    >>> _public_url("map.example.org")
    Traceback (most recent call last):
    ValueError: 'map.example.org' is not an http(s) URL like https://map.example.org
    """
    from urllib.parse import urlsplit

    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
        raise ValueError(f"{value!r} is not an http(s) URL like https://map.example.org")
    return value.strip().rstrip("/")


def _path(value: str) -> Path:
    return Path(value)


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "TURFMAP_DEBUG",
        "0",
        _flag,
        "development mode: the development secret key and the SQLite file under "
        "`instance/` are allowed (`make run` sets it). Never in production",
    ),
    Setting(
        "TURFMAP_DATABASE_URL",
        None,
        _text,
        "SQLAlchemy URL; production: `postgresql+psycopg://user@host/db` with PostGIS. "
        "Required outside development mode; in development it defaults to "
        "`sqlite:///instance/turfmap.sqlite3`",
    ),
    Setting(
        "TURFMAP_READ_DATABASE_URL",
        None,
        _text,
        "a read-only replica of the database (PostgreSQL streaming replication): public "
        "pages and API answers read from it while it keeps up with what the worker has "
        "shown, and from the primary (saying so in the log) while it lags or is down; "
        "every write, and every read after a write, goes to the primary",
    ),
    Setting(
        "TURFMAP_SECRET_KEY",
        None,
        _text,
        f"signs sign-in cookies, forms and commitment tokens: at least {MIN_SECRET_LENGTH} "
        "random characters (`python -c 'import secrets; print(secrets.token_urlsafe(48))'`). "
        "The web app refuses to start without one outside development mode",
    ),
    Setting(
        "TURFMAP_PUBLIC_URL",
        None,
        _public_url,
        "the address the public uses (`https://map.example.org`): every absolute URL "
        "turfmap writes (embed snippets, calendar links) uses it, never the request's "
        "Host header (a request may still arrive under any name, as health checks do)",
    ),
    Setting(
        "TURFMAP_TRUSTED_PROXIES",
        "0",
        _whole(0, 5),
        "how many reverse proxies (nginx, HAProxy) stand in front and set "
        "`X-Forwarded-For`: rate limits and logs then see the client's address",
    ),
    Setting(
        "TURFMAP_LOG_FORMAT",
        "text",
        _choice("text", "json"),
        "`json`: every log line a JSON object (time, level, logger, message; a line per "
        "request with method, path, route, status, ms and the client's address)",
    ),
    Setting(
        "TURFMAP_TARGET_PARTY",
        "Lab",
        _text,
        "the party whose side margins are seen from (`Con`, `DEM`, ...)",
    ),
    Setting(
        "TURFMAP_DATA_DIR",
        None,
        _path,
        "folder of pre-downloaded source files for `turfmap demo`",
    ),
    Setting(
        "TURFMAP_CACHE_DIR",
        str(PROJECT_ROOT / "data" / "cache"),
        _path,
        "where `turfmap fetch` keeps downloads (git-ignored)",
        shown_default="`data/cache`",
    ),
    Setting(
        "TURFMAP_FETCH_MIRROR",
        None,
        _text,
        "base URL serving the source files by name, instead of the publishers",
    ),
    Setting(
        "TURFMAP_WALK_METRES_PER_MINUTE",
        "75",
        _number(10, 300),
        "canvassers' walking speed between doors, for a turf's estimated minutes "
        "(75 m a minute is 4.5 km/h)",
    ),
    Setting(
        "TURFMAP_MINUTES_PER_DOOR",
        "1.5",
        _number(0, 30),
        "minutes spent at each door, for a turf's estimated minutes",
    ),
    Setting(
        "TURFMAP_WALK_LINK_DAYS",
        "3",
        _number(0.01, 60),
        "how long a turf's walk link works after it is handed out, in days",
    ),
    Setting(
        "TURFMAP_INDEX_CHECK_SECONDS",
        "5",
        _number(0, 3600),
        "how often a web worker checks for a newly activated generation or changed needs",
    ),
    Setting(
        "TURFMAP_LISTEN",
        "1",
        _flag,
        "on PostgreSQL, each web worker keeps one more connection that LISTENs for "
        "other servers' writes, so a commitment or RSVP made anywhere shows everywhere "
        "within a second (polling stays underneath); `0` to poll only",
    ),
    Setting(
        "TURFMAP_JOBS",
        "web",
        _choice("web", "worker"),
        "who does long work asked for in the workspace (a boundary file's dry run and "
        "write): `web`, a thread of the web worker that took the request; `worker`, only "
        "`turfmap jobs work` processes (production: run one beside the web servers)",
    ),
    Setting(
        "TURFMAP_ROUTER_URL",
        None,
        _text,
        "an OSRM server for street-level travel times (walk, cycle, drive); unset: "
        "documented estimates",
    ),
    Setting(
        "TURFMAP_HOLD_WEIGHT",
        "1.0",
        _number(0, 10),
        "how much seats to hold count in the need model",
    ),
    Setting(
        "TURFMAP_GAIN_WEIGHT",
        "1.0",
        _number(0, 10),
        "how much seats to gain count in the need model",
    ),
    Setting(
        "TURFMAP_MARGIN_SCALE",
        "0.20",
        _margin_scale,
        "how wide the battleground is: the margin (share of the vote) at which a seat's "
        "computed need falls to 37 of 100; 20 points behind keeps 37, 40 points behind 1.8",
    ),
    Setting(
        "TURFMAP_PLACES_PER_1000_ELECTORS",
        "1.0",
        _number(0.01, 100),
        "how many volunteers a district is estimated to use in a day at top need, per 1,000 "
        "electors (votes cast over a 60% turnout where the electorate is unknown), where no "
        "coordinator has set its capacity: 75 for a 75,000-elector seat; the API marks such "
        "figures capacity_source: estimate",
    ),
    Setting(
        "TURFMAP_TILES",
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        _tiles,
        "background tile URL template; `none` for no background (the map works without one)",
        shown_default="OpenStreetMap",
    ),
    Setting(
        "TURFMAP_FRAME_ANCESTORS",
        "*",
        _text,
        "which sites may frame `/embed` (CSP `frame-ancestors`); `/admin` may never be framed",
    ),
    Setting(
        "TURFMAP_SECURE_COOKIES",
        "1",
        _flag,
        "session cookies only over HTTPS (browsers count `http://localhost` as secure); "
        "`0` to turn off",
    ),
    Setting(
        "TURFMAP_TIMEZONE",
        "Europe/London",
        _text,
        "the campaign's clock: session times typed without an offset (forms, CSV) are in "
        'this zone, and so is "today" for commitments and commitment tokens',
    ),
    Setting(
        "TURFMAP_MAX_UPLOAD_MB",
        "200",
        _whole(1, 4096),
        "the largest file the workspace accepts (boundary files, needs CSV); every other "
        "request body is limited to 16 KB",
    ),
    Setting(
        "TURFMAP_MAX_UNZIPPED_MB",
        "1024",
        _whole(1, 65536),
        "the most a zipped upload may expand to (all its members together); larger "
        "archives, and archives of more than 100 files, are refused before reading",
    ),
    Setting(
        "TURFMAP_UPLOAD_RETENTION_HOURS",
        "24",
        _number(0, 24 * 90),
        "how long a previewed but not applied upload is kept before it is deleted "
        "(applied and cancelled uploads are deleted at once)",
    ),
    Setting(
        "TURFMAP_RATE_LIMIT_STORAGE",
        "memory://",
        _text,
        "where rate-limit counters live (a `limits` storage URL): `memory://` counts per "
        "worker; with several workers or servers use `redis://host:6379`",
    ),
    Setting(
        "TURFMAP_API_RATE_LIMIT",
        "600 per minute",
        _rate,
        "requests per client address to `/api/` (`none` for no limit)",
    ),
    Setting(
        "TURFMAP_COMMIT_LIMIT",
        "5 per day",
        _rate,
        "accepted recommendations (`POST /api/v1/commitments`) per client address",
    ),
    Setting(
        "TURFMAP_RSVP_LIMIT",
        "10 per day",
        _rate,
        "session sign-ups per client address (API and `/s/<id>` form)",
    ),
    Setting(
        "TURFMAP_RSVP_CONTACT_LIMIT",
        "3 per day",
        _rate,
        "session sign-ups per volunteer contact (email or phone)",
    ),
    Setting(
        "TURFMAP_LOGIN_LIMIT",
        "10 per minute",
        _rate,
        "sign-in attempts per client address, and separately per account",
    ),
)


def read_settings(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """{variable name: parsed value} for every setting; an unusable value raises a
    SettingError naming the variable, so a typo stops start-up rather than being
    silently ignored."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = env.get(setting.name)
        if raw is None or raw == "":
            raw = setting.default
        if raw is None:
            values[setting.name] = None
            continue
        try:
            values[setting.name] = setting.parse(raw)
        except ValueError as error:
            raise SettingError(f"{setting.name}: {error}") from None
    return values


def production_problems(config: Mapping[str, Any], *, serving: bool) -> list[str]:
    """What stops this configuration running outside development mode.

    >>> for problem in production_problems({"TURFMAP_DATABASE_URL": "postgresql+psycopg://db/x",
    ...                                     "SECRET_KEY": "k" * 40}, serving=True):
    ...     print(problem)
    TURFMAP_SECRET_KEY is too weak: it repeats too few characters; make one with ...
    >>> for problem in production_problems({"TURFMAP_DATABASE_URL": None}, serving=False):
    ...     print(problem)
    TURFMAP_DATABASE_URL is not set: name the database ...
    """
    problems = []
    if not config.get("TURFMAP_DATABASE_URL"):
        problems.append(
            "TURFMAP_DATABASE_URL is not set: name the database "
            "(postgresql+psycopg://user@host/db), or set TURFMAP_DEBUG=1 for the "
            "development SQLite file"
        )
    if serving:
        weakness = secret_key_weakness(config.get("SECRET_KEY"))
        if weakness:
            problems.append(
                f"TURFMAP_SECRET_KEY is {weakness}; make one with "
                "python -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )
    return problems


def secret_key_weakness(key: str | None) -> str | None:
    """Why ``key`` cannot sign production cookies, or None when it can.

    >>> secret_key_weakness(None), secret_key_weakness("dev-only-not-secret")
    ('not set', 'the published development key')
    >>> secret_key_weakness("short")
    'too weak: 5 characters, at least 32 are needed'
    >>> secret_key_weakness("Zr8p0e3yq1gNw6xJbT4vK2mLcH9sA7fD")
    """
    if not key:
        return "not set"
    if key == DEV_SECRET_KEY:
        return "the published development key"
    if len(key) < MIN_SECRET_LENGTH:
        return f"too weak: {len(key)} characters, at least {MIN_SECRET_LENGTH} are needed"
    if len(set(key)) < 12:
        return "too weak: it repeats too few characters"
    return None
