"""The coordinators' workspace overview: the districts an account may change, each
with its need today (the need board's), whether a coordinator set it and until
when, the next fortnight's sessions and how full they are; and a list of what
needs attention (hand-set needs about to expire, needy districts nobody is going
to, sessions waiting for review, and what the last boundary change could not carry)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from turfmap.coordination import audit
from turfmap.coordination.permissions import Actor, may_edit_district
from turfmap.coordination.sessions import sessions_for
from turfmap.recommend.board import NeedBoard
from turfmap.spatial.index import SpatialIndex
from turfmap.store import queries

EXPIRING_DAYS = 7  # a hand-set need this close to its expiry is flagged
SESSION_DAYS = 14  # sessions counted: those starting within this many days
HIGH_NEED = 65.0  # a district this needy with no session coming is flagged


@dataclass(frozen=True)
class Row:
    code: str
    name: str
    need: float | None
    remaining: float | None
    source: str  # computed | coordinator | none
    author: str | None
    updated: str | None
    expires: str | None
    sessions: int = 0  # starting within SESSION_DAYS
    taken: int = 0
    places: int = 0


@dataclass
class Overview:
    set_slug: str | None
    sets: list[str]
    rows: list[Row]
    expiring: list[Row] = field(default_factory=list)
    unstaffed: list[Row] = field(default_factory=list)
    awaiting_review: int = 0
    left_behind: list[str] = field(default_factory=list)  # by the last boundary change

    def remaining(self) -> dict[str, float | None]:
        """{code: the need still to meet}, for the region's map."""
        return {row.code: row.remaining for row in self.rows}


def editable_sets(index: SpatialIndex, actor: Actor) -> list[str]:
    """The active sets in which ``actor`` may change some district."""
    if actor.role == "admin":
        return list(index.set_slugs)
    return [s for s in index.set_slugs if any(r.set_slug == s for r in actor.regions)]


def overview(
    session: Session,
    board: NeedBoard,
    index: SpatialIndex,
    actor: Actor,
    set_slug: str | None,
    now: datetime,
) -> Overview:
    sets = editable_sets(index, actor)
    chosen = set_slug if set_slug in sets else (sets[0] if sets else None)
    if chosen is None:
        return Overview(None, sets, [])
    mine = [
        d
        for d in index.districts
        if d.set_slug == chosen and may_edit_district(actor, chosen, d.code, d.parent_code)
    ]
    coming = _sessions_by_district(session, chosen, now)
    rows = [_row(d, board.summary(chosen, d.code), coming.get(d.code, [])) for d in mine]
    rows.sort(key=lambda r: (-(r.remaining or 0), r.name))
    expiring, unstaffed = needs_attention(rows, now.date())
    awaiting = len(sessions_for(session, actor, "proposed")) if actor.role != "host" else 0
    left = left_behind(session, actor, chosen)
    return Overview(chosen, sets, rows, expiring, unstaffed, awaiting, left)


def left_behind(session: Session, actor: Actor, set_slug: str) -> list[str]:
    """What the switch to the lines in use could not carry (coordination/switch.py),
    as the coordinators of those districts should hear of it; nothing once another
    switch has happened since."""
    switches = audit.events(session, action="generation.activate", limit=50)
    latest = next((e for e in switches if e.target == set_slug), None)
    if latest is None:
        return []
    detail = latest.detail
    said = [
        f"{code}'s hand-set need was not carried to generation {detail['new']} ({why}): "
        "set it again on the new districts"
        for code, why in detail.get("needs_review", [])
        if may_edit_district(actor, set_slug, code, None)
    ]
    said += [
        f"session {number} (was in {code}) meets outside every district of generation "
        f"{detail['new']}: move its meeting point"
        for number, code in detail.get("sessions_outside", [])
        if may_edit_district(actor, set_slug, code, None)
    ]
    return said


def needs_attention(rows: list[Row], today: date) -> tuple[list[Row], list[Row]]:
    """(hand-set needs expiring within EXPIRING_DAYS, soonest first; districts of
    HIGH_NEED or more with no session in the next SESSION_DAYS, neediest first).

    >>> soon = Row("A", "Ash", 80, 80, "coordinator", "c@x", "2026-12-01", "2026-12-05")
    >>> later = Row("B", "Birch", 70, 70, "coordinator", "c@x", "2026-12-01", "2027-01-30")
    >>> staffed = Row("C", "Cedar", 90, 90, "computed", None, None, None, sessions=1)
    >>> expiring, unstaffed = needs_attention([soon, later, staffed], date(2026, 12, 3))
    >>> [r.code for r in expiring], [r.code for r in unstaffed]
    (['A'], ['A', 'B'])
    """
    horizon = (today + timedelta(days=EXPIRING_DAYS)).isoformat()
    expiring = sorted(
        (r for r in rows if r.source == "coordinator" and r.expires and r.expires <= horizon),
        key=lambda r: r.expires,
    )
    unstaffed = sorted(
        (r for r in rows if (r.remaining or 0) >= HIGH_NEED and r.sessions == 0),
        key=lambda r: -(r.remaining or 0),
    )
    return expiring, unstaffed


def _sessions_by_district(session: Session, set_slug: str, now: datetime) -> dict[str, list]:
    boundary_set = queries.get_set(session, set_slug)
    until = now + timedelta(days=SESSION_DAYS)
    found: dict[str, list] = {}
    for canvass, taken in queries.upcoming_sessions(session, boundary_set.id, now):
        if canvass.starts_at <= until:
            found.setdefault(canvass.district_code, []).append((canvass, taken))
    return found


def _row(district, need: dict | None, sessions: list) -> Row:
    return Row(
        code=district.code,
        name=district.name,
        need=None if need is None else need["score"],
        remaining=None if need is None else need["remaining"],
        source="none" if need is None else need["source"],
        author=None if need is None else need["author"],
        updated=None if need is None else need["updated"],
        expires=None if need is None else need["expires"],
        sessions=len(sessions),
        taken=sum(taken for _, taken in sessions),
        places=sum(canvass.capacity for canvass, _ in sessions),
    )


def find_district(index: SpatialIndex, text: str, prefer_set: str | None = None):
    """The active district whose code is ``text``, or whose name is (letter case
    aside; the preferred set first where a name is in several), or None.

    >>> from turfmap.spatial.index import IndexedDistrict, SpatialIndex
    >>> import shapely
    >>> d = [IndexedDistrict(1, "s", "E1", "Hendon", None, 0.5, 0.5, 1.0)]
    >>> index = SpatialIndex(d, [shapely.box(0, 0, 1, 1)])
    >>> find_district(index, "hendon").code, find_district(index, "E1").name
    ('E1', 'Hendon')
    >>> find_district(index, "Hendon (E1)").code, find_district(index, "Nowhere")
    ('E1', None)
    """
    wanted = text.strip()
    if wanted.endswith(")") and "(" in wanted:  # "Hendon (E14001279)", as the list offers
        wanted = wanted.rsplit("(", 1)[1].rstrip(")").strip()
    by_code = [d for d in index.districts if d.code == wanted]
    by_name = [d for d in index.districts if d.name.casefold() == wanted.casefold()]
    found = by_code or by_name
    found.sort(key=lambda d: d.set_slug != prefer_set)
    return found[0] if found else None
