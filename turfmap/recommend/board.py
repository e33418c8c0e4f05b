"""The need board: every active district's need for today, in memory.

Built from the store (results, coordinator needs, commitments, sessions) through
the pure need model, and rebuilt when any of those change, so a recommendation
costs no database round trip. Accepting a recommendation updates the board at
once (commit) as well as the store, so the next volunteer sees it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple
from weakref import WeakKeyDictionary

import numpy as np

from turfmap import metrics
from turfmap.clock import today_in
from turfmap.scoring.need import (
    COVERAGE_DAYS,
    NeedInputs,
    NeedScore,
    NeedWeights,
    Override,
    assess,
    expired_note,
    need_reason,
    reason_words,
)
from turfmap.store import doorstep, queries, versions
from turfmap.store.db import Database
from turfmap.store.refreshing import Refreshing
from turfmap.words import NOTIONAL, Words, english


@dataclass(frozen=True)
class SessionInfo:
    id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    lon: float
    lat: float
    capacity: int
    booked: int
    short_walks: bool
    accessibility: str
    contact: str

    @property
    def free(self) -> int:
        return max(self.capacity - self.booked, 0)


@dataclass
class DistrictNeed:
    set_slug: str
    code: str
    name: str
    holder: str | None
    runner_up: str | None
    majority: int | None
    target_party: str | None
    inputs: NeedInputs
    need: NeedScore
    sessions: list[SessionInfo] = field(default_factory=list)
    election: str | None = None  # what the result-based need rests on
    contact: dict | None = None  # how volunteers reach its organisers: {"link", "text"}

    def shown_score(self) -> float | None:
        """The need score as the map shows it (summary()["score"], without the
        rest of the summary: the map page colours every district with it)."""
        return None if self.need.source == "none" else round(self.need.score, 1)

    def summary(self, words: Words = english) -> dict | None:
        """The district's need today as every reader shows it (the map, the
        district page and its JSON, point lookups, the workspace): the one place
        that turns the board's score into words and dates. None: no need known."""
        need, override = self.need, self.inputs.override
        if need.source == "none":
            return None
        if need.source == "coordinator":
            author, updated = override.author, override.updated.isoformat()
            expires = override.expires.isoformat() if override.expires else None
        else:
            author, updated, expires = f"turfmap from {self.election} results", None, None
            if self.inputs.result_date is not None:
                updated = self.inputs.result_date.isoformat()
        return {
            "score": self.shown_score(),
            "remaining": round(need.remaining, 1),
            "capacity": need.capacity,
            "capacity_source": need.capacity_source,
            "capacity_basis": need.capacity_basis,
            "contest": need.contest,
            "committed": need.committed,
            "source": need.source,
            "reason": self.reason(words),
            "author": author,
            "updated": updated,
            "expires": expires,
            "stale_override": need.stale_override,
        }

    def reason(self, words: Words = english) -> str:
        """Why the district has its need, in a sentence, in the reader's language."""
        need = self.need
        if need.source != "computed" or self.majority is None:
            if words is english:
                return need.reason  # the same sentence, made once by assess()
            return reason_words(self.inputs, need.source, need.stale_override, words)
        sentence = need_reason(
            need.margin,
            need.status,
            self.target_party,
            self.holder,
            self.majority,
            need.contest,
            words,
        )
        if need.stale_override:
            sentence += expired_note(self.inputs.override.expires, words)
        return sentence


class BoardColumns(NamedTuple):
    """A board's districts as parallel lists in a spatial index's order (None and
    NaN in the rows of other sets and of districts with no need entry)."""

    entries: list[DistrictNeed | None]
    codes: list[str]
    place_value: list[float]
    remaining: list[float]
    place_values: np.ndarray  # place_value as an array, to order many districts at once


