"""Dispatch on the 650 UK seats: turfmap against the 2017 nearest-marginal rule and
the optimum (HiGHS), for several numbers of volunteers, as `turfmap simulate` does.

Targets (issue 3): coverage >= 95% of the optimum and >= 30% above the 2017 rule;
no seat over 120% of capacity while a reachable one is under half full; mean
travel no more than 1.25x the 2017 rule's.
"""

from __future__ import annotations

from datetime import date

from bench.common import uk_database
from turfmap.recommend.board import build_board
from turfmap.recommend.simulate import simulate
from turfmap.scoring.need import NeedWeights
from turfmap.spatial.holder import build_index
from turfmap.store.queries import active_districts

VOLUNTEERS = (5_000, 10_000, 15_000, 30_000)


def run() -> dict:
    figures = {}
    with uk_database() as database, database.session() as session:
        index = build_index(session)
        board = build_board(session, date.today(), NeedWeights())
        shapes = {d.code: d.geometry for _, d in active_districts(session)}
    capacity = sum(e.need.capacity for e in board.districts.values())
    print(f"capacity of the 650 seats: {capacity:,} volunteer places in a day")
    for n in VOLUNTEERS:
        result = simulate(index, board, shapes, set_slug="westminster-2024", volunteers=n)
        print()
        print(result.report())
        figures[n] = {name: round(o.coverage, 3) for name, o in result.outcomes.items()}
    return figures


if __name__ == "__main__":
    run()
