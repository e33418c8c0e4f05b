"""SQLAlchemy 2 models. Geometry is always shapely on the Python side (see types.py).

Boundaries are versioned: a boundary set (say, Westminster constituencies) has
generations; an import writes a new, inactive generation and a separate step
activates it, keeping earlier ones, as mySociety's MapIt does. Results, needs and
sessions are keyed by (set, district code) rather than by generation row, because
codes outlive a redraw of the lines around them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from turfmap.store.types import GeometryType, UTCDateTime


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class BoundarySet(Base):
    __tablename__ = "boundary_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(40))  # westminster, ward, polling_district, ...
    parent_set_id: Mapped[int | None] = mapped_column(ForeignKey("boundary_sets.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    generations: Mapped[list[Generation]] = relationship(
        back_populates="boundary_set", order_by="Generation.number"
    )
    parent_set: Mapped[BoundarySet | None] = relationship(remote_side=[id])


class ImportRun(Base):
    __tablename__ = "import_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))  # boundaries, results, needs, postcodes
    source: Mapped[str] = mapped_column(Text)
    set_slug: Mapped[str | None] = mapped_column(String(80))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
    report: Mapped[str] = mapped_column(Text, default="")


class Generation(Base):
    __tablename__ = "generations"
    __table_args__ = (UniqueConstraint("set_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("boundary_sets.id"))
    number: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    import_run_id: Mapped[int | None] = mapped_column(ForeignKey("import_runs.id"))

    boundary_set: Mapped[BoundarySet] = relationship(back_populates="generations")
    districts: Mapped[list[District]] = relationship(back_populates="generation")


class District(Base):
    __tablename__ = "districts"
    __table_args__ = (UniqueConstraint("generation_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    generation_id: Mapped[int] = mapped_column(ForeignKey("generations.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40), index=True)
    name: Mapped[str] = mapped_column(String(200))
    # A second name for the same district, where the file has one (ONS's Welsh NMW).
    name_alt: Mapped[str | None] = mapped_column(String(200))
    parent_code: Mapped[str | None] = mapped_column(String(40))
    area_m2: Mapped[float] = mapped_column(Float)
    point_lon: Mapped[float] = mapped_column(Float)  # a representative point, always inside
    point_lat: Mapped[float] = mapped_column(Float)
    geometry = mapped_column(GeometryType("MULTIPOLYGON"), nullable=False)

    generation: Mapped[Generation] = relationship(back_populates="districts")
    shapes: Mapped[list[DistrictShape]] = relationship(
        back_populates="district", cascade="all, delete-orphan"
    )


class DistrictShape(Base):
    """The district simplified for one zoom band (geometry/bands.py, pipeline/simplify.py)."""

    __tablename__ = "district_shapes"

    district_id: Mapped[int] = mapped_column(
        ForeignKey("districts.id", ondelete="CASCADE"), primary_key=True
    )
    band: Mapped[int] = mapped_column(Integer, primary_key=True)
    geometry = mapped_column(GeometryType("MULTIPOLYGON"), nullable=False)

    district: Mapped[District] = relationship(back_populates="shapes")


class ElectionResult(Base):
    """A district's result in one election, for one generation of its set's lines:
    as published, or notional (worked out from the generation before through the
    crosswalk, pipeline/notional.py) until real results for these lines arrive."""

    __tablename__ = "election_results"
    __table_args__ = (
        UniqueConstraint(
            "generation_id", "election", "district_code", name="uq_election_results_generation"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("boundary_sets.id"))
    generation_id: Mapped[int] = mapped_column(
        ForeignKey("generations.id", ondelete="CASCADE", name="fk_election_results_generation")
    )
    # Where notional figures come from ("ge2017 on generation 1's lines"); None: real.
    notional_from: Mapped[str | None] = mapped_column(String(200))
    election: Mapped[str] = mapped_column(String(40))  # ge2024, pres2024, ...
    district_code: Mapped[str] = mapped_column(String(40))
    votes: Mapped[dict] = mapped_column(JSON)  # party -> votes
    electorate: Mapped[int | None] = mapped_column(Integer)
    valid_votes: Mapped[int] = mapped_column(Integer)
    turnout: Mapped[float | None] = mapped_column(Float)  # share of the electorate, 0-1
    winner: Mapped[str] = mapped_column(String(40))
    runner_up: Mapped[str | None] = mapped_column(String(40))
    majority: Mapped[int] = mapped_column(Integer)  # winner minus runner-up, in votes
    target_party: Mapped[str] = mapped_column(String(40))
    # From the target party's side: positive = ahead by this share of valid votes.
    target_margin: Mapped[float] = mapped_column(Float)
    target_status: Mapped[str] = mapped_column(String(10))  # hold | gain | absent
    # What the figures are, for sentences: "the 2024 presidential race".
    contest: Mapped[str | None] = mapped_column(String(80))
    import_run_id: Mapped[int | None] = mapped_column(ForeignKey("import_runs.id"))


class Need(Base):
    """One need statement. Rows are only ever added: the newest unexpired one wins,
    so the whole history of who said what, and why, stays readable."""

    __tablename__ = "needs"
    __table_args__ = (Index("ix_needs_set_code", "set_id", "district_code", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("boundary_sets.id"))
    district_code: Mapped[str] = mapped_column(String(40))
    score: Mapped[float] = mapped_column(Float)  # 0-100
    source: Mapped[str] = mapped_column(String(20))  # computed | coordinator
    reason: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_on: Mapped[date | None] = mapped_column(Date)
    # Volunteers the district can use in a day, where a coordinator knows better
    # than the estimate from need and electorate.
    capacity: Mapped[int | None] = mapped_column(Integer)
    import_run_id: Mapped[int | None] = mapped_column(ForeignKey("import_runs.id"))


class Postcode(Base):
    __tablename__ = "postcodes"

    postcode: Mapped[str] = mapped_column(String(10), primary_key=True)  # "AB10 1AA"
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    import_run_id: Mapped[int | None] = mapped_column(ForeignKey("import_runs.id"))


class Commitment(Base):
    """A volunteer's accepted recommendation: one person for one district on one day.
    Counted against the district's capacity so the next volunteer is sent elsewhere."""

    __tablename__ = "commitments"
    __table_args__ = (Index("ix_commitments_day", "set_id", "day", "district_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("boundary_sets.id"))
    district_code: Mapped[str] = mapped_column(String(40))
    day: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The nonce of the recommendation's token it was made with: unique, so one
    # token counts once however often it is sent (recommend/tokens.py).
    token_nonce: Mapped[str | None] = mapped_column(String(32), unique=True)


class DistrictContact(Base):
    """How volunteers reach the organisers of a district (a link, and a line of
    text), set by its coordinators; shown where no session is planned."""

    __tablename__ = "district_contacts"
    __table_args__ = (UniqueConstraint("set_id", "district_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("boundary_sets.id", ondelete="CASCADE"))
    district_code: Mapped[str] = mapped_column(String(40))
    link: Mapped[str] = mapped_column(String(500))  # https:, mailto: or tel:
    text: Mapped[str] = mapped_column(String(200), default="")
    author: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CanvassSession(Base):
    """A canvassing session: hosted at a meeting point, public once approved."""

    __tablename__ = "canvass_sessions"
    __table_args__ = (Index("ix_sessions_start", "status", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("boundary_sets.id"))
    district_code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    capacity: Mapped[int] = mapped_column(Integer)
    contact: Mapped[str] = mapped_column(String(500), default="")
    accessibility: Mapped[str] = mapped_column(Text, default="")
    short_walks: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default="proposed")  # approved, rejected
    host: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reviewed_by: Mapped[str | None] = mapped_column(String(200))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_note: Mapped[str] = mapped_column(Text, default="")

    rsvps: Mapped[list[Rsvp]] = relationship(back_populates="session")


class Rsvp(Base):
    """A volunteer's place at a session; one per contact, so a double click is not two."""

    __tablename__ = "rsvps"
    __table_args__ = (UniqueConstraint("session_id", "contact", name="uq_rsvps_session_contact"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("canvass_sessions.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    contact: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    session: Mapped[CanvassSession] = relationship(back_populates="rsvps")


class HexCell(Base):
    """A district's place in a hex cartogram (HexJSON), so small urban seats show."""

    __tablename__ = "hex_cells"
    __table_args__ = (UniqueConstraint("set_id", "district_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("boundary_sets.id"))
    district_code: Mapped[str] = mapped_column(String(40))
    layout: Mapped[str] = mapped_column(String(10))  # odd-r, even-r, odd-q, even-q
    q: Mapped[int] = mapped_column(Integer)
    r: Mapped[int] = mapped_column(Integer)
    import_run_id: Mapped[int | None] = mapped_column(ForeignKey("import_runs.id"))


class User(Base):
    """A coordinator, host or admin. Passwords are stored only as scrypt hashes."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20))  # admin | coordinator | host
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Part of every sign-in cookie and checked on each request: signing out or
    # disabling the account bumps it, so a copied cookie stops working at once.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    regions: Mapped[list[UserRegion]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )


class UserRegion(Base):
    """Where a coordinator may act: a whole boundary set, or the districts inside one
    parent district (the wards of a constituency, say)."""

    __tablename__ = "user_regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    set_slug: Mapped[str] = mapped_column(String(80))
    parent_code: Mapped[str | None] = mapped_column(String(40))

    user: Mapped[User] = relationship(back_populates="regions")


class AuditEvent(Base):
    """Every write a person makes: who, when, what, and the before and after."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(60))  # need.edit, need.revert, user.create ...
    target: Mapped[str] = mapped_column(String(200))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


class Upload(Base):
    """A file a coordinator or admin uploaded, kept between its preview and its apply
    so that what is applied is exactly what was previewed."""

    __tablename__ = "uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # needs | boundaries
    set_slug: Mapped[str] = mapped_column(String(80))
    actor: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    # Import options (boundaries) and the state the preview was made against (needs).
    options: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    import_run_id: Mapped[int | None] = mapped_column(ForeignKey("import_runs.id"))


class StateVersion(Base):
    """A counter that the writes themselves move, in their own transaction, so a
    worker can tell in one cheap read whether what it holds is out of date (see
    store.versions): ``index`` for boundaries and activations, ``needs`` for
    results and coordinators' needs, ``activity`` for sessions, RSVPs and
    commitments."""

    __tablename__ = "state_versions"

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)


class CrosswalkShare(Base):
    """How much of a district of one generation lies in a district of the set's
    generation before it (pipeline/crosswalk.py), by area and by postcodes; and,
    on every row of a new district, whether it is the old district under the
    same code (same), a kept code around a changed outline (changed), or new."""

    __tablename__ = "crosswalk_shares"
    __table_args__ = (Index("ix_crosswalk_new", "to_generation_id", "new_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    to_generation_id: Mapped[int] = mapped_column(ForeignKey("generations.id", ondelete="CASCADE"))
    from_generation_id: Mapped[int] = mapped_column(
        ForeignKey("generations.id", ondelete="CASCADE")
    )
    new_code: Mapped[str] = mapped_column(String(40))
    old_code: Mapped[str] = mapped_column(String(40))
    area_share: Mapped[float] = mapped_column(Float)
    people_share: Mapped[float | None] = mapped_column(Float)  # None: no postcodes in it
    status: Mapped[str] = mapped_column(String(10))  # same | changed | new


class Job(Base):
    """Long work asked for on a page (a boundary file's dry run, writing its
    generation), done outside the request by a job worker (coordination/jobs.py);
    the page shows its progress, then its report or why it failed."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_status", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(200))  # who asked: the only one who sees it
    upload_id: Mapped[int | None] = mapped_column(ForeignKey("uploads.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(10), default="queued")  # running|done|failed
    progress: Mapped[str] = mapped_column(Text, default="")  # the report so far
    result: Mapped[dict] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    error_status: Mapped[int | None] = mapped_column(Integer)  # 400: the input; 500: ours
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# The doorstep's tables live in their own module; importing it here registers them
# on Base.metadata wherever the models are loaded.
from turfmap.store import turf_models  # noqa: E402, F401
