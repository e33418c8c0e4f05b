"""Cutting turfs (issue 20, parts 3 and 9) on the two real cases, both backends:
Rutland's OSM buildings along its streets, and Aberdeen's postcodes with no
streets (the street-blind fallback)."""

from __future__ import annotations

import csv

import numpy as np
import pytest
import shapely
from sqlalchemy import select

from tests.conftest import UK, Cli, make_app, services_of, snapshot
from tests.doorstep import ABERDEEN, RUTLAND, SET, load_doorstep
from turfmap.store.models import AuditEvent
from turfmap.store.turf_models import Door, Turf, TurfDoor


@pytest.fixture(scope="module")
def cut(backend, tmp_path_factory):
    """Rutland cut into turfs of 80 along its streets; Aberdeen's postcodes as doors."""
    directory = tmp_path_factory.mktemp("doorstep")
    app = make_app(backend, directory)
    cli = Cli(app)
    load_doorstep(cli, directory)
    postcodes = directory / "postcodes.csv"
    with open(UK / "onspd_sample_aberdeen_postcodes.csv", newline="") as source:
        rows = csv.DictReader(source)
        wanted = [r["pcds"] for r in rows if not r["doterm"] and r["pcon"] == ABERDEEN[1]]
    postcodes.write_text("postcode\n" + "".join(f"{code}\n" for code in wanted))
    cli.ok("import", "doors", postcodes, "--set", SET, "--commit")
    reports = {
        RUTLAND: cli.ok("turfs", "cut", "--set", SET, "--district", RUTLAND, "--doors", 80),
        ABERDEEN[1]: cli.ok("turfs", "cut", "--set", SET, "--district", ABERDEEN[1]),
    }
    yield app, cli, reports
    services_of(app).db.dispose()


def turfs_of(app, code):
    with services_of(app).db.session() as session:
        turfs = session.scalars(select(Turf).where(Turf.district_code == code)).all()
        members = {
            t.id: session.scalars(
                select(TurfDoor.door_id).where(TurfDoor.turf_id == t.id).order_by(TurfDoor.position)
            ).all()
            for t in turfs
        }
        doors = session.scalars(select(Door.id).where(Door.district_code == code)).all()
    return turfs, members, doors


@pytest.mark.parametrize("code", [RUTLAND, ABERDEEN[1]])
def test_every_door_in_exactly_one_turf_of_about_the_target(cut, code):
    app, _, _ = cut
    turfs, members, doors = turfs_of(app, code)
    assert sorted(d for ids in members.values() for d in ids) == sorted(doors)
    for turf in turfs:
        assert 64 <= turf.door_count <= 96, turf.door_count  # within ±20% of 80
        assert turf.door_count == len(members[turf.id])
    assert [t.number for t in sorted(turfs, key=lambda t: t.number)] == list(
        range(1, len(turfs) + 1)
    )


@pytest.mark.parametrize("code", [RUTLAND, ABERDEEN[1]])
def test_outlines_hold_their_doors_inside_the_district_without_overlapping(cut, code):
    app, _, _ = cut
    turfs, members, _ = turfs_of(app, code)
    with services_of(app).db.session() as session:
        position = {d.id: shapely.Point(d.lon, d.lat) for d in session.scalars(select(Door))}
    outlines = [t.geometry for t in turfs]
    for a in range(len(outlines)):
        for b in range(a + 1, len(outlines)):
            assert outlines[a].intersection(outlines[b]).area < 1e-12  # degrees²: ~0.01 m²
    spots: dict[tuple, set] = {}
    for turf in turfs:
        for d in members[turf.id]:
            spots.setdefault((position[d].x, position[d].y), set()).add(turf.id)
    for turf in turfs:
        outside = [
            d for d in members[turf.id] if not turf.geometry.buffer(1e-6).contains(position[d])
        ]
        # Only a door at the very spot of another turf's door (two postcodes sharing a
        # grid reference) can lie in the other's outline.
        assert all(len(spots[(position[d].x, position[d].y)]) > 1 for d in outside), outside


def test_rutland_follows_the_streets_and_aberdeen_says_it_is_street_blind(cut):
    app, _, reports = cut
    assert "along the streets" in reports[RUTLAND] and "street-blind" not in reports[RUTLAND]
    assert "street-blind: no street network covers the district" in reports[ABERDEEN[1]]
    rutland, _, _ = turfs_of(app, RUTLAND)
    assert all(not t.street_blind and t.route is not None for t in rutland)
    assert all(t.minutes_estimate > t.door_count * 1.5 for t in rutland)  # walking + doors
    aberdeen, _, _ = turfs_of(app, ABERDEEN[1])
    assert all(t.street_blind for t in aberdeen)


