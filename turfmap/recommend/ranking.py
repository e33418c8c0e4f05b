"""Ranking districts for one volunteer (pure: no Flask, no database).

score = need x balance(share already committed) x travel factor. Commitments made
today (RSVPs, accepted recommendations) count, so a seat that is filling up sinks in
the list before it is full (scoring.need.balance); travel halves the score every
four hours, so inside the volunteer's own time limit it mostly breaks ties
(travel.estimate.travel_factor).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from turfmap.errors import InputError, shown
from turfmap.scoring.need import NeedScore
from turfmap.travel.estimate import DEFAULT_MAX_MINUTES, DEFAULT_MODE, MODES, travel_factor
from turfmap.words import Words, contest_name, english, marked

# How a trip is said, by mode (a table of messages, each translated where it is used).
TRIPS = {
    "walk": marked("{minutes} min by walk ({source})"),
    "cycle": marked("{minutes} min by cycle ({source})"),
    "transit": marked("{minutes} min by transit ({source})"),
    "drive": marked("{minutes} min by drive ({source})"),
}
SHORT_WALK_MINUTES = 10.0
MIN_REMAINING = 0.5  # below this a district has nothing left to offer today


@dataclass(frozen=True)
class Constraints:
    mode: str = DEFAULT_MODE
    max_minutes: float = DEFAULT_MAX_MINUTES
    limit: int = 5
    own_area_only: bool = False
    short_walks: bool = False
    words: Words = english  # the language the answer's sentences are written in

    def __post_init__(self):
        if self.mode not in MODES:
            raise InputError(f"mode={shown(self.mode)} is not one of {', '.join(MODES)}")


# A district one volunteer could go to, as it is weighed (a plain tuple: a request
# weighs up to dozens and shows a handful): code, place value
# (need x balance(fill): scoring.need.NeedScore.place_value), remaining need,
# travel minutes (NaN where the router found no route) and minutes of it on foot.
Candidate = tuple[str, float, float, float, float]


def eligible(candidate: Candidate, constraints: Constraints, home_code: str | None) -> bool:
    """Whether the volunteer's constraints allow this district.

    >>> near = ("A", 80, 80, 14.0, 14.0)     # 14 minutes, all of them on foot
    >>> eligible(near, Constraints(), None)
    True
    >>> eligible(near, Constraints(short_walks=True), None)
    False
    >>> eligible(near, Constraints(own_area_only=True), "B")
    False
    >>> eligible(near, Constraints(max_minutes=10), None)
    False
    >>> eligible(("A", 0.3, 0.3, 5, 5), Constraints(), None)     # nothing left to do
    False
    >>> eligible(("A", 80, 80, float("nan"), 0), Constraints(), None)     # no route
    False
    """
    code, _, remaining, minutes, walking = candidate
    if constraints.own_area_only and code != home_code:
        return False
    if not minutes <= constraints.max_minutes:  # NaN, no route, is not <= anything
        return False
    if constraints.short_walks and walking > SHORT_WALK_MINUTES:
        return False
    return remaining >= MIN_REMAINING


def rank(
    candidates: list[Candidate], constraints: Constraints, home_code: str | None
) -> list[tuple[int, float]]:
    """(position in ``candidates``, score), best first, at most ``constraints.limit``;
    equal scores go to the shorter trip, then to the lower code.

    >>> close = ("A", 80, 80, 0.0, 0.0)
    >>> far = ("B", 85, 85, 55.0, 10.0)
    >>> needier = ("C", 99, 99, 50.0, 10.0)
    >>> [(i, round(s, 1)) for i, s in rank([far, close, needier], Constraints(), "A")]
    [(2, 85.7), (1, 80.0), (0, 72.5)]
    >>> rank([far, close], Constraints(limit=1, max_minutes=30), "A")
    [(1, 80.0)]
    """
    scored = []
    for position, candidate in enumerate(candidates):
        if eligible(candidate, constraints, home_code):
            code, place_value, _, minutes, _ = candidate
            scored.append((-place_value * travel_factor(minutes), minutes, code, position))
    scored.sort()
    return [(position, -score) for score, _, _, position in scored[: constraints.limit]]


def explain(
    need: NeedScore,
    holder: str | None,
    majority: int | None,
    target_party: str | None,
    minutes: float,
    mode: str,
    source: str,
    words: Words = english,
) -> tuple[str, dict]:
    """One plain sentence (in the reader's language: ``words``) and its structured
    parts, for a district with this need and result, ``minutes`` away by ``mode``
    (0: the volunteer is in it) as ``source`` (the router: estimate | osrm) puts it.

    >>> from turfmap.scoring.need import NeedScore
    >>> need = NeedScore(100, 47, 75, 40, "computed", False, 3, 0.0004, "hold", "Held.",
    ...                  "estimate", "the electorate", "the 2024 general election")
    >>> explain(need, "Lab", 15, "Lab", 35.2, "transit", "estimate")[0]
    'Lab won it by 15 votes in the 2024 general election; 40 of about 75 volunteers it could
    use today (estimated from the electorate); 35 min by transit (estimate).'
    >>> need = NeedScore(100, 47, 75, 40, "coordinator", False, 3, 0.0004, "hold", "Short.",
    ...                  "coordinator", "a coordinator")
    >>> explain(need, "Lab", 15, "Lab", 0, "transit", "estimate")[0]
    'Coordinator: Short; 40 of 75 volunteer places filled today; you are in this district.'
    """
    head, need_parts = _need_words(need, holder, majority, target_party, words)
    if minutes == 0:
        travel = words("you are in this district")
    else:
        said = words("estimate") if source == "estimate" else source
        travel = words(TRIPS[mode], minutes=round(minutes), source=said)
    sentence = f"{head}; {travel}."
    if need.stale_override:
        sentence += words(" A coordinator's note on this district has expired.")
    parts = need_parts | {"travel_minutes": round(minutes), "travel_source": source}
    return sentence, parts


@lru_cache(maxsize=16_384)
def _need_words(
    need: NeedScore,
    holder: str | None,
    majority: int | None,
    target_party: str | None,
    words: Words,
) -> tuple[str, dict]:
    """What explain() says of a district before travel: the same for every
    volunteer until its need changes, so worked out once (it was most of the cost
    of explaining a recommendation). Callers copy the dict, never change it."""
    parts = {
        "need": round(need.score, 1),
        "remaining_need": round(need.remaining, 1),
        "need_source": need.source,
        "reason": need.reason,
        "margin": None if need.margin is None else round(need.margin, 4),
        "status": need.status,
        "holder": holder,
        "majority": majority,
        "capacity": need.capacity,
        "committed": need.committed,
        "stale_override": need.stale_override,
        "data_age_days": need.age_days,
        "capacity_source": need.capacity_source,
        "capacity_basis": need.capacity_basis,
        "contest": need.contest,
    }
    standing = _standing(need, holder, majority, target_party, words)
    return f"{standing}; {_places(need, words)}", parts


def _standing(need: NeedScore, holder, majority, target_party, words: Words) -> str:
    """Where the district stands, saying what contest the figures come from."""
    said = {"party": target_party, "majority": majority, "margin": need.margin}
    said["contest"] = (
        words(" in {contest}", contest=contest_name(need.contest, words)) if need.contest else ""
    )
    said["holder"] = holder or words("the winner")
    if need.source == "coordinator":
        return words("Coordinator: {reason}", reason=need.reason.rstrip("."))
    if need.status == "hold" and majority is not None:
        if not need.contest:
            if target_party:
                return words("{party} holds it by {majority:,} votes", **said)
            return words("Held by {majority:,} votes", **said)
        if target_party:
            return words("{party} won it by {majority:,} votes{contest}", **said)
        return words("We won it by {majority:,} votes{contest}", **said)
    if need.status == "gain" and need.margin is not None:
        said["behind"] = -need.margin
        if target_party:
            return words("{party} {behind:.1%} behind {holder}{contest}", **said)
        if need.contest:
            return words("We were {behind:.1%} behind {holder}{contest}", **said)
        return words("We are {behind:.1%} behind {holder}", **said)
    if need.status == "absent":
        if target_party:
            return words("{party} did not stand here{contest}", **said)
        return words("We did not stand here{contest}", **said)
    return need.reason.rstrip(".")


def _places(need: NeedScore, words: Words = english) -> str:
    """How full the district is; an estimated capacity says so, and what it rests on.

    >>> from turfmap.scoring.need import NeedScore
    >>> set_ = NeedScore(90, 60, 40, 10, "coordinator", False, 1, 0.01, "hold", "",
    ...                  "coordinator", "a coordinator")
    >>> _places(set_)
    '10 of 40 volunteer places filled today'
    >>> guess = NeedScore(90, 60, 75, 0, "computed", False, 1, 0.01, "hold", "",
    ...                   "estimate", "the electorate")
    >>> _places(guess)
    '0 of about 75 volunteers it could use today (estimated from the electorate)'
    """
    said = {"committed": need.committed, "capacity": need.capacity}
    if need.capacity_source != "estimate":
        return words("{committed} of {capacity} volunteer places filled today", **said)
    return words(
        "{committed} of about {capacity} volunteers it could use today (estimated from {basis})",
        basis=words(need.capacity_basis),
        **said,
    )
