"""The `turfmap` command: a Flask CLI group (so `turfmap run`, `turfmap routes` work too)."""

from __future__ import annotations

import functools
import getpass
import os
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from turfmap import create_app
from turfmap.errors import TurfmapError
from turfmap.layouts import RESULTS, describe_fields
from turfmap.layouts import describe as describe_layouts
from turfmap.travel.estimate import (
    DEFAULT_MAX_MINUTES,
    DEFAULT_MODE,
    MAX_MINUTES_MEANING,
    MAX_MINUTES_RANGE,
    MODES,
)

# Only what the commands' options need is imported here: `turfmap --help` must not
# wait for the app, the database layer, pandas or numba (each command imports its own).


def _friendly_errors(command):
    """Domain errors become a clear message and a non-zero exit, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except TurfmapError as error:
            raise click.ClickException(error.message) from None

    return wrapper


def services():
    from turfmap.extensions import services as of_current_app

    return of_current_app()


def _database():
    from turfmap.store import db as store_db

    database = services().db
    store_db.upgrade(database.engine)
    return database


def _cli_app():
    # The commands sign no cookies; `serve` checks the secret key itself.
    return create_app(serving=False)


class TurfmapGroup(FlaskGroup):
    """Flask's group, except that listing the commands does not make the app (to
    look for plugins' commands, which turfmap has none of): `turfmap --help`
    answers at once, and without a database URL."""

    def list_commands(self, ctx):
        return sorted(click.Group.list_commands(self, ctx))


@click.group(cls=TurfmapGroup, create_app=_cli_app, add_version_option=False, set_debug_flag=False)
def main():
    """turfmap: marginals and turf maps for volunteers, coordinators and the public."""


@main.group("db")
def db_group():
    """Database schema."""


@db_group.command("upgrade")
@with_appcontext
def db_upgrade():
    """Create or migrate the schema to the newest version."""
    _database()
    click.echo("schema is up to date")


@db_group.command("report")
@with_appcontext
def db_report():
    """Rows per table, the database's size, and staged uploads waiting."""
    from turfmap.coordination.uploads import staged_summary
    from turfmap.store.queries import database_bytes, table_counts

    with _database().session() as session:
        counts = table_counts(session)
        staged, staged_bytes = staged_summary(session)
        size = database_bytes(session)
    for table, rows in sorted(counts.items()):
        click.echo(f"{table}\t{rows:,} rows")
    click.echo(f"staged uploads not yet applied: {staged} ({staged_bytes / 1024 / 1024:,.1f} MB)")
    if size is not None:
        click.echo(f"database size: {size / 1024 / 1024:,.1f} MB")


@main.group("uploads")
def uploads_group():
    """Files staged in the workspace."""


@uploads_group.command("purge")
@click.option(
    "--older-than-hours",
    type=click.FloatRange(0, None),
    help="Default: TURFMAP_UPLOAD_RETENTION_HOURS.",
)
@with_appcontext
def uploads_purge(older_than_hours):
    """Delete uploads previewed but never applied."""
    from turfmap.coordination.uploads import purge_stale

    hours = older_than_hours
    if hours is None:
        hours = current_app.config["TURFMAP_UPLOAD_RETENTION_HOURS"]
    with _database().transaction() as session:
        removed = purge_stale(session, hours)
    click.echo(f"deleted {removed} staged upload(s) older than {hours:g} hours")


@main.group("import")
def import_group():
    """Import boundaries, results, needs or postcodes (a dry run unless --commit)."""


@import_group.command("boundaries")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--set", "set_slug", required=True, help="Boundary set slug, e.g. westminster-2024.")
@click.option("--name", "set_name", help="Human name of the set (new sets only).")
@click.option(
    "--level",
    default="district",
    show_default=True,
    help="westminster, ward, polling_district, congressional ...",
)
@click.option(
    "--code-field",
    help=f"Field holding the official code (detected if omitted, for {describe_fields()}).",
)
@click.option("--name-field", help="Field holding the name (detected if omitted).")
@click.option("--layer", help="Layer of a GeoPackage or multi-layer file.")
@click.option("--crs", help="Coordinate system of a file that declares none, e.g. EPSG:27700.")
@click.option("--parent-set", help="Give each district its parent from this set, by overlap.")
@click.option(
    "--accept",
    is_flag=True,
    help="Load although most districts look misplaced (at sea, or ONS codes outside the UK).",
)
@click.option("--commit", is_flag=True, help="Write the new (inactive) generation.")
@with_appcontext
@_friendly_errors
def import_boundaries_command(path, **options):
    """Import a boundary file (GeoJSON, TopoJSON, Shapefile, zip, GeoPackage)."""
    from turfmap.pipeline.boundaries import BoundaryOptions, import_boundaries

    options["max_unzipped_mb"] = current_app.config["TURFMAP_MAX_UNZIPPED_MB"]
    report = import_boundaries(_database(), path, BoundaryOptions(**options))
    click.echo(report.render())


