"""Minutes of travel estimated from ground distance in metres (never from degrees).

Each mode has an average door-to-door speed, a detour factor (roads and rails are
longer than the straight line; 1.3 is the usual figure for road networks, a bit
more for rail which runs to fixed stations) and a fixed overhead (waiting for a
train, parking a car). These are deliberately plain numbers a coordinator can
check; a deployment that wants street-level accuracy configures a router.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Mode:
    name: str
    kmh: float
    detour: float
    overhead_minutes: float
    walk_minutes: float  # of the overhead, spent walking (to a stop, from parking)


MODES = {
    "walk": Mode("walk", 4.8, 1.3, 0.0, 0.0),
    "cycle": Mode("cycle", 15.0, 1.25, 2.0, 0.0),
    "transit": Mode("transit", 25.0, 1.4, 15.0, 10.0),  # walk to and from stops, waiting
    "drive": Mode("drive", 45.0, 1.3, 8.0, 3.0),  # average incl. towns; parking
}
DEFAULT_MODE = "transit"
# How long a volunteer may be asked to travel: the one place these bounds are set
# (the API's parsing and document, the simulator's options and Constraints read them).
MAX_MINUTES_RANGE = (1.0, 240.0)
DEFAULT_MAX_MINUTES = 60.0
MAX_MINUTES_MEANING = "the longest trip the volunteer will make, in minutes"


def minutes(metres: float, mode: str) -> float:
    """Door-to-door minutes to travel ``metres`` of straight-line distance.

    >>> round(minutes(1000, "walk"))         # 1 km on foot
    16
    >>> round(minutes(16_000, "transit"))     # Durham to Bishop Auckland, by train and foot
    69
    >>> round(minutes(16_000, "drive"))
    36
    >>> minutes(0, "transit")                 # already inside the district
    0.0
    """
    if metres <= 0:
        return 0.0
    spec = MODES[mode]
    travel = metres * spec.detour / 1000 / spec.kmh * 60
    # Below ~1.5 km nobody takes a train: walking it is the estimate.
    if mode == "transit" and metres < 1500:
        return minutes(metres, "walk")
    return travel + spec.overhead_minutes


def max_metres(max_minutes: float, mode: str) -> float:
    """The straight-line distance that ``max_minutes`` can cover (inverse of minutes).

    >>> round(max_metres(60, "walk"))
    3692
    >>> minutes(max_metres(60, "transit"), "transit")
    60.0
    """
    spec = MODES[mode]
    usable = max(max_minutes - spec.overhead_minutes, 0)
    reach = usable / 60 * spec.kmh * 1000 / spec.detour
    if mode == "transit":
        return max(reach, min(max_metres(max_minutes, "walk"), 1500))
    return reach


def fewest_minutes(metres: np.ndarray, mode: str) -> np.ndarray:
    """The least time minutes() gives for any distance of at least ``metres``, for
    many distances at once: a lower bound on the travel to a district whose edge is
    no nearer than that. Not minutes() itself, which is not monotone by transit
    (a 1.4 km walk takes longer than a 1.5 km ride).

    >>> fewest_minutes(np.array([0.0, 1000.0, 1499.0, 16_000.0]), "transit").round(1).tolist()
    [0.0, 16.2, 20.0, 68.8]
    >>> fewest_minutes(np.array([1000.0]), "walk").round(1).tolist()
    [16.2]
    """
    spec = MODES[mode]
    ride = metres * (spec.detour / 1000 / spec.kmh * 60) + spec.overhead_minutes
    if mode == "transit":
        walk = fewest_minutes(metres, "walk")
        ride = np.where(metres < 1500, np.minimum(walk, minutes(1500, mode)), ride)
    return np.where(metres > 0, ride, 0.0)


def walking_minutes(metres: float, mode: str) -> float:
    """Minutes of the journey spent on foot, for "short walks only".

    >>> round(walking_minutes(1000, "walk")), walking_minutes(20_000, "transit")
    (16, 10.0)
    >>> walking_minutes(500, "transit") == minutes(500, "walk")
    True
    """
    if mode == "walk" or (mode == "transit" and metres < 1500):
        return minutes(metres, "walk")
    return MODES[mode].walk_minutes if metres > 0 else 0.0


def travel_factor(travel_minutes: float) -> float:
    """How much travel time discounts a district's need in the ranking: halves
    every four hours, so within a volunteer's own limit (an hour, say) it mostly
    breaks ties between seats of similar need: an hour's trip keeps 84%. (In the UK
    simulation a one-hour half-life kept trips ~5 minutes shorter but filled 2-3%
    fewer of the neediest places, below 95% of the optimum; see bench/RESULTS.md.)

    >>> travel_factor(0), round(travel_factor(60), 2), travel_factor(240)
    (1.0, 0.84, 0.5)

    Works on numpy arrays too, for the dispatcher.
    """
    return 0.5 ** (travel_minutes / 240.0)
