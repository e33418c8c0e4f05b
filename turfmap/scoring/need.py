"""The need model: how much a district needs volunteers today, and why.

Pure functions: results, coordinator statements and commitments in; a score with
every ingredient that produced it out, so the interface can explain the choice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np

from turfmap.words import Words, contest_name, english, marked

# A margin of this share of the vote gives need 100 * e^-1 = 37 (TURFMAP_MARGIN_SCALE).
# Need is how likely the next result is to land near a tie: a bell curve in the
# margin whose width is how far margins move between elections. 0.20 is a spread of
# ~14 points (0.20 / sqrt 2), the size of recent moves in the Labour-Conservative
# margin (4 points 2015-17, 9 in 2017-19, 21 in 2019-24): a seat 20 points behind
# keeps need 37 (Labour gained many such seats in 2024), a 40-point deficit is
# out of reach (1.8). At 0.10 a 20-point seat fell to 1.8 and counted for nothing.
MARGIN_SCALE = 0.20
# Capacity, where no coordinator has set one, is an estimate from the district's
# size (TURFMAP_PLACES_PER_1000_ELECTORS): 1 volunteer per 1,000 electors at top
# need is reaching a tenth of them in a day at 100 doors a volunteer. 75 places for
# a 75,000-elector seat, about 560 for a US district of 760,000 people (560,000
# electors). Without an electorate, the votes cast stand in, over this turnout.
PLACES_PER_1000_ELECTORS = 1.0
TURNOUT_WHERE_UNKNOWN = 0.6
MIN_CAPACITY = 5
# Doors knocked count against the need (issue 20): a district whose imported doors
# have all been knocked in the last COVERAGE_DAYS keeps (1 - COVERAGE_WEIGHT) of its
# remaining need, a half-covered one 1 - COVERAGE_WEIGHT / 2, and so on. Not to
# zero: a second round (people who were out, get-out-the-vote) still needs people,
# and the coordinator can say so with a need of their own. Only districts with
# doors imported are affected: without doors there is nothing to measure.
COVERAGE_DAYS = 28
COVERAGE_WEIGHT = 0.75


@dataclass(frozen=True)
class NeedWeights:
    """How the need model weighs a result: how much seats to hold and seats to gain
    count (TURFMAP_HOLD_WEIGHT / _GAIN_WEIGHT) and how fast need falls with the
    margin (TURFMAP_MARGIN_SCALE: a campaign on the defensive may want it narrower)."""

    hold: float = 1.0
    gain: float = 1.0
    margin_scale: float = MARGIN_SCALE
    places_per_1000: float = PLACES_PER_1000_ELECTORS


DEFAULT_WEIGHTS = NeedWeights()


@dataclass(frozen=True)
class Override:
    """A coordinator's statement of a district's need."""

    score: float
    reason: str
    author: str
    updated: date
    expires: date | None = None
    capacity: int | None = None


@dataclass(frozen=True)
class NeedInputs:
    margin: float | None  # target party's lead as a share of valid votes; None: no result
    status: str | None  # hold | gain | absent (the target party did not stand)
    electorate: int | None
    result_date: date | None = None  # when the result (or computed need) was made
    override: Override | None = None
    committed: int = 0  # RSVPs and accepted recommendations for the day
    valid_votes: int | None = None  # the size to go by where the electorate is unknown
    contest: str | None = None  # what the result is from: "the 2024 presidential race"
    covered: float = 0.0  # share of the district's doors knocked in the last COVERAGE_DAYS


@dataclass(frozen=True)
class NeedScore:
    score: float  # 0-100: the need before anyone is sent
    remaining: float  # 0-100: the need still unmet once commitments are counted
    capacity: int  # volunteers the district can use in a day
    committed: int
    source: str  # computed | coordinator | none
    stale_override: bool  # a coordinator statement that has expired
    age_days: int | None  # age of what the score rests on
    margin: float | None
    status: str | None
    reason: str
    capacity_source: str = "estimate"  # coordinator (set for the district) | estimate
    capacity_basis: str = ""  # what an estimate rests on: "the electorate", ...
    contest: str | None = None

    @property
    def place_value(self) -> float:
        """What one more volunteer is worth here: the need, weighed by balance()
        of how full the district already is.

        >>> s = NeedScore(80, 60, 40, 10, "computed", False, 1, 0.01, "hold", "")
        >>> round(s.place_value, 1)  # a quarter full: 99% of the need (linear: 75%)
        79.3
        """
        if not self.capacity:
            return 0.0
        return self.score * balance(self.committed / self.capacity)


# How late balance() turns down: the k in (1 - e^(k(f-1))) / (1 - e^-k).
BALANCE_STEEPNESS = 6.0
_BALANCE_SCALE = 1.0 - math.exp(-BALANCE_STEEPNESS)


def coverage_factor(covered: float) -> float:
    """How much of the remaining need is left once ``covered`` (0-1) of the
    district's doors have been knocked recently.

    >>> coverage_factor(0.0), coverage_factor(0.5), coverage_factor(1.0), coverage_factor(3.0)
    (1.0, 0.625, 0.25, 0.25)
    """
    return 1.0 - COVERAGE_WEIGHT * min(max(covered, 0.0), 1.0)


def balance(filled):
    """How much of a district's need the next volunteer meets, given the share of its
    capacity already committed: all of it while empty, none once full, falling
    faster as it fills: (1 - e^(k(f-1))) / (1 - e^-k). Placing people one at a
    time by need x balance is the "balance" rule of online matching (Mehta,
    Saberi, Vazirani and Vazirani, 2007, there with k = 1, the best against an
    adversary's order). Volunteers come in no adversary's order, and in the UK
    simulation k = 6 filled more of the neediest places (95.7-98.3% of the
    optimum at every turnout, against 92.5-96.3% with k = 1 and 91.5-94.3% with
    the linear 1 - f; bench/RESULTS.md): a district keeps most of its pull until
    it is nearly full, then none. Works on arrays.

    >>> balance(0.0), round(balance(0.5), 2), round(balance(0.9), 2), balance(1.0)
    (1.0, 0.95, 0.45, 0.0)
    >>> balance(np.array([0.25, 2.0])).round(2).tolist()
    [0.99, 0.0]
    """
    if isinstance(filled, np.ndarray):
        fill = np.clip(filled, 0.0, 1.0)
        return (1.0 - np.exp(BALANCE_STEEPNESS * (fill - 1.0))) / _BALANCE_SCALE
    # One district at a time (the ranking): math is ~20x quicker than numpy here.
    fill = min(max(float(filled), 0.0), 1.0)
    return (1.0 - math.exp(BALANCE_STEEPNESS * (fill - 1.0))) / _BALANCE_SCALE


def baseline_need(margin: float, status: str, *, weights: NeedWeights = DEFAULT_WEIGHTS) -> float:
    """Need 0-100 from the target party's margin: the closer, the higher.

    >>> round(baseline_need(0.0004, "hold"), 1)   # Hendon, held by 15 votes
    100.0
    >>> round(baseline_need(-0.10, "gain"), 1), round(baseline_need(-0.20, "gain"), 1)
    (77.9, 36.8)
    >>> round(baseline_need(-0.40, "gain"), 1)    # out of reach
    1.8
    >>> round(baseline_need(0.05, "hold", weights=NeedWeights(hold=0.5)), 1)
    47.0
    >>> round(baseline_need(-0.20, "gain", weights=NeedWeights(margin_scale=0.10)), 1)
    1.8
    """
    if status == "absent":
        return 0.0  # a party that does not stand there has nobody to canvass for
    weight = weights.hold if status == "hold" else weights.gain
    spread = (margin / weights.margin_scale) ** 2
    return max(0.0, min(100.0, 100.0 * weight * math.exp(-spread)))


def need_reason(
    margin: float,
    status: str,
    target: str,
    winner: str,
    majority: int,
    contest: str | None = None,
    words: Words = english,
) -> str:
    """One sentence a volunteer can read, saying what contest the figures are from,
    in the reader's language (``words``: turfmap/words.py).

    >>> need_reason(0.0004, "hold", "Lab", "Lab", 15)
    'Lab holds this seat by 15 votes (0.0% of the vote).'
    >>> need_reason(-0.123, "gain", "Lab", "Con", 5400)
    'Lab is 12.3% of the vote behind Con here.'
    >>> need_reason(0.004, "hold", "DEM", "DEM", 1511, "the 2024 presidential race")
    'DEM won it by 1,511 votes (0.4% of the vote) in the 2024 presidential race.'
    >>> need_reason(-0.5, "absent", "Lab", "SF", 9000, "the 2024 general election")
    'Lab did not stand here in the 2024 general election, so there is no need to meet.'
    """
    said = {"target": target, "winner": winner, "majority": majority, "margin": margin}
    if contest is None:
        if status == "absent":
            return words("{target} did not stand here, so there is no need to meet.", **said)
        if status == "hold":
            return words(
                "{target} holds this seat by {majority:,} votes ({margin:.1%} of the vote).",
                **said,
            )
        return words(
            "{target} is {behind:.1%} of the vote behind {winner} here.", behind=-margin, **said
        )
    said["contest"] = contest_name(contest, words)
    if status == "absent":
        return words(
            "{target} did not stand here in {contest}, so there is no need to meet.", **said
        )
    if status == "hold":
        return words(
            "{target} won it by {majority:,} votes ({margin:.1%} of the vote) in {contest}.",
            **said,
        )
    return words(
        "{target} was {behind:.1%} of the vote behind {winner} in {contest}.",
        behind=-margin,
        **said,
    )


def day_capacity(
    score: float,
    electorate: int | None,
    valid_votes: int | None = None,
    *,
    per_1000: float = PLACES_PER_1000_ELECTORS,
) -> tuple[int, str]:
    """(volunteers a district could put to use in a day, what that estimate rests
    on), from its need and size.

    >>> day_capacity(100, 75_000), day_capacity(40, 75_000)
    ((75, 'the electorate'), (30, 'the electorate'))
    >>> day_capacity(100, None, 338_177)   # a US district: votes cast, 60% turnout
    (564, 'the votes cast')
    >>> day_capacity(0.5, 75_000), day_capacity(80, None)
    ((5, 'the electorate'), (5, 'nothing: no size is known'))
    """
    if electorate:
        size, basis = electorate, marked("the electorate")
    elif valid_votes:
        size, basis = valid_votes / TURNOUT_WHERE_UNKNOWN, marked("the votes cast")
    else:
        return MIN_CAPACITY, marked("nothing: no size is known")
    wanted = size / 1000 * per_1000 * (score / 100)
    return max(MIN_CAPACITY, math.ceil(wanted)), basis


def assess(inputs: NeedInputs, today: date, *, weights: NeedWeights = DEFAULT_WEIGHTS) -> NeedScore:
    """The district's need today.

    A coordinator's statement wins until it expires; after that the result-based
    baseline applies again and the statement is reported as stale.

    >>> today = date(2026, 11, 23)
    >>> hendon = NeedInputs(margin=0.0004, status="hold", electorate=74_865)
    >>> s = assess(hendon, today)
    >>> s.source, round(s.score), s.capacity, round(s.remaining)
    ('computed', 100, 75, 100)
    >>> s = assess(NeedInputs(0.0004, "hold", 74_865, committed=60), today)
    >>> round(s.remaining)
    20
    >>> flooded = assess(NeedInputs(0.0004, "hold", 74_865, committed=90), today)
    >>> flooded.remaining
    0.0
    >>> note = Override(20, "Fully staffed by the branch", "alice", date(2026, 11, 1),
    ...                 expires=date(2026, 12, 1))
    >>> s = assess(NeedInputs(0.0004, "hold", 74_865, override=note), today)
    >>> s.source, s.score, s.stale_override, s.reason
    ('coordinator', 20, False, 'Fully staffed by the branch')
    >>> s = assess(NeedInputs(0.0004, "hold", 74_865, override=note), date(2026, 12, 2))
    >>> s.source, round(s.score), s.stale_override
    ('computed', 100, True)
    """
    override = inputs.override
    stale = bool(override and override.expires and override.expires < today)

    def estimate(score: float) -> tuple[int, str]:
        return day_capacity(
            score, inputs.electorate, inputs.valid_votes, per_1000=weights.places_per_1000
        )

    capacity_source = "estimate"
    if override and not stale:
        score, source = override.score, "coordinator"
        capacity, basis = estimate(score)
        if override.capacity:
            capacity, capacity_source = override.capacity, "coordinator"
            basis = marked("a coordinator")
        based_on = override.updated
    elif inputs.margin is not None and inputs.status is not None:
        score = baseline_need(inputs.margin, inputs.status, weights=weights)
        source = "computed"
        capacity, basis = estimate(score)
        based_on = inputs.result_date
    else:
        score, source, capacity, based_on = 0.0, "none", 0, None
        basis = ""
    free = max(capacity - inputs.committed, 0)
    remaining = score * free / capacity if capacity else 0.0
    if inputs.covered > 0:
        remaining *= coverage_factor(inputs.covered)
    age = (today - based_on).days if based_on else None
    return NeedScore(
        score,
        remaining,
        capacity,
        inputs.committed,
        source,
        stale,
        age,
        inputs.margin,
        inputs.status,
        reason_words(inputs, source, stale),
        capacity_source,
        basis,
        inputs.contest,
    )


def expired_note(expires: date, words: Words = english) -> str:
    """What a sentence adds when a coordinator's note has run out.

    >>> expired_note(date(2026, 12, 1))
    " (A coordinator's note expired on 2026-12-01.)"
    """
    return words(" (A coordinator's note expired on {date}.)", date=expires)


def reason_words(inputs: NeedInputs, source: str, stale: bool, words: Words = english) -> str:
    """Why the district has the need assess() gave it (``source``), in the reader's
    language: a coordinator's own words as they typed them, or the margin; then
    an expired note, and the doors already knocked.

    >>> reason_words(NeedInputs(0.0004, "hold", 74_865), "computed", False)
    'Held by 0.0% of the vote.'
    >>> reason_words(NeedInputs(-0.2, "gain", 74_865, covered=0.5), "computed", False)
    'Behind by 20.0% of the vote. 50% of its doors were knocked in the last 28 days.'
    >>> reason_words(NeedInputs(None, None, None), "none", False)
    'No result or need recorded.'
    """
    override = inputs.override
    if source == "coordinator":
        text = override.reason
    elif source == "none":
        text = words("No result or need recorded.")
    elif inputs.status == "absent":
        text = words("Did not stand here.")
    elif inputs.status == "hold":
        text = words("Held by {margin:.1%} of the vote.", margin=inputs.margin)
    else:
        text = words("Behind by {behind:.1%} of the vote.", behind=-inputs.margin)
    if stale:
        text += expired_note(override.expires, words)
    if inputs.covered > 0:
        text += words(
            " {share:.0%} of its doors were knocked in the last {days} days.",
            share=inputs.covered,
            days=COVERAGE_DAYS,
        )
    return text