@import_group.command("results")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--set", "set_slug", required=True)
@click.option(
    "--layout",
    "layout_key",
    type=click.Choice(sorted(RESULTS)),
    help=f"Detected if omitted. Known: {describe_layouts()}.",
)
@click.option(
    "--election",
    help="Election slug (ge2019, pres2020); needed only where the file does not say.",
)
@click.option(
    "--target-party", help="Party whose side margins are seen from (default TURFMAP_TARGET_PARTY)."
)
@click.option(
    "--generation",
    type=int,
    help="The generation the file is for (default: the newest, active or not).",
)
@click.option("--commit", is_flag=True)
@with_appcontext
@_friendly_errors
def import_results_command(path, set_slug, layout_key, election, target_party, generation, commit):
    """Import election results by district."""
    from turfmap.pipeline.results import import_results

    report = import_results(
        _database(),
        path,
        set_slug=set_slug,
        layout_key=layout_key,
        election=election,
        target_party=target_party or current_app.config["TURFMAP_TARGET_PARTY"],
        generation=generation,
        commit=commit,
    )
    click.echo(report.render())


@import_group.command("needs")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--set", "set_slug", required=True)
@click.option("--author", default=lambda: f"cli:{getpass.getuser()}", show_default="cli:USER")
@click.option(
    "--generation",
    type=int,
    help="The generation the file is for (default: the newest, active or not).",
)
@click.option("--commit", is_flag=True)
@with_appcontext
@_friendly_errors
def import_needs_command(path, set_slug, author, generation, commit):
    """Import coordinator needs: code, need (0-100), reason, expires (YYYY-MM-DD)."""
    from turfmap.clock import today_in
    from turfmap.pipeline.needs import import_needs

    click.echo(
        import_needs(
            _database(),
            path,
            set_slug=set_slug,
            author=author,
            commit=commit,
            need_today=lambda code: services().board.get().summary(set_slug, code),
            generation=generation,
            today=today_in(current_app.config["TURFMAP_TIMEZONE"]),
        ).render()
    )


@import_group.command("postcodes")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--skip-bad", is_flag=True, help="Skip rows whose location is not a number in range.")
@click.option("--commit", is_flag=True)
@with_appcontext
@_friendly_errors
def import_postcodes_command(path, skip_bad, commit):
    """Import an ONS Postcode Directory CSV (live postcodes only)."""
    from turfmap.pipeline.postcodes import import_postcodes

    report = import_postcodes(_database(), path, commit=commit, skip_bad=skip_bad)
    click.echo(report.render())


@import_group.command("hexes")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--set", "set_slug", required=True)
@click.option(
    "--generation",
    type=int,
    help="The generation the file is for (default: the newest, active or not).",
)
@click.option("--commit", is_flag=True)
@with_appcontext
@_friendly_errors
def import_hexes_command(path, set_slug, generation, commit):
    """Import a hex cartogram layout (HexJSON) for a boundary set."""
    from turfmap.pipeline.hexes import import_hexes

    report = import_hexes(
        _database(), path, set_slug=set_slug, generation=generation, commit=commit
    )
    click.echo(report.render())


@import_group.command("sessions")
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--set", "set_slug", required=True, help="File each session in a district of this set."
)
@click.option("--host", default=lambda: f"cli:{getpass.getuser()}", show_default="cli:USER")
@click.option("--approve", is_flag=True, help="Publish at once instead of awaiting review.")
@click.option("--commit", is_flag=True)
@with_appcontext
@_friendly_errors
def import_sessions_command(path, set_slug, host, approve, commit):
    """Import canvassing sessions: title, starts, ends, lat, lon, capacity, contact
    [, accessibility, short_walks]. Times without an offset are in TURFMAP_TIMEZONE."""
    from datetime import UTC, datetime

    from turfmap.coordination.session_import import import_sessions

    report = import_sessions(
        _database(),
        services().spatial.get(),
        path,
        set_slug=set_slug,
        host=host,
        approve=approve,
        commit=commit,
        now=datetime.now(UTC),
        tz=current_app.config["TURFMAP_TIMEZONE"],
    )
    click.echo(report.render())