def test_the_walking_order_is_a_route_along_streets_from_door_to_door(cut):
    app, _, _ = cut
    turfs, members, _ = turfs_of(app, RUTLAND)
    with services_of(app).db.session() as session:
        position = {d.id: (d.lon, d.lat) for d in session.scalars(select(Door))}
    turf = min(turfs, key=lambda t: t.route_metres)
    route = turf.route
    doors = [shapely.Point(position[d]) for d in members[turf.id]]
    # The route passes each door's street within ~150 m, and visits them in order.
    along = [route.project(p) for p in doors]
    assert max(route.distance(p) for p in doors) < 0.002
    assert sum(b >= a - 1e-4 for a, b in zip(along, along[1:], strict=False)) >= 0.8 * len(along)


def test_cutting_again_replaces_unassigned_turfs_and_is_audited(cut):
    app, cli, _ = cut
    before, _, _ = turfs_of(app, ABERDEEN[1])
    report = cli.ok("turfs", "cut", "--set", SET, "--district", ABERDEEN[1], "--doors", 100)
    after, _, _ = turfs_of(app, ABERDEEN[1])
    assert f"{len(before)} unassigned turf(s) replaced" in report
    assert all(80 <= t.door_count <= 120 for t in after)
    with services_of(app).db.session() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "turfs.cut")).all()
    assert len(events) >= 3 and events[-1].detail["doors_target"] == 100


def test_bad_cut_requests_are_refused_and_change_nothing(cut):
    app, cli, _ = cut
    before = snapshot(app)
    for args, message in [
        (["--district", "E14000001"], "no district 'E14000001' in the active generation"),
        (["--district", RUTLAND, "--doors", "3"], "a turf holds 10 to 500 doors"),
        (["--district", ABERDEEN[0]], "S14000060 has no doors to cut"),
    ]:
        result = cli("turfs", "cut", "--set", SET, *args)
        assert result.exit_code != 0 and message in result.output, result.output
    assert snapshot(app) == before


def test_turfs_part_at_major_roads_railways_and_rivers_rather_than_along_streets():
    """Issue 20.3: a turf should not cross a trunk or primary road, railway or river
    where the streets allow. On Rutland's real streets, against a balanced
    street-blind cut of the same street segments (recursive bisection): turfmap's
    turfs separate far fewer neighbours on ordinary streets, and the borders it does
    draw fall on major roads, railways, rivers and gaps in the network (the
    weakest links) half as often again."""
    from bench.bench_turfs import PBF, inside, rutland_streets, seat
    from turfmap.pipeline.osm import read_osm_doors
    from turfmap.turf import partition
    from turfmap.turf.network import (
        ACROSS,
        STRONG,
        connect_components,
        local_projection,
        make_units,
        project,
        unit_links,
    )

    district = seat(RUTLAND)
    lonlat = inside(district, np.array([(d.lon, d.lat) for d in read_osm_doors(PBF)]))
    centre = district.representative_point()
    forward, _ = local_projection(centre.x, centre.y)
    xy = shapely.get_coordinates(project(shapely.points(lonlat), forward))
    network = rutland_streets().network(forward)
    edges, offsets, _ = network.snap(shapely.points(xy))
    units = make_units(edges, offsets, 10)
    links = unit_links(network, units)
    centres = np.array([xy[u.doors].mean(axis=0) for u in units])
    connect_components(units, links, centres)
    weights = np.array([len(u.doors) for u in units])
    parts = partition.turf_count(len(xy), 80)
    cuts = {
        "turfmap": partition.partition_units(weights, links, parts, 80),
        "street-blind": partition.bisect(centres, weights, parts),
    }
    parted = {
        name: [w for (a, b), w in links.items() if turf[a] != turf[b]]
        for name, turf in cuts.items()
    }
    streets_parted = {name: sum(w == STRONG for w in ws) for name, ws in parted.items()}
    hard_share = {name: sum(w == ACROSS for w in ws) / len(ws) for name, ws in parted.items()}
    assert streets_parted["turfmap"] <= 0.5 * streets_parted["street-blind"], streets_parted
    assert hard_share["turfmap"] >= 1.5 * hard_share["street-blind"], hard_share
