"""Checking what hosts type about a canvassing session, and what volunteers type to
join one (pure functions: the web form, the JSON API and the CSV import share them).

Errors name the place: ``field 'ends'`` for a form, ``line 4, column 'ends'`` for a file.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from turfmap.errors import InputError
from turfmap.inputs.text import clean_cell

TITLE_MAX = 120
NOTES_MAX = 1000
CAPACITY_MAX = 1000
LONGEST = timedelta(hours=12)
FURTHEST = timedelta(days=366)
# What an address or number is, as patterns the API's document also states
# (VOLUNTEER_CONTACT), so that what it promises and what is taken cannot drift.
_EMAIL_BODY = r"[^@\s:/\x00-\x1f\x7f]+@[^@\s/\x00-\x1f\x7f]+\.[^@\s/\x00-\x1f\x7f]+"
_PHONE_BODY = r"\+?[0-9()\-][0-9 ()\-]{5,18}[0-9()\-]"
_EMAIL = re.compile(f"^{_EMAIL_BODY}$")
_PHONE = re.compile(f"^{_PHONE_BODY}$")
EMAIL_MAX = 200
VOLUNTEER_CONTACT = re.compile(rf"^\s*(?:{_EMAIL_BODY}|{_PHONE_BODY})\s*$")
_URL = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)


@dataclass(frozen=True)
class SessionDraft:
    title: str
    starts_at: datetime
    ends_at: datetime
    lat: float
    lon: float
    capacity: int
    contact: str
    accessibility: str
    short_walks: bool = False


def place(line: int | None, column: str) -> str:
    """
    >>> place(None, "title"), place(4, "title")
    ("field 'title'", "line 4, column 'title'")
    """
    return f"field {column!r}" if line is None else f"line {line}, column {column!r}"


def parse_session(
    fields: Mapping[str, object], *, tz: str, now: datetime, line: int | None = None
) -> SessionDraft:
    """A checked session from form fields or a CSV row.

    >>> from datetime import UTC
    >>> now = datetime(2026, 11, 23, 9, tzinfo=UTC)
    >>> d = parse_session({"title": "Saturday doors", "starts": "2026-11-28T10:00",
    ...     "ends": "2026-11-28 13:00", "lat": "53.79", "lon": "-1.80", "capacity": "12",
    ...     "contact": "jo@example.org", "accessibility": "Step-free start"},
    ...     tz="Europe/London", now=now)
    >>> d.starts_at.isoformat(), d.contact, d.capacity
    ('2026-11-28T10:00:00+00:00', 'mailto:jo@example.org', 12)
    >>> parse_session({"title": "x", "starts": "2026-11-28T10:00", "ends": "2026-11-28T09:00",
    ...     "lat": "53", "lon": "-1", "capacity": "5", "contact": "0113 496 0000"},
    ...     tz="Europe/London", now=now, line=3)
    Traceback (most recent call last):
    turfmap.errors.InputError: line 3, column 'ends': 2026-11-28 09:00 is not after the start ...
    """
    title = text_field(fields, "title", line=line, required=True, limit=TITLE_MAX)
    starts = parse_when(_get(fields, "starts"), tz=tz, where=place(line, "starts"))
    ends = parse_when(_get(fields, "ends"), tz=tz, where=place(line, "ends"))
    if ends <= starts:
        raise InputError(
            f"{place(line, 'ends')}: {ends:%Y-%m-%d %H:%M} is not after the start "
            f"({starts:%Y-%m-%d %H:%M})"
        )
    if ends - starts > LONGEST:
        raise InputError(f"{place(line, 'ends')}: a session lasts at most 12 hours")
    if ends <= now:
        raise InputError(f"{place(line, 'ends')}: {ends:%Y-%m-%d %H:%M} is already past")
    if starts > now + FURTHEST:
        raise InputError(f"{place(line, 'starts')}: more than a year ahead")
    return SessionDraft(
        title=title,
        starts_at=starts,
        ends_at=ends,
        lat=number(_get(fields, "lat"), where=place(line, "lat"), low=-90, high=90),
        lon=number(_get(fields, "lon"), where=place(line, "lon"), low=-180, high=180),
        capacity=whole(_get(fields, "capacity"), where=place(line, "capacity")),
        contact=contact_link(_get(fields, "contact"), where=place(line, "contact")),
        accessibility=text_field(
            fields, "accessibility", line=line, limit=NOTES_MAX, multiline=True
        ),
        short_walks=_get(fields, "short_walks").lower() in ("1", "true", "yes", "y", "on"),
    )


def _get(fields: Mapping[str, object], key: str) -> str:
    value = fields.get(key)
    return "" if value is None else str(value).strip()


def text_field(
    fields: Mapping[str, object],
    key: str,
    *,
    line: int | None,
    limit: int,
    required: bool = False,
    multiline: bool = False,
) -> str:
    where = place(line, key)
    value = clean_cell(fields.get(key), where, limit=limit, multiline=multiline)
    if required and not value:
        raise InputError(f"{where}: required")
    return value


def parse_when(raw: str, *, tz: str, where: str) -> datetime:
    """ISO 8601; a time without an offset is in ``tz`` (the campaign's clock).

    >>> parse_when("2026-07-04T10:00", tz="Europe/London", where="field 'starts'").isoformat()
    '2026-07-04T09:00:00+00:00'
    >>> parse_when("2026-07-04T10:00-04:00", tz="Europe/London", where="x").isoformat()
    '2026-07-04T14:00:00+00:00'
    >>> parse_when("next tuesday", tz="Europe/London", where="field 'starts'")
    Traceback (most recent call last):
    turfmap.errors.InputError: field 'starts': 'next tuesday' is not a date and time ...
    """
    if not raw:
        raise InputError(f"{where}: required (a date and time like 2026-11-28T10:00)")
    try:
        when = datetime.fromisoformat(raw)
    except ValueError:
        raise InputError(f"{where}: {raw!r} is not a date and time like 2026-11-28T10:00") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=ZoneInfo(tz))
    return when.astimezone(ZoneInfo("UTC"))


def number(raw: str, *, where: str, low: float, high: float) -> float:
    """
    >>> number("53.8", where="field 'lat'", low=-90, high=90)
    53.8
    >>> number("nan", where="field 'lat'", low=-90, high=90)
    Traceback (most recent call last):
    turfmap.errors.InputError: field 'lat': 'nan' is not a number from -90 to 90
    """
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not low <= value <= high:
        raise InputError(f"{where}: {raw!r} is not a number from {low:g} to {high:g}")
    return value


def whole(raw: str, *, where: str, low: int = 1, high: int = CAPACITY_MAX) -> int:
    """
    >>> whole("12", where="field 'capacity'")
    12
    >>> whole("0", where="field 'capacity'")
    Traceback (most recent call last):
    turfmap.errors.InputError: field 'capacity': '0' is not a whole number from 1 to 1000
    """
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise InputError(f"{where}: {raw!r} is not a whole number from {low} to {high}")
    return int(raw)


def contact_link(raw: str, *, where: str) -> str:
    """A link volunteers can follow: web pages, email addresses and phone numbers
    become https:, mailto: and tel: links; anything else (javascript:, say) is refused.

    >>> contact_link("https://example.org/signup", where="x")
    'https://example.org/signup'
    >>> contact_link("+44 113 496 0000", where="x")
    'tel:+441134960000'
    >>> contact_link("javascript:alert(1)", where="field 'contact'")
    Traceback (most recent call last):
    turfmap.errors.InputError: field 'contact': 'javascript:alert(1)' is not a web link, ...
    """
    value = raw.strip()
    lowered = value.lower()
    if lowered.startswith("mailto:") and _EMAIL.match(value[7:]):
        return value
    if lowered.startswith("tel:") and _PHONE.match(value[4:]):
        return "tel:" + _digits(value[4:])
    if _URL.match(value) and len(value) <= 500:
        return value
    if _EMAIL.match(value):
        return "mailto:" + value
    if _PHONE.match(value):
        return "tel:" + _digits(value)
    raise InputError(
        f"{where}: {raw!r} is not a web link, email address or phone number"
        if value
        else f"{where}: required (a web link, email address or phone number)"
    )


def volunteer_contact(raw: str, *, where: str) -> str:
    """How a host reaches a volunteer: an email address or a phone number.

    >>> volunteer_contact(" Sam@Example.org ", where="x")
    'sam@example.org'
    >>> volunteer_contact("07700 900123", where="x")
    '07700900123'
    """
    value = raw.strip()
    if _EMAIL.match(value) and len(value) <= EMAIL_MAX:
        return value.lower()
    if _PHONE.match(value):
        return _digits(value)
    raise InputError(
        f"{where}: {raw!r} is not an email address or phone number"
        if value
        else f"{where}: required (an email address or phone number)"
    )


def _digits(phone: str) -> str:
    return ("+" if phone.strip().startswith("+") else "") + re.sub(r"\D", "", phone)