from turfmap.cli_doorstep import register as _register_doorstep  # noqa: E402

_register_doorstep(main, import_group, _database, _friendly_errors)


@main.group("generations")
def generations_group():
    """List and activate boundary generations."""


@generations_group.command("list")
@click.option("--set", "set_slug")
@with_appcontext
@_friendly_errors
def generations_list(set_slug):
    from turfmap.store.generations import generations

    with _database().session() as session:
        for generation in generations(session, set_slug):
            state = "ACTIVE" if generation.active else "inactive"
            click.echo(
                f"{generation.boundary_set.slug}\t{generation.number}\t{state}\t"
                f"{len(generation.districts)} districts\t{generation.created_at:%Y-%m-%d %H:%M}"
                f"\t{generation.source}"
            )


@generations_group.command("activate")
@click.argument("set_slug")
@click.option("--number", type=int, help="Generation number (default: the newest).")
@click.option("--dry-run", is_flag=True, help="Show what would change, and change nothing.")
@click.option("--force", is_flag=True, help="Switch although districts would have no results.")
@with_appcontext
@_friendly_errors
def generations_activate(set_slug, number, dry_run, force):
    """Switch a set to a generation of its lines, after showing what moves."""
    from turfmap.clock import today_in
    from turfmap.coordination.switch import review_switch, switch

    today = today_in(current_app.config["TURFMAP_TIMEZONE"])
    if dry_run:
        with _database().session() as session:
            _, review = review_switch(session, set_slug, number, today)
        click.echo("\n".join(review.lines()))
        click.echo("Dry run: nothing was switched.")
        return
    with _database().transaction() as session:
        generation, review = switch(
            session, f"cli:{getpass.getuser()}", set_slug, number, today, force=force
        )
        click.echo("\n".join(review.lines()))
        click.echo(f"{set_slug}: generation {generation.number} is now active")
    services().spatial.invalidate()


@main.group("users")
def users_group():
    """Coordinator, host and admin accounts."""


@users_group.command("create")
@click.argument("email")
@click.option("--name", default="")
@click.option("--role", type=click.Choice(["admin", "coordinator", "host"]), required=True)
@click.option(
    "--region",
    "regions",
    multiple=True,
    help="SET or SET:PARENT_CODE where a coordinator may act (repeatable).",
)
@click.password_option(help="At least 12 characters (asked for when not given).")
@with_appcontext
@_friendly_errors
def users_create(email, name, role, regions, password):
    from turfmap.coordination.permissions import Region
    from turfmap.coordination.users import create_user

    with _database().transaction() as session:
        user = create_user(
            session,
            email=email,
            name=name,
            role=role,
            password=password,
            regions=[Region.parse(r) for r in regions],
            actor=f"cli:{getpass.getuser()}",
        )
        click.echo(f"created {user.email} ({user.role})")


@users_group.command("list")
@with_appcontext
def users_list():
    from turfmap.coordination.users import users

    with _database().session() as session:
        for user in users(session):
            regions = (
                ", ".join(
                    f"{r.set_slug}{':' + r.parent_code if r.parent_code else ''}"
                    for r in user.regions
                )
                or "-"
            )
            state = "active" if user.active else "DISABLED"
            click.echo(f"{user.email}\t{user.role}\t{state}\t{regions}")


@users_group.command("disable")
@click.argument("email")
@with_appcontext
@_friendly_errors
def users_disable(email):
    from turfmap.coordination.users import disable_user

    with _database().transaction() as session:
        disable_user(session, email, actor=f"cli:{getpass.getuser()}")
    click.echo(f"{email} can no longer sign in")


