"""The campaign's clock. "Today" is the day where the campaign is
(TURFMAP_TIMEZONE), not where the server is: a server in UTC would otherwise end a
Californian campaign's day at 4 pm, and a London one's at 11 pm in summer."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


def today_in(tz: str, now: datetime | None = None) -> date:
    """The date in zone ``tz`` at ``now`` (default: this moment).

    >>> late = datetime(2026, 7, 4, 23, 30, tzinfo=UTC)
    >>> today_in("Europe/London", late), today_in("America/Los_Angeles", late)
    (datetime.date(2026, 7, 5), datetime.date(2026, 7, 4))
    """
    return (now or datetime.now(UTC)).astimezone(ZoneInfo(tz)).date()
