"""Hex cartogram layouts from HexJSON (https://odileeds.org/projects/hexmaps/hexjson):
each district gets a hex at (q, r) so that small urban seats are as visible as
large rural ones."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import delete

from turfmap.errors import InputError
from turfmap.inputs.csvfile import RowErrors, read_text
from turfmap.inputs.report import ImportReport
from turfmap.store.db import Database
from turfmap.store.generations import generation_of
from turfmap.store.models import HexCell
from turfmap.store.queries import district_codes, get_set

LAYOUTS = ("odd-r", "even-r", "odd-q", "even-q")


def parse_hexjson(text: str, path: Path) -> tuple[str, dict[str, tuple[int, int]]]:
    """(layout, {code: (q, r)}) from HexJSON text, or an InputError naming the hex.

    >>> parse_hexjson('{"layout": "odd-r", "hexes": {"A": {"q": 1, "r": -2}}}', Path("x"))
    ('odd-r', {'A': (1, -2)})
    >>> parse_hexjson('{"layout": "odd-r", "hexes": {"A": {"q": "one", "r": 0}}}', Path("x"))
    Traceback (most recent call last):
    turfmap.errors.InputError: x: 1 problem(s); nothing was loaded:
      hex 'A': q='one' is not a whole number
    """
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not JSON ({exc.msg} at line {exc.lineno})") from exc
    if not isinstance(document, dict) or not isinstance(document.get("hexes"), dict):
        raise InputError(f'{path}: not HexJSON: it needs a "hexes" object')
    layout = document.get("layout")
    if layout not in LAYOUTS:
        raise InputError(f"{path}: layout {layout!r} must be one of {', '.join(LAYOUTS)}")
    errors, cells = RowErrors(path), {}
    for code, hex_ in document["hexes"].items():
        if not isinstance(hex_, dict):
            errors.add(f"hex {code!r}: not an object")
            continue
        position = []
        for axis in ("q", "r"):
            value = hex_.get(axis)
            if not isinstance(value, int) or isinstance(value, bool):
                errors.add(f"hex {code!r}: {axis}={value!r} is not a whole number")
            position.append(value)
        cells[code] = tuple(position)
    errors.raise_if_any()
    return layout, cells


def import_hexes(
    db: Database, path: Path, *, set_slug: str, generation: int | None = None, commit: bool = False
) -> ImportReport:
    """Dry run, or with ``commit`` the set's hex layout, its codes checked against
    generation ``generation`` (default: the newest, active or not)."""
    path = Path(path)
    report = ImportReport("hexes", str(path), set_slug)
    layout, cells = parse_hexjson(read_text(path), path)
    if not cells:
        raise InputError(f"{path}: the layout has no hexes")
    with db.session() as session:
        boundary_set = get_set(session, set_slug)
        lines = generation_of(session, boundary_set, generation)
        known = district_codes(session, lines.id)
    errors = RowErrors(path)
    taken: dict[tuple[int, int], str] = {}
    for code, position in cells.items():
        if code not in known:
            errors.add(f"hex {code!r}: not a district of {set_slug!r}")
        if position in taken:
            errors.add(
                f"hex {code!r}: q={position[0]}, r={position[1]} is already {taken[position]!r}"
            )
        taken.setdefault(position, code)
    errors.raise_if_any()
    missing = sorted(known - set(cells))
    report.note(f"layout {layout}: {len(cells)} hexes for {len(known)} districts")
    if missing:
        report.note(f"{len(missing)} districts have no hex: {', '.join(missing[:10])}")
    report.counts = {"hexes": len(cells), "without_hex": len(missing)}
    if commit:
        with db.transaction() as session:
            run = report.record(session)
            # This generation's layout replaces its own; another generation's cells
            # (codes these lines lack) stay, for when those lines are switched on again.
            session.execute(
                delete(HexCell).where(
                    HexCell.set_id == boundary_set.id, HexCell.district_code.in_(known | set(cells))
                )
            )
            session.add_all(
                HexCell(
                    set_id=boundary_set.id,
                    district_code=code,
                    layout=layout,
                    q=q,
                    r=r,
                    import_run_id=run.id,
                )
                for code, (q, r) in cells.items()
            )
    return report
