"""Long work off the request path (issue 22.10): a boundary upload answers at once
with its job's page; a job worker (`turfmap jobs work`, or a thread of the web
worker with TURFMAP_JOBS=web) does the dry run and the write; the page shows the
report growing, then the outcome."""

from __future__ import annotations

import io
import re
import time
from datetime import timedelta

from sqlalchemy import select, update

from tests.conftest import UK, services_of
from tests.workspace import any_token, signed_in, token
from turfmap.coordination import jobs
from turfmap.store.models import Generation, Job, utcnow

BRADFORD_WARDS = UK / "wards_bradford_E08000032_wd13.geojson"


def post_upload(client, path, set_slug):
    return client.post(
        "/admin/boundaries",
        data={
            "csrf_token": any_token(client),
            "set_slug": set_slug,
            "file": (io.BytesIO(path.read_bytes()), path.name),
        },
        content_type="multipart/form-data",
    )


def generations(app) -> int:
    """Generations of every set: one more when a job has written one."""
    with services_of(app).db.session() as session:
        return len(session.scalars(select(Generation)).all())


def test_an_upload_answers_at_once_and_a_worker_does_the_work(workspace, cli):
    admin = signed_in(workspace, "admin@x.org")
    before = generations(workspace)
    posted = post_upload(admin, BRADFORD_WARDS, "new-wards")
    assert posted.status_code == 302
    page_url = posted.headers["Location"]
    assert re.fullmatch(r"/admin/jobs/\d+", page_url)
    waiting = admin.get(page_url)
    html = waiting.get_data(as_text=True)
    assert waiting.status_code == 200
    assert "Waiting for a job worker (`turfmap jobs work`) to take it." in html
    assert '<meta http-equiv="refresh" content="2">' in html
    # Another admin's eyes: not theirs to see.
    other = signed_in(workspace, "b@x.org")
    assert other.get(page_url).status_code in (403, 404)

    assert "1 job(s) done" in cli.ok("jobs", "work", "--once")
    done = admin.get(page_url).get_data(as_text=True)
    assert "refresh" not in done and "30 features" in done
    assert "Dry run: nothing was written" in done
    assert generations(workspace) == before
    write = re.search(r'action="(/admin/uploads/\d+/generation)"', done)[1]
    queued = admin.post(write, data={"csrf_token": token(done)})
    assert queued.status_code == 302 and "/admin/jobs/" in queued.headers["Location"]
    assert generations(workspace) == before  # not in the request
    cli.ok("jobs", "work", "--once")
    written = admin.get(queued.headers["Location"]).get_data(as_text=True)
    assert "INACTIVE" in written and "Back to boundary sets" in written
    assert generations(workspace) == before + 1


def test_the_web_worker_thread_shows_the_report_growing(workspace):
    """TURFMAP_JOBS=web, the UK's 650 seats (a few seconds of work): while the job
    runs its page shows the report so far, then the whole report."""
    workspace.config["TURFMAP_JOBS"] = "web"
    thread = jobs.InProcessWorker(services_of(workspace).db)
    workspace.extensions["turfmap.jobs"] = thread  # as TURFMAP_JOBS=web makes at start
    admin = signed_in(workspace, "admin@x.org")
    posted = post_upload(admin, UK / "wpc_2024_uk_bgc.topojson", "uk-seats")
    page_url = posted.headers["Location"]
    seen_running = None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        html = admin.get(page_url).get_data(as_text=True)
        if "Working on it" in html and "features" in html:
            seen_running = html
        if "Dry run: nothing was written" in html:
            break
        time.sleep(0.1)
    assert "650 features" in html and "refresh" not in html
    assert seen_running is not None, "the report so far never showed"
    assert '<meta http-equiv="refresh" content="2">' in seen_running


def test_a_refused_file_fails_its_job_with_the_reason(workspace, cli, tmp_path):
    admin = signed_in(workspace, "admin@x.org")
    broken = tmp_path / "broken.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": [')
    posted = post_upload(admin, broken, "broken")
    cli.ok("jobs", "work", "--once")
    failed = admin.get(posted.headers["Location"])
    html = failed.get_data(as_text=True)
    assert failed.status_code == 400
    assert "broken.geojson" in html and "Nothing was written" in html
    assert "turfmap-upload" not in html  # the temporary copy's name is not shown


def test_one_job_is_taken_once_and_a_dead_workers_job_is_queued_again(workspace):
    admin = signed_in(workspace, "admin@x.org")
    post_upload(admin, BRADFORD_WARDS, "once-wards")
    database = services_of(workspace).db
    taken = jobs.claim_next(database)
    assert taken is not None and jobs.claim_next(database) is None
    # Its worker died: an hour later, a worker starting up queues it again and does it.
    with database.transaction() as session:
        session.execute(
            update(Job).where(Job.id == taken).values(started_at=utcnow() - timedelta(hours=1))
        )
    assert jobs.work(database, once=True) == 1
    with database.session() as session:
        assert session.get(Job, taken).status == "done"