@main.command("fetch")
@click.argument("source")
@click.option(
    "--from",
    "from_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Find the files in this folder instead of downloading them.",
)
@click.option(
    "--mirror",
    help="Download from this base URL instead of the publishers' (default TURFMAP_FETCH_MIRROR).",
)
@with_appcontext
@_friendly_errors
def fetch_command(source, from_dir, mirror):
    """Download a source's official files (uk-2024, us-2024) into the cache."""
    from turfmap.pipeline.fetch import fetch

    files = fetch(
        source,
        cache_dir=current_app.config["TURFMAP_CACHE_DIR"],
        from_dir=from_dir,
        mirror=mirror or current_app.config["TURFMAP_FETCH_MIRROR"],
        echo=click.echo,
    )
    for role, path in files.items():
        click.echo(f"{role}: {path}")


@main.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when boundaries are already loaded.")
@with_appcontext
@_friendly_errors
def demo_command(if_empty):
    """Load demo data: UK 2024 from TURFMAP_DATA_DIR or the network, else Montreal offline."""
    from turfmap.pipeline.demo import load_demo

    load_demo(
        _database(),
        data_dir=current_app.config["TURFMAP_DATA_DIR"],
        cache_dir=current_app.config["TURFMAP_CACHE_DIR"],
        target_party=current_app.config["TURFMAP_TARGET_PARTY"],
        mirror=current_app.config["TURFMAP_FETCH_MIRROR"],
        if_empty=if_empty,
        echo=click.echo,
    )
    services().spatial.invalidate()


@main.command("simulate")
@click.option(
    "--set", "set_slug", help="Boundary set (needed when more than one top-level set is active)."
)
@click.option("--volunteers", type=click.IntRange(1, 200_000), help="Default: a day's places.")
# The same as GET /api/v1/recommend's (its declaration is read, not restated).
@click.option(
    "--mode",
    type=click.Choice(list(MODES)),
    default=DEFAULT_MODE,
    show_default=True,
)
@click.option(
    "--max-minutes",
    type=click.FloatRange(*MAX_MINUTES_RANGE),
    default=DEFAULT_MAX_MINUTES,
    show_default=True,
    help=MAX_MINUTES_MEANING,
)
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1),
    default=0.10,
    show_default=True,
    help="The 2017 rule's idea of a marginal: a margin under this share.",
)
@click.option("--seed", type=int, default=1, show_default=True)
@with_appcontext
@_friendly_errors
def simulate_command(set_slug, volunteers, mode, max_minutes, threshold, seed):
    """Compare turfmap's dispatch with the 2017 rule and the optimum on real seats."""
    from turfmap.recommend.service import choose_set
    from turfmap.recommend.simulate import simulate
    from turfmap.store.queries import active_districts

    database = _database()
    index, board = services().spatial.get(), services().board.get()
    slug = choose_set(board, index, set_slug)
    with database.session() as session:
        shapes = {d.code: d.geometry for s, d in active_districts(session) if s == slug}
    result = simulate(
        index,
        board,
        shapes,
        set_slug=slug,
        volunteers=volunteers,
        mode=mode,
        max_minutes=max_minutes,
        threshold=threshold,
        seed=seed,
    )
    click.echo(result.report())


@main.group("jobs")
def jobs_group():
    """Long work asked for in the workspace (boundary files' dry runs and writes)."""


@jobs_group.command("work")
@click.option("--once", is_flag=True, help="Do the jobs queued now, then stop.")
@click.option("--poll-seconds", type=click.FloatRange(0.1, 60), default=1.0, show_default=True)
@with_appcontext
def jobs_work(once, poll_seconds):
    """Take queued jobs and do them, one at a time, until stopped (run one or more
    beside the web servers when TURFMAP_JOBS=worker)."""
    from turfmap.coordination.jobs import work

    done = work(_database(), once=once, poll_seconds=poll_seconds)
    click.echo(f"{done} job(s) done")


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option(
    "--port",
    type=int,
    default=lambda: int(os.environ.get("PORT", "5000")),
    show_default="5000 or $PORT",
)
@with_appcontext
def serve_command(host, port):
    """Serve the app (the Flask server; use gunicorn 'turfmap:create_app()' in production)."""
    from werkzeug.serving import run_simple

    from turfmap import development_mode
    from turfmap.config import production_problems

    app = current_app._get_current_object()
    problems = [] if development_mode(app) else production_problems(app.config, serving=True)
    if problems:
        raise click.ClickException("turfmap will not serve: " + "; ".join(problems))
    _database()
    services().spatial.get()  # build the index before the first visitor waits for it
    # Not app.run(): Flask ignores that inside its own CLI commands.
    run_simple(host, port, app, threaded=True)
