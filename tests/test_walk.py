"""Handing turfs out and walking them (issue 20, parts 5-9), on Rutland's real doors
and streets, both backends: a session's turfs claimed by a volunteer with a place,
a link that grants its own turf only and nothing after it expires, outcomes stored
once each whatever the retries, corrections audited, a CSV export that no
spreadsheet runs, a walk sheet, and the need falling as doors are knocked."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from tests.conftest import Cli, make_app, services_of
from tests.doorstep import RUTLAND, SET, load_doorstep
from tests.workspace import PASSWORD, any_token, token
from turfmap.coordination import canvass
from turfmap.store.models import AuditEvent
from turfmap.store.turf_models import (
    CanvassProgress,
    Door,
    DoorOutcome,
    Turf,
    TurfDoor,
    WalkLink,
)

COORDINATOR, OUTSIDER = "rutland@x.org", "aberdeen@x.org"


@pytest.fixture(scope="module")
def world(backend, tmp_path_factory):
    directory = tmp_path_factory.mktemp("walk")
    app = make_app(backend, directory, TURFMAP_TILES=None)
    cli = Cli(app)
    load_doorstep(cli, directory)
    cli.ok("users", "create", COORDINATOR, "--role", "coordinator", "--region",
           f"{SET}:{RUTLAND}", "--password", PASSWORD)  # fmt: skip
    cli.ok("users", "create", OUTSIDER, "--role", "coordinator", "--region",
           f"{SET}:S14000061", "--password", PASSWORD)  # fmt: skip
    cli.ok("turfs", "cut", "--set", SET, "--district", RUTLAND)
    day = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%d")
    sessions = directory / "sessions.csv"
    sessions.write_text(  # the meeting point: Oakham's market place
        "title,starts,ends,lat,lon,capacity,contact\n"
        f"Oakham doors,{day} 10:00,{day} 13:00,52.6703,-0.7276,10,https://example.org/o\n"
    )
    cli.ok("import", "sessions", sessions, "--set", SET, "--approve", "--commit")
    needs = directory / "needs.csv"
    needs.write_text(f"code,need,reason,expires\n{RUTLAND},80,A close fight this time,\n")
    cli.ok("import", "needs", needs, "--set", SET, "--commit")
    yield app
    services_of(app).db.dispose()


def sign_in(app, email):
    client = app.test_client()
    page = client.get("/admin/login").get_data(as_text=True)
    form = {"email": email, "password": PASSWORD, "csrf_token": token(page)}
    answer = client.post("/admin/login", data=form)
    assert answer.status_code == 302
    return client


def turfs(app) -> list[Turf]:
    with services_of(app).db.session() as session:
        return session.scalars(select(Turf).where(Turf.district_code == RUTLAND)
                               .order_by(Turf.number)).all()  # fmt: skip


def session_id(app) -> int:
    from turfmap.store.models import CanvassSession

    with services_of(app).db.session() as session:
        return session.scalar(select(CanvassSession.id))


def stored_outcomes(app) -> int:
    with services_of(app).db.session() as session:
        return session.scalar(select(func.count()).select_from(DoorOutcome))


def claim_turf(app, contact="vol@example.org"):
    """A place at the session, then a turf from the session page: the walk's link."""
    client = app.test_client()
    sid = session_id(app)
    page = client.get(f"/s/{sid}").get_data(as_text=True)
    client.post(f"/s/{sid}", data={"name": "Vol", "contact": contact, "csrf_token": token(page)})
    page = client.get(f"/s/{sid}").get_data(as_text=True)
    answer = client.post(f"/s/{sid}/turf", data={"contact": contact, "csrf_token": token(page)})
    return client, answer


def test_coordinator_hands_turfs_to_a_session_and_a_volunteer_claims_one(world):
    coordinator = sign_in(world, COORDINATOR)
    page = coordinator.get(f"/admin/turfs/{SET}/{RUTLAND}")
    assert page.status_code == 200 and "Oakham doors" in page.get_data(as_text=True)
    first, second = turfs(world)[:2]
    for turf in (first, second):
        form = {"session_id": session_id(world), "csrf_token": any_token(coordinator)}
        answer = coordinator.post(f"/admin/turfs/{turf.id}/assign", data=form)
        assert answer.status_code == 302
    assert [t.status for t in turfs(world)[:2]] == ["assigned", "assigned"]
    # A turf given to a session is walked from its meeting point (Oakham's market place).
    start = turfs(world)[0].route.coords[0]
    assert abs(start[0] - -0.7276) < 0.003 and abs(start[1] - 52.6703) < 0.002
    outsider = sign_in(world, OUTSIDER)
    refused = outsider.post(f"/admin/turfs/{first.id}/assign",
                            data={"session_id": "", "csrf_token": any_token(outsider)})  # fmt: skip
    assert refused.status_code == 403
    # Nobody without a place at the session gets a turf.
    stranger = world.test_client()
    page = stranger.get(f"/s/{session_id(world)}").get_data(as_text=True)
    assert "2 of this session's turfs are free" in page
    form = {"contact": "nobody@example.org", "csrf_token": token(page)}
    answer = stranger.post(f"/s/{session_id(world)}/turf", data=form)
    assert answer.status_code == 403 and "only someone with a place" in answer.get_data(
        as_text=True
    )
    _, answer = claim_turf(world)
    assert answer.status_code == 302 and answer.location.startswith("/walk/")
    _, again = claim_turf(world)  # the same volunteer: the same turf, a fresh link
    with services_of(world).db.session() as session:
        claimed = select(WalkLink.turf_id).where(WalkLink.rsvp_id.is_not(None))
        held = session.scalars(claimed).all()
    assert len(held) == 2 and len(set(held)) == 1
    assert again.location != answer.location


