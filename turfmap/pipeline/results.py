"""Election results import: a publisher's file (its layout from turfmap/layouts)
checked row by row against the set's districts, reported, and loaded whole."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import delete

from turfmap.errors import InputError
from turfmap.inputs.csvfile import RowErrors, read_text
from turfmap.inputs.report import ImportReport
from turfmap.layouts import results_layout
from turfmap.scoring.margin import target_view
from turfmap.store.db import Database
from turfmap.store.generations import generation_of
from turfmap.store.models import ElectionResult
from turfmap.store.queries import district_codes, get_set


def import_results(
    db: Database,
    path: Path,
    *,
    set_slug: str,
    target_party: str,
    layout_key: str | None = None,
    election: str | None = None,
    generation: int | None = None,
    commit: bool = False,
) -> ImportReport:
    """Dry run, or with ``commit`` the results of one election for one generation of
    the set's lines (default: the newest, so a new generation can have its results
    before it is switched on), replacing that generation's notional results."""
    path = Path(path)
    report = ImportReport("results", str(path), set_slug)
    text = read_text(path)
    layout = results_layout(layout_key, text[:8000], str(path))
    frame = layout.read(text, str(path))
    missing = [c for c in layout.required_columns if c not in frame.columns]
    if missing:
        raise InputError(
            f"{path}: missing column(s) {missing} of the {layout.key} layout; "
            f"the header on line {layout.header_line} has {list(frame.columns)}"
        )
    frame = frame[frame[layout.code_column].str.strip() != ""]  # trailing blank lines
    if frame.empty:
        raise InputError(f"{path}: the file has no result rows")
    with db.session() as session:
        boundary_set = get_set(session, set_slug)
        lines = generation_of(session, boundary_set, generation)
        known = district_codes(session, lines.id)
    parsed = _parse_rows(frame, layout, path, set_slug, known)
    views = {r.code: target_view(r.votes, r.valid_votes, target_party) for r in parsed}
    if all(r.votes.get(target_party, 0) == 0 for r in parsed):
        parties = sorted({p for r in parsed for p in r.votes})
        raise InputError(
            f"target party {target_party!r} has no votes in {path}; parties: {parties}"
        )
    election = election or layout.election
    if not election:
        raise InputError(
            f"{path}: the file does not say which election it holds; name it with "
            "--election (for example ge2019 or pres2020)"
        )
    _describe(report, layout, election, parsed, views, len(known), target_party)
    report.note(f"for generation {lines.number} ({'active' if lines.active else 'not active'})")
    if commit:
        with db.transaction() as session:
            run = report.record(session)
            replaced = session.execute(
                delete(ElectionResult).where(
                    ElectionResult.generation_id == lines.id,
                    (ElectionResult.election == election)
                    | ElectionResult.notional_from.is_not(None),
                )
            ).rowcount
            if replaced:
                report.note(f"replaced {replaced} earlier or notional results of these lines")
            for r in parsed:
                # Its need is not stored: the need board works it out from the
                # result under the settings in force, for every reader alike.
                session.add(
                    result_row(
                        r,
                        views[r.code],
                        lines=lines,
                        election=election,
                        target_party=target_party,
                        contest=layout.contest_of(election),
                        import_run_id=run.id,
                    )
                )
            run.report = report.render()
    return report


def _parse_rows(frame, layout, path: Path, set_slug: str, known: set[str]) -> list:
    """Every row parsed, or an InputError naming each bad row (line, column, value)."""
    first_line = layout.header_line + 1
    errors, parsed, seen = RowErrors(path), [], {}
    for offset, (_, row) in enumerate(frame.iterrows()):
        line = first_line + offset
        try:
            result = layout.parse_row(row, line)
        except InputError as exc:
            errors.add(exc)
            continue
        if result.code not in known:
            errors.add(
                f"line {line}, column {layout.code_column!r}: {result.code!r} is not a "
                f"district of {set_slug!r}"
            )
        elif result.code in seen:
            errors.add(f"line {line}: {result.code!r} already appeared on line {seen[result.code]}")
        seen.setdefault(result.code, line)
        parsed.append(result)
    errors.raise_if_any()
    return parsed


def _describe(report, layout, election, parsed, views, districts: int, target_party) -> None:
    holds = sum(1 for v in views.values() if v.status == "hold")
    closest = min(parsed, key=lambda r: abs(views[r.code].margin))
    report.note(f"layout: {layout.description}; election {election!r}")
    report.note(
        f"{len(parsed)} results for {districts} districts; {districts - len(parsed)} "
        "districts have none"
    )
    report.note(
        f"target party {target_party}: {holds} seats to hold, {len(parsed) - holds} to gain"
    )
    report.note(
        f"closest: {closest.name} ({closest.code}), majority {views[closest.code].majority:,}"
    )
    report.counts = {"results": len(parsed), "holds": holds}


def result_row(result, view, *, lines, election: str, target_party: str, **more) -> ElectionResult:
    """A district's result as stored, for generation ``lines``: ``result`` holds its
    code, votes, electorate and valid votes, ``view`` its target_view(); ``more``
    names its contest, import run and, for a notional result, where it came from."""
    return ElectionResult(
        set_id=lines.set_id,
        generation_id=lines.id,
        election=election,
        district_code=result.code,
        votes=result.votes,
        electorate=result.electorate,
        valid_votes=result.valid_votes,
        turnout=(result.valid_votes / result.electorate) if result.electorate else None,
        winner=view.winner,
        runner_up=view.runner_up,
        majority=view.majority,
        target_party=target_party,
        target_margin=view.margin,
        target_status=view.status,
        **more,
    )
