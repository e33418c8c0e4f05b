"""Switching a set to another generation of its lines, reviewed first (issue 21).

Before anything changes, the review says what the public will see and what moves:
how many districts have real, notional or no results; the coordinators' needs in
force, carried (code and outline unchanged: nothing to do), mapped (to the new
district that holds most of the old one, at least MAPPED_SHARE of it, through the
crosswalk) or left for review; the upcoming sessions, re-homed to the district
that contains their meeting point (their RSVPs go with them); and the
commitments made for today or later to districts the new lines do not have. It
refuses while districts would have no results at all where the lines in use had
some, unless forced.

Nothing is destroyed, so switching back restores what the public saw: results
belong to their generation, a mapped need is a new statement on the new code
(the old statement stays on the old one), and sessions are re-homed by their
meeting point under whichever generation is switched on. Sets under this one
(wards under seats) have their districts re-attached to the new lines the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import shapely
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from turfmap.coordination import audit
from turfmap.errors import Conflict, shown
from turfmap.pipeline.parents import best_parents
from turfmap.store import generations, queries
from turfmap.store.models import (
    BoundarySet,
    CanvassSession,
    Commitment,
    CrosswalkShare,
    District,
    ElectionResult,
    Generation,
    Need,
    Rsvp,
)

MAPPED_SHARE = 0.5  # a need follows its district only where most of it went one way
SHOWN = 10  # codes named in a line of the review before "..."


@dataclass
class SwitchReview:
    set_slug: str
    current: int | None  # the generation in use, if any
    target: int
    results: dict[str, int]  # real | notional | none -> districts
    without_results: list[str]
    needs_carried: list[str] = field(default_factory=list)  # codes
    needs_mapped: list[tuple[str, str, float]] = field(default_factory=list)  # old, new, share
    needs_review: list[tuple[str, str]] = field(default_factory=list)  # old code, why
    needs_staying: int = 0  # back to older lines: needs stay on the lines left, for their return
    sessions_moved: list[tuple[int, str, str]] = field(default_factory=list)  # id, old, new
    sessions_outside: list[tuple[int, str]] = field(default_factory=list)  # id, old code
    rsvps_kept: int = 0
    commitments_stranded: int = 0
    # Sets under this one (wards under seats): {slug: {district id: new parent code}}
    new_parents: dict[str, dict[int, str | None]] = field(default_factory=dict)
    children_counted: dict[str, int] = field(default_factory=dict)  # slug -> districts

    had_results: bool = False  # the generation in use has some (real or notional)

    @property
    def blocked(self) -> bool:
        """Switching would leave districts that had results with none: a set's first
        generation, or lines that never had results (wards kept for turfs), are not
        refused, since the public sees nothing less than before."""
        changing = self.current is not None and self.current != self.target
        return changing and self.had_results and bool(self.without_results)

    def lines(self) -> list[str]:
        r = self.results
        lines = [
            f"{self.set_slug}: generation {self.current} -> {self.target}"
            if self.current
            else f"{self.set_slug}: generation {self.target} (none active yet)",
            f"districts the public will see: {r['real']} with real results, {r['notional']} "
            f"with notional results, {r['none']} with none" + _named(self.without_results),
            f"coordinators' needs in force: {len(self.needs_carried)} carried (code and "
            f"outline unchanged), {len(self.needs_mapped)} mapped to the district that holds "
            f"most of the old one, {len(self.needs_review)} to review"
            + _named([f"{code} ({why})" for code, why in self.needs_review])
            + (
                f"; {self.needs_staying} stay with the lines being left, for if they return"
                if self.needs_staying
                else ""
            ),
            f"upcoming sessions: {len(self.sessions_moved)} re-homed to the district holding "
            f"their meeting point, {len(self.sessions_outside)} outside every district"
            + _named([f"session {i} in {code}" for i, code in self.sessions_outside])
            + f"; {self.rsvps_kept} RSVPs kept with their sessions",
            f"commitments for today or later to districts these lines do not have: "
            f"{self.commitments_stranded} (kept, counted again only if switched back)",
        ]
        for slug, moved in sorted(self.new_parents.items()):
            lines.append(
                f"districts of {slug} (under this set): {len(moved)} of "
                f"{self.children_counted[slug]} get the parent they now lie in"
            )
        return lines


def _named(items: list[str]) -> str:
    if not items:
        return ""
    return ": " + ", ".join(items[:SHOWN]) + (", ..." if len(items) > SHOWN else "")


def review_switch(session: Session, set_slug: str, number: int | None, today: date):
    """(the generation to switch to, the review of switching to it)."""
    boundary_set = queries.get_set(session, set_slug)
    target = generations.generation_of(session, boundary_set, number)
    current = queries.active_generation(session, boundary_set.id)
    codes = {d.code: d for d in _districts(session, target.id)}
    review = SwitchReview(
        set_slug,
        current.number if current else None,
        target.number,
        *_results(session, target, codes),
    )
    if current is not None and current.id != target.id:
        review.had_results = (
            session.scalar(
                select(func.count())
                .select_from(ElectionResult)
                .where(ElectionResult.generation_id == current.id)
            )
            > 0
        )
        _review_needs(session, boundary_set.id, current, target, codes, today, review)
        review.commitments_stranded = session.scalar(
            select(func.count())
            .select_from(Commitment)
            .where(
                Commitment.set_id == boundary_set.id,
                Commitment.day >= today,
                Commitment.district_code.not_in(list(codes)),
            )
        )
    _review_sessions(session, boundary_set.id, codes, review)
    _review_children(session, boundary_set.id, codes, review)
    return target, review


def switch(session: Session, actor: str, set_slug: str, number, today: date, *, force=False):
    """Review, then (unless it is refused) switch and carry what moves, in the
    caller's transaction, audited. Returns (generation, review)."""
    target, review = review_switch(session, set_slug, number, today)
    if review.blocked and not force:
        raise Conflict(
            f"generation {target.number} of {shown(set_slug)} would show "
            f"{len(review.without_results)} districts with no results, real or notional"
            f"{_named(review.without_results)}; import results for it first (turfmap import "
            "results ... --generation N), or switch with --force"
        )
    previous = [g.number for g in generations.generations(session, set_slug) if g.active]
    generations.activate(session, set_slug, target.number)
    boundary_set = queries.get_set(session, set_slug)
    _carry_needs(session, boundary_set.id, actor, review, today)
    moved = {i: new for i, _, new in review.sessions_moved}
    for item in session.scalars(select(CanvassSession).where(CanvassSession.id.in_(list(moved)))):
        item.district_code = moved[item.id]
    for parents in review.new_parents.values():
        for district in session.scalars(select(District).where(District.id.in_(list(parents)))):
            district.parent_code = parents[district.id]
    audit.record(
        session,
        actor,
        "generation.activate",
        set_slug,
        old=previous[0] if previous else None,
        new=target.number,
        review=review.lines(),
        needs_review=review.needs_review,
        sessions_outside=review.sessions_outside,
        forced=bool(force and review.blocked),
    )
    session.flush()
    return target, review


