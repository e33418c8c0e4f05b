"""Per-app services, bound in create_app (nothing is built at import time).

Kept on ``app.extensions`` rather than module globals so that two apps, say one on
SQLite and one on PostGIS in the same test run, never share a connection or index.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app

from turfmap.spatial.holder import IndexHolder
from turfmap.store.db import Database


@dataclass
class Services:
    db: Database
    spatial: IndexHolder


def init_app(app: Flask, *, url: str, schema: str | None, index_check_seconds: float) -> Services:
    db = Database()
    db.init(url, schema=schema)
    services = Services(db=db, spatial=IndexHolder(db, check_seconds=index_check_seconds))
    app.extensions["turfmap"] = services
    return services


def services() -> Services:
    return current_app.extensions["turfmap"]