def walk_link(world, turf_id=None, *, days=1.0, now=None) -> str:
    with services_of(world).db.transaction() as session:
        turf = session.get(Turf, turf_id or turfs(world)[2].id)
        token_, _ = canvass.issue_link(
            session, turf, by="test", now=now or datetime.now(UTC), days=days
        )
    return token_


def outcome(door, kind="spoke", **extra):
    return {"id": str(uuid.uuid4()), "door": door, "outcome": kind,
            "at": datetime.now(UTC).isoformat(), **extra}  # fmt: skip


def test_a_walk_link_grants_its_turf_and_stores_each_outcome_once(world):
    client = world.test_client()
    link = walk_link(world)
    data = client.get(f"/walk/{link}/turf.json").get_json()
    doors = [d["id"] for d in data["doors"]]
    assert data["turf"]["number"] == turfs(world)[2].number and len(doors) == data["turf"]["doors"]
    assert [d["n"] for d in data["doors"]] == list(range(1, len(doors) + 1))
    batch = [
        outcome(d, "not_in" if i % 2 else "spoke", support=3) for i, d in enumerate(doors[:10])
    ]
    before = stored_outcomes(world)
    first = client.post(f"/walk/{link}/outcomes", json={"outcomes": batch})
    assert first.status_code == 200 and len(first.get_json()["stored"]) == 10
    retry = client.post(f"/walk/{link}/outcomes", json={"outcomes": batch})  # the phone retries
    assert retry.get_json() == {"stored": [], "already": sorted(o["id"] for o in batch)}
    assert stored_outcomes(world) == before + 10
    with services_of(world).db.session() as session:
        logged = session.scalars(select(AuditEvent).where(AuditEvent.action == "outcomes.record"))
        assert [e.detail["stored"] for e in logged][-1] == 10  # the retry wrote nothing
    other = next(t for t in turfs(world) if t.id != turfs(world)[2].id)
    with services_of(world).db.session() as session:
        foreign = session.scalar(select(TurfDoor.door_id).where(TurfDoor.turf_id == other.id))
    refused = client.post(f"/walk/{link}/outcomes", json={"outcomes": [outcome(foreign)]})
    assert refused.status_code == 400 and "is not a door of this turf" in refused.get_data(
        as_text=True
    )
    assert client.get(f"/walk/{link}x/turf.json").status_code == 404
    page = client.get(f"/walk/{link}")
    assert page.status_code == 200 and "Doors in walking order" in page.get_data(as_text=True)
    sheet = client.get(f"/walk/{link}/sheet.pdf")
    assert sheet.status_code == 200 and sheet.data.startswith(b"%PDF")


def test_the_same_outcomes_sent_twice_at_once_are_stored_once(world):
    """A phone back online can fire its upload twice; the two requests race. Each
    answers 200, and every outcome is stored exactly once (on PostGIS the second
    once collided with the first's rows: a 500 and a walk page stuck waiting)."""
    link = walk_link(world)
    doors = [
        d["id"] for d in world.test_client().get(f"/walk/{link}/turf.json").get_json()["doors"]
    ]
    before = stored_outcomes(world)
    for round_ in range(5):
        batch = [outcome(d, "not_in") for d in doors[round_ * 2 : round_ * 2 + 2]]
        ready, answers = threading.Barrier(2), []

        def send(batch=batch, ready=ready, answers=answers):
            client = world.test_client()
            ready.wait()
            answer = client.post(f"/walk/{link}/outcomes", json={"outcomes": batch})
            answers.append((answer.status_code, answer.get_json()))

        senders = [threading.Thread(target=send) for _ in range(2)]
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join()
        assert [status for status, _ in answers] == [200, 200], answers
        stored = [i for _, body in answers for i in body["stored"]]
        assert sorted(stored) == sorted(o["id"] for o in batch)  # once, by one of them
    assert stored_outcomes(world) == before + 10


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"id": "not-a-uuid"}, "is not an id made by the walk page"),
        ({"outcome": "bribed"}, "is not one of spoke, not_in, moved, refused, come_back"),
        ({"support": 7}, "is not a whole number from 1 to 5"),
        ({"door": "12"}, "is not a door of this turf"),
        ({"at": "yesterday"}, "is not a time"),
        ({"at": "2020-01-01T10:00:00+00:00"}, "is not within the last 30 days"),
    ],
)
def test_bad_outcomes_are_refused_whole_and_named(world, change, message):
    client = world.test_client()
    link = walk_link(world)
    doors = [d["id"] for d in client.get(f"/walk/{link}/turf.json").get_json()["doors"]]
    before = stored_outcomes(world)
    batch = [outcome(doors[0]), outcome(doors[1]) | change]
    answer = client.post(f"/walk/{link}/outcomes", json={"outcomes": batch})
    assert answer.status_code == 400 and message in answer.get_data(as_text=True)
    assert "outcomes[1]" in answer.get_data(as_text=True)
    assert stored_outcomes(world) == before
    assert client.post(f"/walk/{link}/outcomes", data="x").status_code == 400


