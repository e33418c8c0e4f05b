"""Text cells, from a CSV file, a form or a JSON body: normalised, then guarded.

One guard for every cell turfmap stores or exports, applied after normalisation
(Unicode NFKC, then surrounding space stripped), so " =HYPERLINK(...)" and the
full-width "＝1+1" are caught as surely as "=1+1". A cell starting with any of
= + - @, a tab or a carriage return is refused on the way in and prefixed with '
on the way out, as OWASP's CSV injection advice lists: a spreadsheet opening an
export would otherwise run it as a formula. Values turfmap itself writes in a
fixed format (a phone number stored as +44..., a date) are not free text and are
only neutralised on export.
"""

from __future__ import annotations

import re
import unicodedata

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Control characters (C0, DEL, C1) and lone surrogates: nobody types them into a
# name or a reason, and several break storage or display.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_MULTILINE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def normalise(value: object) -> str:
    """
    >>> normalise("  Hendon\\u00a0 "), normalise("\\uff1d1+1"), normalise(None)
    ('Hendon', '=1+1', '')
    """
    if value is None:
        return ""
    return unicodedata.normalize("NFKC", str(value)).strip()


def clean_cell(
    value: object, where: str, *, limit: int | None = None, multiline: bool = False
) -> str:
    """A text cell as it will be stored, or an InputError naming ``where``.

    >>> clean_cell(" Bradford West ", "line 3, column 'name'")
    'Bradford West'
    >>> clean_cell(" =HYPERLINK(\\"http://x\\")", "line 3, column 'reason'")
    Traceback (most recent call last):
    turfmap.errors.InputError: line 3, column 'reason': '=HYPERLINK("http://x")' starts ...
    >>> clean_cell("-1+2", "field 'name'")
    Traceback (most recent call last):
    turfmap.errors.InputError: field 'name': '-1+2' starts with '-', which spreadsheets run ...
    """
    from turfmap.errors import InputError

    text = normalise(value)
    control = _CONTROL_MULTILINE if multiline else _CONTROL
    if control.search(text):
        raise InputError(f"{where}: holds a control character; type plain text")
    if limit is not None and len(text) > limit:
        raise InputError(f"{where}: longer than {limit} characters")
    if text.startswith(FORMULA_STARTS):
        raise InputError(
            f"{where}: {_cut(text)!r} starts with {text[0]!r}, which spreadsheets run as a "
            "formula; start it with a letter or digit"
        )
    return text


def neutralise(cell: object) -> object:
    """A cell made safe for a spreadsheet export: formula-looking text gets a
    leading ' (which spreadsheets show as text and do not run).

    >>> neutralise("=1+1"), neutralise(" @SUM(A1)"), neutralise("+447700900123"), neutralise(3)
    ("'=1+1", "' @SUM(A1)", "'+447700900123", 3)
    """
    if isinstance(cell, str) and normalise(cell).startswith(FORMULA_STARTS):
        return "'" + cell
    if isinstance(cell, str) and cell[:1] in ("\t", "\r"):
        return "'" + cell
    return cell


def _cut(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
