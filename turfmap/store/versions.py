"""Versions of what workers hold, moved by the writes themselves.

Every session the store makes bumps, after each flush and each ORM UPDATE,
DELETE or INSERT, the row in ``state_versions`` of each kind of state it wrote,
in the same transaction. So a worker that reads the versions sees a change
exactly when the write that made it is visible (never before, as a sequence read
outside the transaction would be, and never missed, as adopting a count would
be), and the read is three rows however large the tables grow.

After a commit, the database's listeners hear which versions moved, from what to
what, and the deltas the writes described (``describe``: one more commitment
for a district, one more place taken at a session), so a need board can apply
them rather than be rebuilt (``Database.on_change``). That is how a worker's own
writes reach its index and need board, with no view having to tell them.

On PostgreSQL the same news goes to every other worker and server: the
transaction ends with a NOTIFY carrying it, which PostgreSQL delivers exactly
when (and only if) the transaction commits (store/listening.py hears it).
"""

from __future__ import annotations

import json
from collections.abc import Callable

from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from turfmap.store.models import StateVersion

INDEX, NEEDS, ACTIVITY = "index", "needs", "activity"
KINDS = (INDEX, NEEDS, ACTIVITY)
# Which kind of state a write to each table changes; other tables change nothing
# that a worker keeps (users, audit, uploads, postcodes are read when asked).
KIND_OF_TABLE = {
    "boundary_sets": INDEX,
    "generations": INDEX,
    "districts": INDEX,
    "election_results": NEEDS,
    "needs": NEEDS,
    "district_contacts": NEEDS,  # the board carries each district's contact
    "canvass_progress": NEEDS,  # doors knocked lower the need (scoring/need.py)
    "doors": NEEDS,  # ... as a share of the district's doors
    "canvass_sessions": ACTIVITY,
    "rsvps": ACTIVITY,
    "commitments": ACTIVITY,
}
PENDING = "turfmap_versions_pending"
DELTAS = "turfmap_versions_deltas"
# PostgreSQL refuses a NOTIFY payload of 8,000 bytes or more; past this the deltas
# are left out and the listeners rebuild instead (a transaction of many writes).
MAX_NOTICE_BYTES = 7000

Changes = dict[str, tuple[int, int]]  # kind -> (version before, version after)
# ("commit", set slug, code, day ISO) or ("book", set slug, code, day ISO, session id)
Delta = tuple
Listener = Callable[[Changes, tuple[Delta, ...]], object]


def read(session: Session) -> dict[str, int]:
    """{kind: version}; a kind never written reads 0."""
    found = dict(session.execute(select(StateVersion.name, StateVersion.version)).all())
    return {kind: found.get(kind, 0) for kind in KINDS}


def bump(session: Session, kinds) -> None:
    """Move the versions of ``kinds`` on, inside the session's transaction, and
    note in the session from what to what."""
    pending: Changes = session.info.setdefault(PENDING, {})
    for kind in sorted(set(kinds)):  # always the same lock order on PostgreSQL
        new = (
            session.connection()
            .execute(
                update(StateVersion)
                .where(StateVersion.name == kind)
                .values(version=StateVersion.version + 1)
                .returning(StateVersion.version)
            )
            .scalar()
        )
        if new is not None:
            pending[kind] = (pending[kind][0] if kind in pending else new - 1, new)


def describe(session: Session, delta: Delta) -> None:
    """Say what a write just flushed did, in terms a need board can apply (see
    NeedBoard.apply): sent with the transaction's news when it commits."""
    session.info.setdefault(DELTAS, []).append(tuple(delta))


def notice(changes: Changes, deltas) -> str:
    """The NOTIFY payload for a commit; the deltas are left out when too long.

    >>> notice({"activity": (4, 5)}, [("commit", "mtl", "11", "2026-12-04")])
    '{"moved": {"activity": [4, 5]}, "deltas": [["commit", "mtl", "11", "2026-12-04"]]}'
    """
    payload = json.dumps({"moved": changes, "deltas": list(deltas)})
    if len(payload.encode()) > MAX_NOTICE_BYTES:
        payload = json.dumps({"moved": changes, "deltas": []})
    return payload


def read_notice(payload: str) -> tuple[Changes, tuple[Delta, ...]]:
    """
    >>> read_notice('{"moved": {"activity": [4, 6]}, "deltas": [["book", "mtl", "11", "x", 3]]}')
    ({'activity': (4, 6)}, (('book', 'mtl', '11', 'x', 3),))
    """
    data = json.loads(payload)
    changes = {kind: (int(before), int(after)) for kind, (before, after) in data["moved"].items()}
    return changes, tuple(tuple(delta) for delta in data.get("deltas", []))


def install(sessions: sessionmaker, listeners: list[Listener], channel: str | None = None) -> None:
    """Make every session of ``sessions`` bump the versions of what it writes, and
    tell ``listeners`` after each commit that moved any; with a ``channel``
    (PostgreSQL), NOTIFY it too, for other processes."""
    event.listen(sessions, "after_flush", _after_flush)
    event.listen(sessions, "do_orm_execute", _after_bulk)

    # SQLAlchemy calls both hooks when a savepoint (begin_nested) is released too:
    # only the outermost commit makes the writes visible, so only it tells anyone.
    def before_commit(session: Session) -> None:
        if channel is None or session.in_nested_transaction():
            return
        # The commit's own last flush comes after this hook: flush first, so the
        # news covers every write of the transaction.
        session.flush()
        changes = session.info.get(PENDING)
        if changes:
            payload = notice(changes, session.info.get(DELTAS, ()))
            session.connection().execute(select(func.pg_notify(channel, payload)))

    def after_commit(session: Session) -> None:
        if session.in_nested_transaction():
            return
        changes = session.info.pop(PENDING, {})
        deltas = tuple(session.info.pop(DELTAS, ()))
        if changes:
            for listener in listeners:
                listener(changes, deltas)

    def after_rollback(session: Session) -> None:
        if session.in_nested_transaction():
            # A savepoint undone: the transaction goes on. A bump it held may be
            # reported later though undone, which costs a listener one rebuild.
            return
        session.info.pop(PENDING, None)
        session.info.pop(DELTAS, None)

    event.listen(sessions, "before_commit", before_commit)
    event.listen(sessions, "after_commit", after_commit)
    event.listen(sessions, "after_rollback", after_rollback)


def _after_flush(session: Session, _context) -> None:
    written = session.new | session.dirty | session.deleted
    bump(session, {_kind(obj) for obj in written} - {None})


def _after_bulk(state):
    if not (state.is_update or state.is_delete or state.is_insert) or state.bind_mapper is None:
        return None
    result = state.invoke_statement()
    kind = KIND_OF_TABLE.get(state.bind_mapper.local_table.name)
    if kind is not None:
        bump(state.session, [kind])
    return result


def _kind(obj) -> str | None:
    table = getattr(obj, "__table__", None)
    return None if table is None else KIND_OF_TABLE.get(table.name)
