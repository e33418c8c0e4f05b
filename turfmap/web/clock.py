"""Today on the campaign's clock, and today's need board, for views (see
turfmap/clock.py)."""

from __future__ import annotations

from datetime import date

from flask import current_app

from turfmap.clock import today_in


def today() -> date:
    return today_in(current_app.config["TURFMAP_TIMEZONE"])


def board():
    """Today's need board: every need a view shows comes from it."""
    from turfmap.extensions import services

    return services().board.get(today())