@dataclass
class NeedBoard:
    day: date
    weights: NeedWeights
    districts: dict[tuple[str, str], DistrictNeed]
    top_level_sets: list[str]
    _aligned: WeakKeyDictionary = field(default_factory=WeakKeyDictionary, init=False, repr=False)

    def get(self, set_slug: str, code: str) -> DistrictNeed | None:
        return self.districts.get((set_slug, code))

    def summary(self, set_slug: str, code: str) -> dict | None:
        """DistrictNeed.summary() of the district, None where it has no need."""
        entry = self.get(set_slug, code)
        return entry.summary() if entry is not None else None

    def columns(self, index, set_slug: str) -> BoardColumns:
        """This board's districts of ``set_slug`` aligned with ``index.districts``.
        Kept per index (weakly: a rebuilt index must not find an old one's columns
        under a reused id), because recommendations ask for them every time."""
        cached = self._for(index)
        if set_slug not in cached:
            entries = [
                self.districts.get((d.set_slug, d.code)) if d.set_slug == set_slug else None
                for d in index.districts
            ]
            place_value = [e.need.place_value if e else math.nan for e in entries]
            cached[set_slug] = BoardColumns(
                entries,
                [d.code for d in index.districts],
                place_value,
                [e.need.remaining if e else math.nan for e in entries],
                np.array(place_value, dtype=float),
            )
        return cached[set_slug]

    def worth_a_trip(self, index, set_slug: str, threshold: float) -> np.ndarray:
        """Mask aligned with ``index.districts``: remaining need >= ``threshold``."""
        cached = self._for(index)
        key = (set_slug, threshold)
        if key not in cached:
            remaining = np.array(self.columns(index, set_slug).remaining, dtype=float)
            cached[key] = remaining >= threshold  # NaN, no entry, is not
        return cached[key]

    def _for(self, index) -> dict:
        cached = self._aligned.get(index)  # setdefault would make a weakref every time
        if cached is None:
            cached = self._aligned[index] = {}
        return cached

    @staticmethod
    def applies(delta) -> bool:
        """Whether ``apply`` knows this kind of delta (store.versions.describe)."""
        return bool(delta) and delta[0] in ("commit", "book")

    def apply(self, deltas) -> None:
        """Count described writes in, as build_board would have counted them:
        ("commit", set, code, day) for a volunteer who accepted a recommendation,
        ("book", set, code, day, session id) for a place taken at a session that
        day; either counts as committed on its day. Writes for districts this
        board does not hold change nothing here."""
        for kind, set_slug, code, day, *rest in deltas:
            entry = self.districts.get((set_slug, code))
            if entry is None:
                continue
            if day == self.day.isoformat():
                self.commit(set_slug, code)
            if kind == "book":
                self._aligned.clear()
                entry.sessions = [
                    replace(s, booked=s.booked + 1) if s.id == rest[0] else s
                    for s in entry.sessions
                ]

    def commit(self, set_slug: str, code: str, volunteers: int = 1) -> DistrictNeed:
        """Count ``volunteers`` more against the district today."""
        self._aligned.clear()
        entry = self.districts[(set_slug, code)]
        entry.inputs = replace(entry.inputs, committed=entry.inputs.committed + volunteers)
        entry.need = assess(entry.inputs, self.day, weights=self.weights)
        return entry


