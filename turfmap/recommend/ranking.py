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

SHORT_WALK_MINUTES = 10.0
MIN_REMAINING = 0.5  # below this a district has nothing left to offer today


@dataclass(frozen=True)
class Constraints:
    mode: str = DEFAULT_MODE
    max_minutes: float = DEFAULT_MAX_MINUTES
    limit: int = 5
    own_area_only: bool = False
    short_walks: bool = False

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
) -> tuple[str, dict]:
    """One plain sentence and its structured parts, for a district with this need
    and result, ``minutes`` away by ``mode`` (0: the volunteer is in it) as
    ``source`` (the router: estimate | osrm) puts it.

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
    head, need_parts = _need_words(need, holder, majority, target_party)
    if minutes == 0:
        travel = "you are in this district"
    else:
        travel = f"{minutes:.0f} min by {mode} ({source})"
    sentence = f"{head}; {travel}."
    if need.stale_override:
        sentence += " A coordinator's note on this district has expired."
    parts = need_parts | {"travel_minutes": round(minutes), "travel_source": source}
    return sentence, parts


@lru_cache(maxsize=16_384)
def _need_words(
    need: NeedScore, holder: str | None, majority: int | None, target_party: str | None
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
    return f"{_standing(need, holder, majority, target_party)}; {_places(need)}", parts


def _standing(need: NeedScore, holder, majority, target_party) -> str:
    """Where the district stands, saying what contest the figures come from."""
    contest = f" in {need.contest}" if need.contest else ""
    if need.source == "coordinator":
        return f"Coordinator: {need.reason.rstrip('.')}"
    if need.status == "hold" and majority is not None:
        if contest:
            return f"{target_party or 'We'} won it by {majority:,} votes{contest}"
        who = f"{target_party} holds it" if target_party else "Held"
        return f"{who} by {majority:,} votes"
    if need.status == "gain" and need.margin is not None:
        who = target_party or ("We were" if contest else "We are")
        return f"{who} {-need.margin:.1%} behind {holder or 'the winner'}{contest}"
    if need.status == "absent":
        return f"{target_party or 'We'} did not stand here{contest}"
    return need.reason.rstrip(".")


def _places(need: NeedScore) -> str:
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
    if need.capacity_source != "estimate":
        return f"{need.committed} of {need.capacity} volunteer places filled today"
    return (
        f"{need.committed} of about {need.capacity} volunteers it could use today "
        f"(estimated from {need.capacity_basis})"
    )
