"""Dispatch on the 650 UK seats: turfmap against the 2017 nearest-marginal rule and
the optimum (HiGHS), for several numbers of volunteers, as `turfmap simulate` does.

Targets (issue 3): coverage >= 95% of the optimum and >= 30% above the 2017 rule;
no seat over 120% of capacity while a reachable one is under half full; mean
travel no more than 1.25x the 2017 rule's.

How many volunteers turn out decides how much any dispatcher can gain: with few
per place, sending them to any marginal fills needy places nearly as well as the
optimum does, so each run also prints the optimum's own lead over the rule. The
rule's threshold matters too: 10% is the usual working definition of a marginal
and the default, and with as many volunteers as the seats can use the same
volunteers are also compared with rules using 5%, 15% and 20%.
"""

from __future__ import annotations

from datetime import date

from bench.common import uk_database
from turfmap.recommend.board import build_board
from turfmap.recommend.simulate import simulate
from turfmap.scoring.need import NeedWeights
from turfmap.spatial.holder import build_index
from turfmap.store.queries import active_districts

VOLUNTEERS = (5_000, 10_000, 15_000, 20_000, None, 30_000)  # None: the day's capacity
OTHER_THRESHOLDS = (0.05, 0.15, 0.20)


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
        figures[result.volunteers] = {k: round(o.coverage, 3) for k, o in result.outcomes.items()}
    figures["thresholds"] = thresholds(index, board, shapes, capacity)
    return figures


def thresholds(index, board, shapes, volunteers: int) -> dict:
    """turfmap against 2017 rules with other ideas of a marginal, same volunteers."""
    print()
    print(f"{volunteers:,} volunteers; the 2017 rule with other thresholds:")
    print(
        f"{'threshold':>10}{'rule':>8}{'turfmap vs rule':>17}{'optimum vs rule':>17}"
        f"{'travel vs rule':>16}{'rule flooded':>14}"
    )
    figures = {}
    for threshold in OTHER_THRESHOLDS:
        result = simulate(
            index,
            board,
            shapes,
            set_slug="westminster-2024",
            volunteers=volunteers,
            threshold=threshold,
        )
        ours, rule, best = (result.outcomes[k] for k in ("turfmap", "2017 rule", "optimum"))
        print(
            f"{threshold:>10.0%}{rule.coverage:>8.1%}{ours.coverage / rule.coverage - 1:>+17.0%}"
            f"{best.coverage / rule.coverage - 1:>+17.0%}"
            f"{ours.mean_minutes / rule.mean_minutes:>15.2f}x{rule.flooded_seats:>14}"
        )
        figures[threshold] = round(rule.coverage, 3)
    return figures


if __name__ == "__main__":
    run()
