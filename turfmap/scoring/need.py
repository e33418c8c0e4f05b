"""Baseline need from an election result: the closer the seat, the more it needs us."""

from __future__ import annotations

import math

# A margin of this share of the vote gives need 100 * e^-1 = 37; a 40-point deficit ~0.
MARGIN_SCALE = 0.10


def baseline_need(
    margin: float, status: str, *, hold_weight: float = 1.0, gain_weight: float = 1.0
) -> float:
    """Need 0-100 from the target party's margin (a share of valid votes).

    >>> round(baseline_need(0.0004, "hold"), 1)   # Hendon, held by 15 votes
    100.0
    >>> round(baseline_need(-0.10, "gain"), 1)
    36.8
    >>> baseline_need(-0.40, "gain") < 0.01
    True
    >>> round(baseline_need(0.05, "hold", hold_weight=0.5), 1)
    38.9
    """
    weight = hold_weight if status == "hold" else gain_weight
    return max(0.0, min(100.0, 100.0 * weight * math.exp(-((margin / MARGIN_SCALE) ** 2))))


def need_reason(margin: float, status: str, target: str, winner: str, majority: int) -> str:
    """One sentence a volunteer can read.

    >>> need_reason(0.0004, "hold", "Lab", "Lab", 15)
    'Lab holds this seat by 15 votes (0.0% of the vote).'
    >>> need_reason(-0.123, "gain", "Lab", "Con", 5400)
    'Lab is 12.3% of the vote behind Con here.'
    """
    if status == "hold":
        return f"{target} holds this seat by {majority:,} votes ({margin:.1%} of the vote)."
    return f"{target} is {-margin:.1%} of the vote behind {winner} here."
