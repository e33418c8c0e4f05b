"""`turfmap simulate`: place N volunteers over a boundary set and compare turfmap's
dispatcher with the 2017 nearest-marginal rule and the optimum, on real seats."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import shapely

from turfmap.errors import InputError
from turfmap.recommend.board import NeedBoard
from turfmap.recommend.dispatch import (
    Outcome,
    Seat,
    Volunteer,
    dispatch_greedy,
    dispatch_nearest_marginal,
    dispatch_optimum,
    measure,
    shared_travel,
)
from turfmap.spatial.index import SpatialIndex
from turfmap.travel.estimate import max_metres, minutes


@dataclass
class Simulation:
    set_slug: str
    volunteers: int
    mode: str
    max_minutes: float
    threshold: float
    capacity: int  # volunteers all the set's districts can use in the day
    outcomes: dict[str, Outcome]
    seconds: dict[str, float]
    shared: tuple[int, float, float] = (0, 0.0, 0.0)  # dispatch.shared_travel, turfmap vs rule

    def report(self) -> str:
        lines = [
            f"{self.volunteers:,} volunteers over {self.set_slug}, placed by electorate and "
            f"arriving in random order; {self.mode}, at most {self.max_minutes:g} min; 2017 "
            f"rule: nearest seat with a margin under {self.threshold:.0%}",
            f"the districts can use {self.capacity:,} volunteers today: "
            f"{self.volunteers / self.capacity:.2f} volunteers per place",
            f"{'':14}{'coverage':>10}{'placed':>9}{'mean min':>10}{'p95 min':>9}{'flooded':>9}",
        ]
        for name, o in self.outcomes.items():
            lines.append(
                f"{name:14}{o.coverage:>10.1%}{o.placed:>9,}{o.mean_minutes:>10.1f}"
                f"{o.p95_minutes:>9.1f}{o.flooded_seats:>9}"
            )
        ours, rule, best = (self.outcomes[k] for k in ("turfmap", "2017 rule", "optimum"))
        best_lead = best.coverage / rule.coverage - 1
        lines += [
            f"turfmap coverage is {ours.coverage / best.coverage:.1%} of the optimum "
            "(target >= 95%) and "
            f"{ours.coverage / rule.coverage - 1:+.0%} against the 2017 rule (target >= +30%; "
            f"the optimum: {best_lead:+.0%})",
            self._travel_line(),
            f"seats over 120% of capacity while a reachable seat was under half full: "
            f"{ours.flooded_seats} (target 0)",
            "the 2017 rule ignores the travel limit (it sends each volunteer to the nearest "
            "marginal however far), so it can cover places a travel-limited optimum cannot"
            + (f": here it covers {1 / (1 + best_lead):.0%} of it" if best_lead < 0 else ""),
            "seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in self.seconds.items()),
        ]
        if best_lead < 0.30:
            lines.insert(
                -1,
                f"no dispatcher can be 30% above the 2017 rule here: even the optimum is "
                f"{best_lead:+.0%}, because the rule's threshold (margins under "
                f"{self.threshold:.0%}) already picks the districts of most need, and it "
                "ignores the travel limit",
            )
        return "\n".join(lines)

    def _travel_line(self) -> str:
        both, mine, rule = self.shared
        if not both:
            return "no volunteer was placed by both turfmap and the 2017 rule: no travel to compare"
        return (
            f"turfmap mean travel is {mine / rule:.2f}x the 2017 rule's on the {both:,} "
            f"volunteers both placed ({mine:.1f} against {rule:.1f} min; target <= 1.25x)"
        )


def simulate(
    index: SpatialIndex,
    board: NeedBoard,
    geometries,
    *,
    set_slug: str,
    volunteers: int | None = None,
    mode: str = "transit",
    max_minutes: float = 60.0,
    threshold: float = 0.10,
    seed: int = 1,
) -> Simulation:
    """``geometries`` maps district code to its polygon (to place volunteers inside).
    ``volunteers``: by default as many as the districts can use in the day."""
    members = [d for d in index.districts if d.set_slug == set_slug]
    if not members:
        raise InputError(f"set {set_slug!r} has no active districts")
    entries = [board.get(set_slug, d.code) for d in members]
    seats = [Seat(e.code, e.need.score, e.need.capacity) for e in entries]
    capacity = sum(seat.capacity for seat in seats)
    volunteers = capacity if volunteers is None else volunteers
    position = {e.code: i for i, e in enumerate(entries)}
    electorate = np.array([e.inputs.electorate or 0 for e in entries], dtype=float)
    if electorate.sum() == 0:
        raise InputError(f"set {set_slug!r} has no electorates to place volunteers by")
    marginal = {
        e.code for e in entries if e.inputs.margin is not None and abs(e.inputs.margin) < threshold
    }
    rng = np.random.default_rng(seed)
    timings = {}
    start = time.perf_counter()
    homes = rng.choice(len(members), size=volunteers, p=electorate / electorate.sum())
    points = [_point_inside(geometries[members[h].code], rng) for h in homes]
    reach = max_metres(max_minutes, mode)
    people = [
        _volunteer_at(index, lon, lat, set_slug, position, marginal, reach, mode)
        for lon, lat in points
    ]
    order = rng.permutation(volunteers)
    people = [people[i] for i in order]
    timings["placing"] = time.perf_counter() - start
    outcomes, chosen = {}, {}
    for name, run in (
        ("turfmap", lambda: dispatch_greedy(seats, people)),
        ("2017 rule", lambda: dispatch_nearest_marginal(people)),
        ("optimum", lambda: dispatch_optimum(seats, people)),
    ):
        start = time.perf_counter()
        chosen[name] = run()
        timings[name] = time.perf_counter() - start
        outcomes[name] = measure(seats, people, chosen[name])
    shared = shared_travel(people, chosen["turfmap"], chosen["2017 rule"])
    return Simulation(
        set_slug, volunteers, mode, max_minutes, threshold, capacity, outcomes, timings, shared
    )


def _volunteer_at(index, lon, lat, set_slug, position, marginal, reach, mode) -> Volunteer:
    """A volunteer at the point: the seats within reach (positions in the seat list)
    with their travel minutes, and the 2017 rule's pick, the nearest marginal."""
    near = index.within(lon, lat, reach, set_slug=set_slug)
    rule = index.nearest(lon, lat, k=1, set_slug=set_slug, where=lambda d: d.code in marginal)
    return Volunteer(
        np.array([position[n.district.code] for n in near], dtype=int),
        np.array([minutes(n.metres, mode) for n in near]),
        position[rule[0].district.code] if rule else None,
        minutes(rule[0].metres, mode) if rule else 0.0,
    )


def _point_inside(polygon, rng) -> tuple[float, float]:
    """A uniform random point inside ``polygon`` (rejection sampling in its box)."""
    west, south, east, north = polygon.bounds
    shapely.prepare(polygon)
    for _ in range(10_000):
        lon, lat = rng.uniform(west, east), rng.uniform(south, north)
        if shapely.contains_xy(polygon, lon, lat):
            return lon, lat
    point = polygon.representative_point()
    return point.x, point.y
