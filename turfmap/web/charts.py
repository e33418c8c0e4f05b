"""Small charts drawn on the server as SVG coordinates, so a page shows them with no
script and no chart library."""

from __future__ import annotations

from datetime import datetime


def need_steps(history: list[dict], now: datetime, *, width: int = 600, height: int = 120):
    """A step line of the coordinators' statements of a district's need over time:
    (the polyline's "x,y ..." points, the markers as (x, y, history entry)), with
    need 100 at the top and the newest statement held until ``now``. ``history``
    is the district page's need_history, newest first. Empty: ("", []).

    >>> from datetime import UTC
    >>> rows = [{"score": 40.0, "created": "2026-12-02T00:00:00+00:00"},
    ...         {"score": 80.0, "created": "2026-12-01T00:00:00+00:00"}]
    >>> points, marks = need_steps(rows, datetime(2026, 12, 3, tzinfo=UTC), width=100, height=100)
    >>> points
    '0.0,20.0 50.0,20.0 50.0,60.0 100.0,60.0'
    >>> [(x, y, m["score"]) for x, y, m in marks]
    [(0.0, 20.0, 80.0), (50.0, 60.0, 40.0)]
    """
    if not history:
        return "", []
    oldest_first = list(reversed(history))
    times = [datetime.fromisoformat(h["created"]) for h in oldest_first]
    start, span = times[0], max((now - times[0]).total_seconds(), 1.0)

    def x(when):
        return round((when - start).total_seconds() / span * width, 1)

    def y(score):
        return round((100 - score) / 100 * height, 1)

    points, marks = [], []
    for i, (entry, when) in enumerate(zip(oldest_first, times, strict=True)):
        if i:
            points.append(f"{x(when)},{y(oldest_first[i - 1]['score'])}")
        points.append(f"{x(when)},{y(entry['score'])}")
        marks.append((x(when), y(entry["score"]), entry))
    points.append(f"{float(width)},{y(oldest_first[-1]['score'])}")
    return " ".join(points), marks