def _districts(session: Session, generation_id: int) -> list[District]:
    return list(session.scalars(select(District).where(District.generation_id == generation_id)))


def _results(session, target: Generation, codes) -> tuple[dict[str, int], list[str]]:
    rows = session.execute(
        select(ElectionResult.district_code, ElectionResult.notional_from).where(
            ElectionResult.generation_id == target.id
        )
    ).all()
    real = {code for code, notional in rows if notional is None}
    notional = {code for code, notional in rows if notional is not None} - real
    without = sorted(set(codes) - real - notional)
    counts = {"real": len(real & set(codes)), "notional": len(notional & set(codes))}
    return counts | {"none": len(without)}, without


def _review_needs(session, set_id, current, target, codes, today, review: SwitchReview) -> None:
    """Where each coordinator need in force on the current lines goes."""
    in_force = queries.current_needs(session, set_id, today)
    # Only their areas: the old outlines themselves are not needed here.
    old_areas = dict(
        session.execute(
            select(District.code, District.area_m2).where(District.generation_id == current.id)
        ).all()
    )
    shares = session.scalars(
        select(CrosswalkShare).where(
            CrosswalkShare.to_generation_id == target.id,
            CrosswalkShare.from_generation_id == current.id,
        )
    ).all()
    status = {s.new_code: s.status for s in shares}
    for code in sorted(in_force):
        if code not in old_areas:
            continue  # a need on other lines: not this switch's to move
        if not shares and code not in codes:
            review.needs_staying += 1  # no crosswalk this way: back to lines that had theirs
            continue
        if code in codes and status.get(code, "same") == "same":
            review.needs_carried.append(code)
            continue
        if code in codes:
            review.needs_review.append((code, "the code is kept but its outline changed"))
            continue
        home, share = _main_successor(code, shares, codes, old_areas[code])
        if home is None or share < MAPPED_SHARE:
            review.needs_review.append((code, "split between new districts"))
        elif home in in_force:  # prepared for the new lines: the coordinator's newer word
            review.needs_review.append((code, f"{home} has a need of its own already"))
        else:
            review.needs_mapped.append((code, home, share))


