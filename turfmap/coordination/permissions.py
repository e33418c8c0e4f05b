"""Who may change what (pure functions)."""

from __future__ import annotations

from dataclasses import dataclass

from turfmap.errors import Forbidden

ROLES = ("admin", "coordinator", "host")


@dataclass(frozen=True)
class Region:
    set_slug: str
    parent_code: str | None = None

    @classmethod
    def parse(cls, text: str) -> Region:
        """``set`` or ``set:PARENT``.

        >>> Region.parse("westminster-2024")
        Region(set_slug='westminster-2024', parent_code=None)
        >>> Region.parse("wards:E14001120")
        Region(set_slug='wards', parent_code='E14001120')
        """
        slug, _, parent = text.partition(":")
        return cls(slug.strip(), parent.strip() or None)


@dataclass(frozen=True)
class Actor:
    email: str
    role: str
    regions: tuple[Region, ...] = ()


def may_edit_district(actor: Actor, set_slug: str, code: str, parent_code: str | None) -> bool:
    """Admins anywhere; coordinators inside their regions; hosts never.

    >>> a = Actor("a@x", "coordinator", (Region("wards", "E14001120"),))
    >>> may_edit_district(a, "wards", "E05001348", "E14001120")
    True
    >>> may_edit_district(a, "wards", "E05001349", "E14001121")
    False
    >>> may_edit_district(Actor("b@x", "coordinator", (Region("wpc"),)), "wpc", "E1", None)
    True
    >>> may_edit_district(Actor("h@x", "host", (Region("wpc"),)), "wpc", "E1", None)
    False
    """
    if actor.role == "admin":
        return True
    if actor.role != "coordinator":
        return False
    return any(
        region.set_slug == set_slug
        and (region.parent_code is None or region.parent_code in (parent_code, code))
        for region in actor.regions
    )


def editable_sets(actor: Actor, slugs: list[str]) -> list[str]:
    """The boundary sets (of ``slugs``) in which ``actor`` may change some district.

    >>> editable_sets(Actor("a@x", "coordinator", (Region("wards", "E1"),)), ["wards", "wy"])
    ['wards']
    >>> editable_sets(Actor("r@x", "admin"), ["wards", "wy"])
    ['wards', 'wy']
    """
    if actor.role == "admin":
        return list(slugs)
    if actor.role != "coordinator":
        return []
    mine = {region.set_slug for region in actor.regions}
    return [slug for slug in slugs if slug in mine]


def require_district(actor: Actor, set_slug: str, code: str, parent_code: str | None) -> None:
    if not may_edit_district(actor, set_slug, code, parent_code):
        raise Forbidden(f"{actor.email} may not change {code} in {set_slug!r}")


def require_admin(actor: Actor) -> None:
    if actor.role != "admin":
        raise Forbidden(f"{actor.email} is not an admin")
