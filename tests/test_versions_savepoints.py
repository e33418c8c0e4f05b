"""A savepoint's release is not a commit: listeners hear of a transaction's writes
once, when the outermost transaction commits, with every delta its writes
described (a commitment is written inside a savepoint)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import load_montreal, services_of
from turfmap.coordination.commitments import record_commitment
from turfmap.recommend.tokens import Granted
from turfmap.store import versions


@pytest.fixture
def montreal(app, cli):
    load_montreal(cli)
    return app


def test_listeners_hear_a_commitment_once_with_its_delta_after_the_real_commit(montreal):
    database = services_of(montreal).db
    heard = []
    database.on_change(lambda changes, deltas: heard.append((changes, deltas)))
    granted = Granted("mtl", "101", date(2026, 12, 4), "nonce-savepoint-test")
    with database.transaction() as session:
        record_commitment(session, granted)
        assert heard == []  # the savepoint was released, nothing is committed yet
    assert len(heard) == 1
    changes, deltas = heard[0]
    assert list(changes) == [versions.ACTIVITY]
    before, after = changes[versions.ACTIVITY]
    assert after == before + 1
    assert deltas == (("commit", "mtl", "101", "2026-12-04"),)
