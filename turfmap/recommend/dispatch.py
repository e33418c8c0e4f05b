"""Dispatch: spreading many volunteers over seats so none is flooded while another
goes short (pure functions, no Flask or database).

Three ways to place the same volunteers, measured the same way:
- ``dispatch_greedy``: what turfmap does. Volunteers arrive one at a time; each is
  sent where need x balance(fill) x travel factor is highest (the ranking's
  score), and is then counted against that seat, exactly as an accepted
  recommendation is.
- ``dispatch_nearest_marginal``: the 2017 rule. Each volunteer goes to the nearest
  seat with a margin under a threshold, whoever else is going there.
- ``dispatch_optimum``: the best possible under the same travel limits, by linear
  programming (the constraint matrix is totally unimodular, so the LP optimum is
  whole volunteers).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_matrix, vstack

from turfmap.scoring.need import balance
from turfmap.travel.estimate import travel_factor


@dataclass(frozen=True)
class Seat:
    code: str
    need: float  # 0-100
    capacity: int  # volunteers it can use in the day


@dataclass(frozen=True)
class Volunteer:
    """Seats reachable within the travel limit, as parallel arrays, and the 2017
    rule's choice (the nearest marginal seat, reachable or not)."""

    seats: np.ndarray  # seat indices
    minutes: np.ndarray  # travel minutes to each
    nearest_marginal: int | None = None
    nearest_marginal_minutes: float = 0.0


def dispatch_greedy(seats: list[Seat], volunteers: list[Volunteer]) -> list[int | None]:
    """Each volunteer in turn to the best need x balance(fill) x travel factor.

    Two seats, one volunteer able to reach both: the first goes to the nearer high
    need seat; once it is full the next goes to the other one.

    >>> seats = [Seat("A", 90, 1), Seat("B", 60, 2)]
    >>> v = Volunteer(np.array([0, 1]), np.array([10.0, 10.0]))
    >>> dispatch_greedy(seats, [v, v, v, v])
    [0, 1, 1, None]
    """
    assigned = np.zeros(len(seats), dtype=int)
    needs = np.array([s.need for s in seats], dtype=float)
    capacity = np.array([max(s.capacity, 1) for s in seats], dtype=float)
    choices: list[int | None] = []
    for volunteer in volunteers:
        if len(volunteer.seats) == 0:
            choices.append(None)
            continue
        idx = volunteer.seats
        score = needs[idx] * balance(assigned[idx] / capacity[idx])
        score = score * travel_factor(volunteer.minutes)
        best = int(np.argmax(score))
        if score[best] <= 0:
            choices.append(None)
            continue
        assigned[idx[best]] += 1
        choices.append(int(idx[best]))
    return choices


def dispatch_nearest_marginal(volunteers: list[Volunteer]) -> list[int | None]:
    """The 2017 rule: the nearest marginal seat, regardless of anyone else.

    >>> v = Volunteer(np.array([0]), np.array([5.0]), nearest_marginal=1,
    ...               nearest_marginal_minutes=30.0)
    >>> dispatch_nearest_marginal([v, v])
    [1, 1]
    """
    return [v.nearest_marginal for v in volunteers]


def dispatch_optimum(seats: list[Seat], volunteers: list[Volunteer]) -> list[int | None]:
    """Maximise the need-weighted places filled, within each volunteer's reach;
    among equal answers, prefer less travel.

    >>> seats = [Seat("A", 90, 1), Seat("B", 60, 1)]
    >>> only_a = Volunteer(np.array([0]), np.array([5.0]))
    >>> both = Volunteer(np.array([0, 1]), np.array([5.0, 50.0]))
    >>> dispatch_optimum(seats, [both, only_a])     # greedy would send both to A
    [1, 0]
    """
    rows, cols, weights = [], [], []
    for v, volunteer in enumerate(volunteers):
        for seat, minutes in zip(volunteer.seats, volunteer.minutes, strict=True):
            rows.append(v)
            cols.append(int(seat))
            # 1e-4 per minute: a tie-break that can never outweigh a unit of need.
            weights.append(seats[int(seat)].need - 1e-4 * minutes)
    if not rows:
        return [None] * len(volunteers)
    n = len(rows)
    pairs = np.arange(n)
    one_seat_each = coo_matrix((np.ones(n), (rows, pairs)), shape=(len(volunteers), n))
    seat_capacity = coo_matrix((np.ones(n), (cols, pairs)), shape=(len(seats), n))

    solution = linprog(
        c=-np.array(weights),
        A_ub=vstack([one_seat_each, seat_capacity]).tocsr(),
        b_ub=np.concatenate([np.ones(len(volunteers)), [s.capacity for s in seats]]),
        bounds=(0, 1),
        method="highs",
    )
    if not solution.success:
        raise RuntimeError(f"the optimum could not be found: {solution.message}")
    choices: list[int | None] = [None] * len(volunteers)
    for k in np.flatnonzero(solution.x > 0.5):
        choices[rows[k]] = cols[k]
    return choices


