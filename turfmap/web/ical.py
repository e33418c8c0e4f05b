"""iCalendar (RFC 5545) feeds of canvassing sessions, so volunteers can subscribe
to a district's sessions or add one to their calendar (pure functions)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    title: str
    starts_at: datetime
    ends_at: datetime
    lat: float
    lon: float
    description: str
    url: str | None  # None: no public address is configured
    cancelled: bool = False


def calendar(name: str, events: list[CalendarEvent], *, stamp: datetime) -> str:
    """A VCALENDAR with one VEVENT per session.

    >>> event = CalendarEvent("session-7@turfmap", "Doors; Hendon, Saturday",
    ...     datetime(2026, 11, 28, 10, tzinfo=UTC), datetime(2026, 11, 28, 13, tzinfo=UTC),
    ...     51.58, -0.22, "Step-free\\nBring water", "https://example.org/s/7")
    >>> text = calendar("Hendon", [event], stamp=datetime(2026, 11, 23, tzinfo=UTC))
    >>> print(text.replace("\\r\\n", "\\n"))  # doctest: +NORMALIZE_WHITESPACE
    BEGIN:VCALENDAR
    VERSION:2.0
    PRODID:-//turfmap//sessions//EN
    CALSCALE:GREGORIAN
    METHOD:PUBLISH
    X-WR-CALNAME:Hendon
    BEGIN:VEVENT
    UID:session-7@turfmap
    DTSTAMP:20261123T000000Z
    DTSTART:20261128T100000Z
    DTEND:20261128T130000Z
    SUMMARY:Doors\\; Hendon\\, Saturday
    GEO:51.58;-0.22
    DESCRIPTION:Step-free\\nBring water
    URL:https://example.org/s/7
    STATUS:CONFIRMED
    END:VEVENT
    END:VCALENDAR
    """
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//turfmap//sessions//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{utc_stamp(stamp)}",
            f"DTSTART:{utc_stamp(event.starts_at)}",
            f"DTEND:{utc_stamp(event.ends_at)}",
            f"SUMMARY:{escape(event.title)}",
            f"GEO:{event.lat:.6g};{event.lon:.6g}",
            f"DESCRIPTION:{escape(event.description)}",
            *([f"URL:{event.url}"] if event.url else []),
            f"STATUS:{'CANCELLED' if event.cancelled else 'CONFIRMED'}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def utc_stamp(when: datetime) -> str:
    """
    >>> from zoneinfo import ZoneInfo
    >>> utc_stamp(datetime(2026, 7, 4, 11, 30, tzinfo=ZoneInfo("Europe/London")))
    '20260704T103000Z'
    """
    return when.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def escape(text: str) -> str:
    r"""TEXT values escape backslash, semicolon, comma and newlines.

    >>> escape("a,b;c\\d\ne")
    'a\\,b\\;c\\\\d\\ne'
    """
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str, limit: int = 75) -> str:
    """Lines longer than 75 octets continue on the next line after a space, never
    splitting a UTF-8 character.

    >>> folded = fold("DESCRIPTION:" + "é" * 40)
    >>> [len(part.encode()) for part in folded.split("\\r\\n")]
    [74, 19]
    """
    parts, current, size = [], "", 0
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            parts.append(current)
            current, size = " ", 1
        current += char
        size += width
    parts.append(current)
    return "\r\n".join(parts)
