"""Accounts: create, list, disable, authenticate. Passwords hashed with scrypt."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from turfmap.coordination import audit
from turfmap.coordination.permissions import ROLES, Actor, Region
from turfmap.errors import InputError, NotFound
from turfmap.inputs.text import clean_cell
from turfmap.store.models import User, UserRegion
from turfmap.store.queries import get_set

MIN_PASSWORD = 12
# Checked when no such user exists too, so a login takes as long either way.
_DUMMY_HASH = generate_password_hash("not a real password", method="scrypt")


def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    role: str,
    password: str,
    regions: list[Region],
    actor: str,
) -> User:
    email = checked_email(email)
    if role not in ROLES:
        raise InputError(f"role {role!r} must be one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise InputError(f"the password must have at least {MIN_PASSWORD} characters")
    if role == "coordinator" and not regions:
        raise InputError("a coordinator needs at least one region (--region SET[:PARENT])")
    if session.scalar(select(User).where(User.email == email)):
        raise InputError(f"a user {email} already exists")
    for region in regions:
        get_set(session, region.set_slug)  # refuse a region in a set that does not exist
    user = User(
        email=email,
        name=clean_cell(name, "--name", limit=200) or email,
        role=role,
        password_hash=generate_password_hash(password, method="scrypt"),
        regions=[UserRegion(set_slug=r.set_slug, parent_code=r.parent_code) for r in regions],
    )
    session.add(user)
    audit.record(
        session,
        actor,
        "user.create",
        email,
        role=role,
        regions=[f"{r.set_slug}:{r.parent_code or ''}" for r in regions],
    )
    return user


def checked_email(raw: str) -> str:
    """An account's address in its normal form, or an error saying what is wrong
    (email-validator: the address syntax of RFC 5322 and 6531, no DNS lookup).

    >>> checked_email(" Alice@Example.org ")
    'alice@example.org'
    >>> checked_email("<b>x</b>@example.org")
    Traceback (most recent call last):
    turfmap.errors.InputError: email '<b>x</b>@example.org' is not an email address: ...
    """
    try:
        found = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise InputError(f"email {raw.strip()[:200]!r} is not an email address: {error}") from None
    if len(found.normalized) > 200:
        raise InputError("email: longer than 200 characters")
    return found.normalized.lower()


def users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.email)))


def get_user(session: Session, email: str) -> User:
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise NotFound(f"no user {email}")
    return user


def disable_user(session: Session, email: str, *, actor: str) -> User:
    user = get_user(session, email)
    user.active = False
    user.session_version += 1  # ends every signed-in session of the account now
    audit.record(session, actor, "user.disable", user.email)
    return user


def end_sessions(session: Session, user_id: int) -> None:
    """Sign the account out everywhere: every cookie issued so far stops working."""
    user = session.get(User, user_id)
    if user is not None:
        user.session_version += 1


def authenticate(session: Session, email: str, password: str) -> User | None:
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not user.active:
        check_password_hash(_DUMMY_HASH, password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def actor_of(user: User) -> Actor:
    return Actor(
        user.email, user.role, tuple(Region(r.set_slug, r.parent_code) for r in user.regions)
    )
