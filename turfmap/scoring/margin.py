"""A result seen from the target party's side."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TargetView:
    winner: str
    runner_up: str | None
    majority: int  # winner's votes minus the runner-up's
    margin: float  # target's lead over its strongest rival, as a share of valid votes
    status: str  # "hold" when the target party won, "gain" if behind, "absent" if it did not stand


def target_view(votes: dict[str, int], valid_votes: int, target: str) -> TargetView:
    """Who won, by how much, and where the target party stands.

    The margin is positive when the target won (by this share of the valid vote)
    and negative when it must gain the seat; a party that did not stand has a
    margin of minus the winner's share.

    >>> v = target_view({"Lab": 15855, "Con": 15840, "RUK": 3038}, 41256, "Lab")
    >>> v.winner, v.runner_up, v.majority, v.status, round(v.margin, 5)
    ('Lab', 'Con', 15, 'hold', 0.00036)
    >>> v = target_view({"Lab": 15855, "Con": 15840, "RUK": 3038}, 41256, "Con")
    >>> v.status, round(v.margin, 5)
    ('gain', -0.00036)
    >>> v = target_view({"SNP": 500, "Lab": 300, "Green": 0}, 1000, "Green")
    >>> v.status, round(v.margin, 2)   # a zero is no candidate, not a result
    ('absent', -0.5)
    """
    ranked = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))
    ranked = [(party, n) for party, n in ranked if party != "Other"] or ranked
    winner, top = ranked[0]
    runner_up, second = ranked[1] if len(ranked) > 1 else (None, 0)
    share = max(valid_votes, 1)
    mine = votes.get(target, 0)
    if winner == target:
        margin, status = (top - second) / share, "hold"
    else:
        margin, status = (mine - top) / share, "gain" if mine > 0 else "absent"
    return TargetView(winner, runner_up, top - second, margin, status)
