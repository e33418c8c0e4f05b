"""Notional results: what the last election would have said on new lines.

When a set's districts are redrawn, the new ones have no results until the next
election, and a map with no results recommends nothing. Each old district's votes
(party by party, and its electorate) are shared out among the new districts it
overlaps, in proportion to the area of each overlap (areal weighting through the
crosswalk, pipeline/crosswalk.py), in whole votes by the largest remainder. Every
old vote lands in exactly one new district, so each party's national total is
conserved exactly. Areal weighting assumes voters are spread evenly within an old
district; where a boundary splits a town from its countryside the share is only
an estimate, which is why these results are labelled notional wherever they show.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from turfmap.layouts.base import ParsedResult
from turfmap.pipeline.results import result_row
from turfmap.scoring.margin import target_view
from turfmap.store.queries import latest_results


@dataclass(frozen=True)
class Counted:
    votes: dict[str, int]
    electorate: int | None


def apportion(total: int, weights) -> list[int]:
    """``total`` in whole parts, in proportion to ``weights``, summing to ``total``
    exactly (the largest remainders get the parts left over).

    >>> apportion(10, [1, 1, 1])
    [4, 3, 3]
    >>> apportion(7, [0.5, 0.25, 0.25]), apportion(0, [2, 1])
    ([3, 2, 2], [0, 0])
    """
    weights = np.asarray(weights, dtype=float)
    exact = total * weights / weights.sum()
    whole = np.floor(exact).astype(int)
    left = total - int(whole.sum())
    order = np.argsort(-(exact - whole), kind="stable")
    whole[order[:left]] += 1
    return whole.tolist()


def notional(old: dict[str, Counted], overlaps: list[tuple[str, str, float]]) -> dict[str, Counted]:
    """Each new district's notional votes and electorate, from the old districts'
    (``old``) and the overlaps (new code, old code, overlap area). An old district
    with no listed overlap (lost to the sea, say) keeps its votes out: the caller
    compares the totals and says so.

    >>> old = {"A": Counted({"Lab": 100, "Con": 60}, 300),
    ...        "B": Counted({"Lab": 10, "Con": 90}, 200)}
    >>> new = notional(old, [("X", "A", 3.0), ("Y", "A", 1.0), ("Y", "B", 2.0)])
    >>> new["X"]
    Counted(votes={'Lab': 75, 'Con': 45}, electorate=225)
    >>> new["Y"]
    Counted(votes={'Lab': 35, 'Con': 105}, electorate=275)
    """
    by_old: dict[str, list[tuple[str, float]]] = {}
    for new_code, old_code, area in overlaps:
        if old_code in old and area > 0:
            by_old.setdefault(old_code, []).append((new_code, area))
    votes: dict[str, dict[str, int]] = {}
    electorate: dict[str, int] = {}
    unknown: set[str] = set()  # a part of them comes from a district of unknown electorate
    for old_code, successors in by_old.items():
        counted = old[old_code]
        codes = [code for code, _ in successors]
        weights = [area for _, area in successors]
        for party, total in counted.votes.items():
            for code, share in zip(codes, apportion(total, weights), strict=True):
                mine = votes.setdefault(code, {})
                mine[party] = mine.get(party, 0) + share
        if counted.electorate is None:
            unknown.update(codes)
            continue
        for code, share in zip(codes, apportion(counted.electorate, weights), strict=True):
            electorate[code] = electorate.get(code, 0) + share
    return {
        code: Counted(votes[code], None if code in unknown else electorate.get(code))
        for code in votes
    }


# -- From the store and back: what a boundary import does with the above. --------


@dataclass
class NotionalPlan:
    election: str
    contest: str | None
    target_party: str
    label: str  # where the figures come from, shown wherever they are
    results: dict[str, Counted]


def plan_notional(
    session, boundary_set, previous, codes, areas_m2, found, report
) -> NotionalPlan | None:
    """The new districts' notional results from ``previous``'s (None where it has
    none), with what the report should say of them: national totals, seats, and how
    many districts' winners differ from the old district they mostly lie in."""
    old_results = latest_results(session, boundary_set.id, generation_id=previous.id)
    if not old_results:
        report.note(f"no results on generation {previous.number} to work notional results from")
        return None
    election = Counter(r.election for r in old_results.values()).most_common(1)[0][0]
    carried = {c: r for c, r in old_results.items() if r.election == election}
    first = next(iter(carried.values()))
    area = dict(zip(codes, areas_m2, strict=True))
    overlaps = [(s.new_code, s.old_code, s.area_share * area[s.new_code]) for s in found.shares]
    results = notional({c: Counted(r.votes, r.electorate) for c, r in carried.items()}, overlaps)
    what = first.contest or election
    label = first.notional_from or f"{what}, on the boundaries of generation {previous.number}"
    plan = NotionalPlan(election, first.contest, first.target_party, label, results)
    _describe(report, plan, carried, found)
    return plan


def _describe(report, plan: NotionalPlan, carried, found) -> None:
    before, after = Counter(), Counter()
    for r in carried.values():
        before.update(r.votes)
    for counted in plan.results.values():
        after.update(counted.votes)
    kept = "conserved exactly" if before == after else f"NOT conserved: {dict(before - after)} lost"
    winners = {
        code: target_view(c.votes, sum(c.votes.values()), plan.target_party).winner
        for code, c in plan.results.items()
    }
    main = {}
    for share in found.shares:
        if share.new_code not in main or share.area_share > main[share.new_code][1]:
            main[share.new_code] = (share.old_code, share.area_share)
    differ = sum(
        1
        for code, winner in winners.items()
        if code in main and main[code][0] in carried and carried[main[code][0]].winner != winner
    )
    seats_before = Counter(r.winner for r in carried.values())
    seats_after = Counter(winners.values())
    seats = ", ".join(
        f"{p} {seats_before[p]} -> {seats_after[p]}" for p, _ in seats_after.most_common(6)
    )
    report.note(
        f"notional results ({plan.label}) for {len(plan.results)} districts, by area through "
        f"the crosswalk: national votes {kept} ({sum(after.values()):,}); seats {seats}; "
        f"{differ} districts' notional winner differs from the old district they mostly lie in"
    )


def store_notional(session, generation, plan: NotionalPlan, run_id) -> None:
    """The plan's results as this generation's, each labelled notional."""
    for code, counted in plan.results.items():
        valid = sum(counted.votes.values())
        row = ParsedResult(0, code, code, counted.votes, counted.electorate, valid)
        session.add(
            result_row(
                row,
                target_view(counted.votes, valid, plan.target_party),
                lines=generation,
                election=plan.election,
                target_party=plan.target_party,
                contest=plan.contest,
                notional_from=plan.label,
                import_run_id=run_id,
            )
        )
