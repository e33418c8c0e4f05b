"""Per-app services, bound in create_app (nothing is built at import time).

Kept on ``app.extensions`` rather than module globals so that two apps, say one on
SQLite and one on PostGIS in the same test run, never share a connection or index.
"""

from __future__ import annotations

import gc
import threading
from collections import OrderedDict
from dataclasses import dataclass

from flask import Flask, current_app

from turfmap.recommend.board import BoardHolder
from turfmap.recommend.tokens import CommitTokens
from turfmap.scoring.need import NeedWeights
from turfmap.spatial.holder import IndexHolder
from turfmap.store import versions
from turfmap.store.db import Database
from turfmap.store.replica import ReadSessions
from turfmap.travel.router import Router, make_router


class PayloadCache:
    """A small least-recently-used store of serialised responses."""

    def __init__(self, size: int = 64):
        self._size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            return None

    def put(self, key, value):
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value


@dataclass
class Services:
    db: Database
    spatial: IndexHolder
    board: BoardHolder
    router: Router
    answers: PayloadCache  # map data and map pages, made once (web/payloads.py)
    tokens: CommitTokens
    reads: ReadSessions  # public reads: a replica's while it keeps up, else the primary's


def init_app(app: Flask) -> Services:
    config = app.config
    db = Database()
    db.init(config["TURFMAP_DATABASE_URL"], schema=config["TURFMAP_DATABASE_SCHEMA"])
    check = config["TURFMAP_INDEX_CHECK_SECONDS"]
    weights = need_weights(config)
    services = Services(
        db=db,
        spatial=IndexHolder(db, check_seconds=check, after_build=settle_heap),
        board=BoardHolder(
            db,
            weights=weights,
            tz=config["TURFMAP_TIMEZONE"],
            check_seconds=check,
            after_build=settle_heap,
        ),
        router=make_router(config["TURFMAP_ROUTER_URL"]),
        answers=PayloadCache(),
        tokens=CommitTokens(config["SECRET_KEY"]),
        reads=None,  # below: it asks the board what this worker has shown
    )
    services.reads = ReadSessions(
        db,
        config["TURFMAP_READ_DATABASE_URL"],
        schema=config["TURFMAP_DATABASE_SCHEMA"],
        seen=lambda: _versions_shown(services),
    )
    app.extensions["turfmap"] = services
    if config["TURFMAP_LISTEN"]:
        # Per process, on its first request: a gunicorn master that preloads the
        # app must not start the thread (its forked workers would not have it).
        app.before_request(db.listen)
    return services


def need_weights(config) -> NeedWeights:
    """The need model's settings from an app's config."""
    return NeedWeights(
        hold=config["TURFMAP_HOLD_WEIGHT"],
        gain=config["TURFMAP_GAIN_WEIGHT"],
        margin_scale=config["TURFMAP_MARGIN_SCALE"],
        places_per_1000=config["TURFMAP_PLACES_PER_1000_ELECTORS"],
    )


def settle_heap() -> None:
    """After a worker builds its index or need board: collect, then freeze what is
    left out of the cyclic collector's sight until the next build. Those objects
    live that long anyway, and every few thousand requests a full collection
    walked all of them (~150 ms on the UK seats, ~5% of a recommendation's time).
    Frozen objects are still freed by reference counting when a rebuild drops them.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def _versions_shown(ours: Services) -> dict:
    """The state versions this worker's answers already reflect: a replica behind
    them would take back what a volunteer has just seen."""
    ours.board.get()
    return ours.board.held() or {}


def map_state(ours: Services) -> tuple:
    """What the map's shapes and colours come from, as this worker holds it (the
    index's and the need board's versions, as last read): a cache of map answers is
    keyed on it without asking the database. Commitments, RSVPs and sessions are
    not in it: the map does not colour by them."""
    board = ours.board.held() or {}
    return (
        (ours.spatial.held() or {}).get(versions.INDEX),
        board.get(versions.INDEX),
        board.get(versions.NEEDS),
    )


def services() -> Services:
    return current_app.extensions["turfmap"]


def warm_up(app: Flask) -> None:
    """Build the spatial index and need board now (gunicorn's post_worker_init), so
    that no visitor's request waits for them, and so that a worker has a last good
    copy to serve should the database become unreachable."""
    from sqlalchemy.exc import DBAPIError

    with app.app_context():
        ours = services()
        try:
            ours.spatial.get()
            ours.board.get()
        except DBAPIError as error:
            app.logger.warning("warm-up skipped, the database is unreachable: %s", error.orig)


def after_fork(app: Flask) -> None:
    """In a worker process just forked from a master that made ``app``."""
    ours = app.extensions["turfmap"]
    ours.db.engine.dispose(close=False)
    ours.reads.after_fork()
