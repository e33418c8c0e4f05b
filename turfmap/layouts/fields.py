"""What every boundary-field layout declares: how a publisher names the fields that
hold a district's code and name (and, where it has one, an alternative name)."""

from __future__ import annotations


class BoundaryFields:
    """One publisher's field naming. ``pairs`` finds (code field, name field, rank)
    among a file's columns, lower ranks better (the finest level of an ONS file
    that carries several); ``display_names`` may build the names people use
    where the file's own read the same everywhere (US districts)."""

    key = ""
    description = ""
    fallback = False  # tried only when no other layout finds a pair

    def pairs(self, columns: list[str]) -> list[tuple[str, str, int]]:
        raise NotImplementedError

    def alternative_name(self, columns: list[str], code_field: str) -> str | None:
        """The field of a second name for the same district (Welsh, say), or None."""
        return None

    def display_names(self, frame, code_field: str) -> tuple[list[str], str] | None:
        """(names, the fields they are built from), or None to use the name field."""
        return None


def by_lower(columns: list[str]) -> dict[str, str]:
    return {c.lower(): c for c in columns}


def cell_text(value) -> str:
    """A field's value as text: NaN is empty, a float holding a whole number (as
    a reader makes of a numeric column with gaps) loses its ".0".

    >>> cell_text(42.0), cell_text(float("nan")), cell_text(" PA ")
    ('42', '', 'PA')
    """
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()