def _main_successor(old_code, shares, codes, old_area) -> tuple[str | None, float]:
    """The new district holding the largest part of an old one, and that part's
    share of the old district's area."""
    best, part = None, 0.0
    for s in shares:
        if s.old_code == old_code and s.new_code in codes:
            overlap = s.area_share * codes[s.new_code].area_m2
            if overlap > part:
                best, part = s.new_code, overlap
    return best, part / old_area if old_area else 0.0


def _review_sessions(session, set_id, codes, review: SwitchReview) -> None:
    upcoming = session.scalars(
        select(CanvassSession).where(
            CanvassSession.set_id == set_id, CanvassSession.ends_at >= datetime.now(UTC)
        )
    ).all()
    if not upcoming:
        return
    districts = list(codes.values())
    tree = shapely.STRtree([d.geometry for d in districts])
    for item in upcoming:
        found = tree.query(shapely.Point(item.lon, item.lat), predicate="within")
        if len(found) == 0:
            review.sessions_outside.append((item.id, item.district_code))
        elif districts[found[0]].code != item.district_code:
            review.sessions_moved.append((item.id, item.district_code, districts[found[0]].code))
    ids = [i for i, _, _ in review.sessions_moved]
    if ids:
        review.rsvps_kept = session.scalar(
            select(func.count()).select_from(Rsvp).where(Rsvp.session_id.in_(ids))
        )


def _review_children(session, set_id, codes, review: SwitchReview) -> None:
    """Each set under this one (wards under seats): its districts in use, re-attached
    to the new district each lies in most (the rule a ward import follows), so that
    switching back re-attaches them to the old ones."""
    children = session.scalars(select(BoundarySet).where(BoundarySet.parent_set_id == set_id))
    parents = list(codes.values())
    for child in children:
        lines = queries.active_generation(session, child.id)
        if lines is None:
            continue
        districts = _districts(session, lines.id)
        rows, _ = best_parents([d.geometry for d in districts], [p.geometry for p in parents])
        found = [None if row is None else parents[row].code for row in rows]
        review.children_counted[child.slug] = len(districts)
        review.new_parents[child.slug] = {
            d.id: code for d, code in zip(districts, found, strict=True) if d.parent_code != code
        }


def _carry_needs(session, set_id, actor: str, review: SwitchReview, today: date) -> None:
    """A mapped need becomes a statement on its new district (the old one stays on
    the old code); where two old districts map to one new one, the larger part wins."""
    in_force = queries.current_needs(session, set_id, today)
    best: dict[str, tuple[str, float]] = {}
    for old, new, share in review.needs_mapped:
        if new not in best or share > best[new][1]:
            best[new] = (old, share)
    for new, (old, share) in sorted(best.items()):
        need = in_force[old]
        session.add(
            Need(
                set_id=set_id,
                district_code=new,
                score=need.score,
                source="coordinator",
                reason=f"{need.reason} (carried at the boundary change from {old}, "
                f"{share:.0%} of which is in this district)",
                author=f"{need.author} (carried by {actor})",
                expires_on=need.expires_on,
            )
        )
