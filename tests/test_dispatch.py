"""Dispatch on a hand-built case whose optimum is known, and the simulation on the
real UK seats."""

from __future__ import annotations

import numpy as np
import pytest

from turfmap.recommend.dispatch import (
    Seat,
    Volunteer,
    dispatch_greedy,
    dispatch_nearest_marginal,
    dispatch_optimum,
    measure,
)


def volunteer(reach: dict[int, float], marginal: int | None = None) -> Volunteer:
    seats = np.array(list(reach), dtype=int)
    minutes = np.array(list(reach.values()), dtype=float)
    return Volunteer(seats, minutes, marginal, reach.get(marginal, 0.0) if marginal else 0.0)


@pytest.fixture
def town():
    """A marginal (A) that everyone can reach, two needy seats (B, C) that only some
    can reach, and six volunteers. Capacity: A 2, B 2, C 1.

    The best possible: A filled (2 x 90), B filled (2 x 60), C filled (1 x 50) =
    350 of 350 need-weighted places, with one volunteer left over.
    """
    seats = [Seat("A", 90, 2), Seat("B", 60, 2), Seat("C", 50, 1)]
    everyone = [
        volunteer({0: 5, 1: 30}, marginal=0),
        volunteer({0: 5, 1: 30}, marginal=0),
        volunteer({0: 10, 2: 20}, marginal=0),
        volunteer({0: 5}, marginal=0),
        volunteer({0: 5}, marginal=0),
        volunteer({0: 15, 1: 15}, marginal=0),
    ]
    return seats, everyone


def test_optimum_is_known(town):
    seats, people = town
    outcome = measure(seats, people, dispatch_optimum(seats, people))
    assert outcome.coverage == pytest.approx(1.0)
    assert outcome.placed == 5 and outcome.flooded_seats == 0


def test_2017_rule_floods_the_marginal(town):
    seats, people = town
    choices = dispatch_nearest_marginal(people)
    assert choices == [0] * 6
    outcome = measure(seats, people, choices)
    assert outcome.coverage == pytest.approx(180 / 350)
    assert outcome.flooded_seats == 1  # A has 6 for 2 places while B and C stand empty


def test_greedy_spreads_and_never_overfills(town):
    seats, people = town
    choices = dispatch_greedy(seats, people)
    assigned = np.bincount([c for c in choices if c is not None], minlength=3)
    assert (assigned <= [2, 2, 1]).all()
    outcome = measure(seats, people, choices)
    assert outcome.flooded_seats == 0
    assert outcome.coverage >= 0.8
    assert outcome.coverage <= measure(seats, people, dispatch_optimum(seats, people)).coverage


def test_nobody_reachable(town):
    seats, _ = town
    lonely = [volunteer({})]
    assert dispatch_greedy(seats, lonely) == [None]
    assert dispatch_optimum(seats, lonely) == [None]


def test_simulate_on_the_uk_seats(uk_cli):
    output = uk_cli.ok("simulate", "--volunteers", "400", "--seed", "7")
    lines = output.splitlines()
    assert lines[0].startswith("400 volunteers over westminster-2024")
    assert lines[1].startswith("the districts can use ") and "volunteers per place" in lines[1]
    rows = {line.split()[0]: line.split() for line in lines[3:6]}
    coverage = {name: float(row[-5].rstrip("%")) for name, row in rows.items()}
    assert coverage["turfmap"] <= coverage["optimum"] + 1e-9
    assert rows["turfmap"][-1] == "0"  # never flooded
    assert "of the optimum" in output and "against the 2017 rule" in output
    # Travel is compared on the same volunteers, and the rule's advantage is named.
    assert "the 2017 rule's on the " in output and "volunteers both placed" in output
    assert "the 2017 rule ignores the travel limit" in output
    if "no dispatcher can be 30% above" in output:
        assert "the rule's threshold (margins under 10%)" in output


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["--volunteers", "0"], "0 is not in the range"),
        (["--mode", "boat"], "'boat' is not one of"),
        (["--set", "nowhere"], "set='nowhere' is not an active boundary set"),
    ],
)
def test_simulate_refuses_bad_options(uk_cli, args, fragment):
    result = uk_cli("simulate", *args)
    assert result.exit_code != 0 and fragment in result.output