def build_board(session, day: date, weights: NeedWeights) -> NeedBoard:
    districts: dict[tuple[str, str], DistrictNeed] = {}
    top_level = []
    now = datetime.now(UTC)
    for boundary_set, generation, _, _ in queries.sets_summary(session):
        if generation is None:
            continue
        if boundary_set.parent_set_id is None:
            top_level.append(boundary_set.slug)
        results = queries.latest_results(session, boundary_set.id)
        imported = queries.import_dates(session, (r.import_run_id for r in results.values()))
        needs = queries.current_needs(session, boundary_set.id, day)
        statements = queries.latest_coordinator_needs(session, boundary_set.id)
        committed = queries.committed_counts(session, boundary_set.id, day)
        contacts = queries.district_contacts(session, boundary_set.id)
        covered = _coverage(session, boundary_set.id, day)
        sessions: dict[str, list[SessionInfo]] = {}
        for item, booked in queries.upcoming_sessions(session, boundary_set.id, now):
            sessions.setdefault(item.district_code, []).append(_session_info(item, booked))
        for district in generation.districts:
            result = results.get(district.code)
            inputs = NeedInputs(
                margin=result.target_margin if result else None,
                status=result.target_status if result else None,
                electorate=result.electorate if result else None,
                result_date=imported.get(result.import_run_id) if result else None,
                override=_override(needs.get(district.code), statements.get(district.code)),
                committed=committed.get(district.code, 0),
                valid_votes=result.valid_votes if result else None,
                contest=_contest(result),
                covered=covered.get(district.code, 0.0),
            )
            districts[(boundary_set.slug, district.code)] = DistrictNeed(
                boundary_set.slug,
                district.code,
                district.name,
                result.winner if result else None,
                result.runner_up if result else None,
                result.majority if result else None,
                result.target_party if result else None,
                inputs,
                assess(inputs, day, weights=weights),
                sessions.get(district.code, []),
                result.election if result else None,
                contacts.get(district.code),
            )
    return NeedBoard(day, weights, districts, sorted(top_level))


def _contest(result) -> str | None:
    """What a district's figures are from, saying so when they are notional."""
    if result is None or result.contest is None:
        return None
    return f"{result.contest}{NOTIONAL}" if result.notional_from else result.contest


def _coverage(session, set_id: int, day: date) -> dict[str, float]:
    """Share of each district's imported doors knocked in the last COVERAGE_DAYS."""
    since = day - timedelta(days=COVERAGE_DAYS - 1)
    totals = doorstep.door_totals(session, set_id)
    knocked = doorstep.doors_covered(session, set_id, since)
    return {code: knocked[code] / totals[code] for code in knocked if totals.get(code)}


def _override(current, latest_statement) -> Override | None:
    """The coordinator statement in force, else the latest expired one (shown as stale)."""
    if current is not None and current.source == "coordinator":
        return _as_override(current)
    return _as_override(latest_statement) if latest_statement is not None else None


def _as_override(need) -> Override:
    return Override(
        need.score, need.reason, need.author, need.created_at.date(), need.expires_on, need.capacity
    )


def _session_info(item, booked: int) -> SessionInfo:
    return SessionInfo(
        item.id,
        item.title,
        item.starts_at,
        item.ends_at,
        item.lon,
        item.lat,
        item.capacity,
        booked,
        item.short_walks,
        item.accessibility,
        item.contact,
    )


class BoardHolder(Refreshing[NeedBoard]):
    """Keeps a worker's board current: rebuilt when the store's need state changes
    (checked at most every ``check_seconds``) or the day turns."""

    def __init__(
        self,
        db: Database,
        *,
        weights: NeedWeights,
        tz: str = "UTC",
        check_seconds: float = 5.0,
        after_build=None,
    ):
        self.tz = tz  # the campaign's clock decides which day the board is for
        super().__init__(
            db,
            build=lambda session, day: build_board(session, day, weights),
            token=lambda session, _day: queries.needs_state_token(session),
            check_seconds=check_seconds,
            after_build=after_build,
            watch=frozenset(versions.KINDS),
            name="board",
        )

    def get(self, today: date | None = None) -> NeedBoard:
        return super().get(today or today_in(self.tz))

    def apply_deltas(self, changes: dict, deltas: tuple) -> bool:
        """Commitments and places taken at sessions (another worker's, through
        LISTEN, or this one's own) are counted into the board as they are; any
        other change rebuilds it."""
        if set(changes) != {versions.ACTIVITY} or not all(map(NeedBoard.applies, deltas)):
            return False
        applied = self.update(lambda board: board.apply(deltas), changes)
        if applied:  # otherwise the next check rebuilds the board after all
            metrics.DELTAS.inc()
        return applied
