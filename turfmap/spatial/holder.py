"""Keeps a web worker's SpatialIndex current.

Built on first use, then rebuilt when the set of active generations changes. A
worker learns of an activation made elsewhere (the CLI, another worker) by asking
the database for a small token at most every ``check_seconds``.
"""

from __future__ import annotations

import threading
import time

from turfmap.spatial.index import IndexedDistrict, SpatialIndex
from turfmap.store.db import Database
from turfmap.store.queries import active_districts, index_state_token


def build_index(session) -> SpatialIndex:
    rows = active_districts(session)
    districts = [
        IndexedDistrict(
            id=d.id,
            set_slug=slug,
            code=d.code,
            name=d.name,
            parent_code=d.parent_code,
            point_lon=d.point_lon,
            point_lat=d.point_lat,
            area_m2=d.area_m2,
        )
        for slug, d in rows
    ]
    return SpatialIndex(districts, [d.geometry for _, d in rows])


class IndexHolder:
    def __init__(self, db: Database, *, check_seconds: float = 5.0):
        self._db = db
        self._check_seconds = check_seconds
        self._lock = threading.Lock()
        self._index: SpatialIndex | None = None
        self._token: str | None = None
        self._checked_at = 0.0

    def get(self) -> SpatialIndex:
        now = time.monotonic()
        if self._index is not None and now - self._checked_at < self._check_seconds:
            return self._index
        with self._lock:
            with self._db.session() as session:
                token = index_state_token(session)
                if self._index is None or token != self._token:
                    self._index = build_index(session)
                    self._token = token
            self._checked_at = time.monotonic()
            return self._index

    def invalidate(self) -> None:
        """Rebuild on next use (called after an activation in this process)."""
        with self._lock:
            self._index = None
