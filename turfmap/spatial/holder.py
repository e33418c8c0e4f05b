"""Keeps a web worker's SpatialIndex current.

Built on first use, then rebuilt when the set of active generations changes. A
worker learns of an activation made elsewhere (the CLI, another worker) by asking
the database for a small token at most every ``check_seconds``.
"""

from __future__ import annotations

from turfmap.spatial.index import IndexedDistrict, SpatialIndex
from turfmap.store import versions
from turfmap.store.db import Database
from turfmap.store.queries import active_districts, index_state_token
from turfmap.store.refreshing import Refreshing


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
            name_alt=d.name_alt,
        )
        for slug, d in rows
    ]
    return SpatialIndex(districts, [d.geometry for _, d in rows])


class IndexHolder(Refreshing[SpatialIndex]):
    def __init__(self, db: Database, *, check_seconds: float = 5.0, after_build=None):
        super().__init__(
            db,
            build=lambda session, _key: build_index(session),
            token=lambda session, _key: index_state_token(session),
            check_seconds=check_seconds,
            after_build=after_build,
            watch=frozenset({versions.INDEX}),
            name="index",
        )