@dataclass(frozen=True)
class Outcome:
    coverage: float  # need-weighted share of all capacity filled
    placed: int
    mean_minutes: float
    p95_minutes: float
    flooded_seats: (
        int  # over 120% of capacity while a volunteer there could reach a seat under half full
    )


def measure(
    seats: list[Seat], volunteers: list[Volunteer], choices: list[int | None], minutes_of=None
) -> Outcome:
    """Score an assignment.

    >>> seats = [Seat("A", 90, 1), Seat("B", 60, 1)]
    >>> v = Volunteer(np.array([0, 1]), np.array([10.0, 20.0]))
    >>> o = measure(seats, [v, v], [0, 0])
    >>> round(o.coverage, 2), o.flooded_seats, o.mean_minutes
    (0.6, 1, 10.0)
    >>> round(measure(seats, [v, v], [0, 1]).coverage, 2)
    1.0
    """
    assigned = np.zeros(len(seats), dtype=int)
    travel = []
    for volunteer, choice in zip(volunteers, choices, strict=True):
        if choice is None:
            continue
        assigned[choice] += 1
        travel.append(_minutes_to(volunteer, choice))
    needs = np.array([s.need for s in seats])
    capacity = np.array([s.capacity for s in seats])
    coverage = float((np.minimum(assigned, capacity) * needs).sum() / (capacity * needs).sum())
    under_half = (assigned < 0.5 * capacity) & (needs > 1)
    flooded = set()
    for volunteer, choice in zip(volunteers, choices, strict=True):
        if choice is None or assigned[choice] <= 1.2 * capacity[choice] or choice in flooded:
            continue
        if under_half[volunteer.seats].any():
            flooded.add(choice)
    travel_array = np.array(travel) if travel else np.zeros(1)
    return Outcome(
        coverage,
        len(travel),
        float(travel_array.mean()),
        float(np.percentile(travel_array, 95)),
        len(flooded),
    )


def _minutes_to(volunteer: Volunteer, seat: int) -> float:
    if seat == volunteer.nearest_marginal:
        return volunteer.nearest_marginal_minutes
    where = np.flatnonzero(volunteer.seats == seat)
    return float(volunteer.minutes[where[0]])


def shared_travel(
    volunteers: list[Volunteer], ours: list[int | None], theirs: list[int | None]
) -> tuple[int, float, float]:
    """(how many volunteers both assignments placed, their mean minutes under
    ``ours``, under ``theirs``): travel compared on the same people, not on each
    assignment's own placed volunteers.

    >>> near, far = Volunteer(np.array([0, 1]), np.array([10.0, 40.0])), Volunteer(
    ...     np.array([1]), np.array([50.0]), nearest_marginal=1, nearest_marginal_minutes=50.0)
    >>> shared_travel([near, far], [0, None], [1, 1])   # only `near` is placed by both
    (1, 10.0, 40.0)
    """
    both = [
        (_minutes_to(v, a), _minutes_to(v, b))
        for v, a, b in zip(volunteers, ours, theirs, strict=True)
        if a is not None and b is not None
    ]
    if not both:
        return 0, 0.0, 0.0
    mine, rule = zip(*both, strict=True)
    return len(both), float(np.mean(mine)), float(np.mean(rule))