def test_an_expired_link_opens_nothing_and_takes_nothing(world):
    client = world.test_client()
    link = walk_link(world, days=1, now=datetime.now(UTC) - timedelta(days=2))
    for answer in (client.get(f"/walk/{link}"), client.get(f"/walk/{link}/turf.json"),
                   client.post(f"/walk/{link}/outcomes", json={"outcomes": []})):  # fmt: skip
        assert answer.status_code == 410 and "expired" in answer.get_data(as_text=True)


def test_doors_knocked_lower_the_need_and_coordinators_see_and_correct_them(world):
    with world.app_context():
        board = services_of(world).board
        before = board.get().summary(SET, RUTLAND)["remaining"]
    client = world.test_client()
    link = walk_link(world, turfs(world)[5].id)
    doors = [d["id"] for d in client.get(f"/walk/{link}/turf.json").get_json()["doors"]]
    client.post(f"/walk/{link}/outcomes", json={"outcomes": [outcome(d) for d in doors]})
    with services_of(world).db.session() as session:
        knocked = session.scalar(select(func.sum(CanvassProgress.doors)))
        status = session.get(Turf, turfs(world)[5].id).status
    assert knocked >= len(doors) and status == "done"
    with world.app_context():
        after = board.get().summary(SET, RUTLAND)
    assert after["remaining"] < before
    assert "of its doors were knocked in the last 28 days" in after["reason"]
    coordinator = sign_in(world, COORDINATOR)
    with services_of(world).db.transaction() as session:  # an address a spreadsheet would run
        session.execute(update(Door).where(Door.id == doors[0]).values(address="=HYPERLINK(1)"))
    csv_text = coordinator.get(f"/admin/turfs/{SET}/{RUTLAND}/outcomes.csv").get_data(as_text=True)
    assert "'=HYPERLINK(1)" in csv_text and ",=HYPERLINK" not in csv_text
    with services_of(world).db.session() as session:
        target = session.scalar(select(DoorOutcome.id).where(DoorOutcome.door_id == doors[0]))
    form = {"outcome": "moved", "support": "", "csrf_token": any_token(coordinator)}
    fixed = coordinator.post(f"/admin/outcomes/{target}/correct", data=form)
    assert fixed.status_code == 302
    with services_of(world).db.session() as session:
        row = session.get(DoorOutcome, target)
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "outcome.correct")
        ).one()
    assert (row.outcome, row.corrected_by) == ("moved", COORDINATOR)
    assert (
        event.detail["before"]["outcome"] == "spoke" and event.detail["after"]["outcome"] == "moved"
    )
    page = coordinator.get(f"/admin/turfs/{SET}/{RUTLAND}").get_data(as_text=True)
    assert "<td>done" in page and "Latest outcomes" in page
    csv_text = coordinator.get(f"/admin/turfs/{SET}/{RUTLAND}/outcomes.csv").get_data(as_text=True)
    assert f",moved,,{row.recorded_at.isoformat()},{COORDINATOR},{target}" in csv_text


def test_a_door_knocked_offline_yesterday_counts_for_yesterday(world):
    from zoneinfo import ZoneInfo

    client = world.test_client()
    link = walk_link(world, turfs(world)[7].id)
    door = client.get(f"/walk/{link}/turf.json").get_json()["doors"][0]["id"]
    yesterday = datetime.now(UTC) - timedelta(days=1)
    item = outcome(door) | {"at": yesterday.isoformat()}
    assert client.post(f"/walk/{link}/outcomes", json={"outcomes": [item]}).status_code == 200
    again = outcome(door) | {"at": (yesterday + timedelta(minutes=5)).isoformat()}
    client.post(f"/walk/{link}/outcomes", json={"outcomes": [again]})  # same door, same day
    day = yesterday.astimezone(ZoneInfo(world.config["TURFMAP_TIMEZONE"])).date()
    with services_of(world).db.session() as session:
        row = session.get(CanvassProgress, (turfs(world)[7].set_id, RUTLAND, day))
    assert row is not None and row.doors == 1
