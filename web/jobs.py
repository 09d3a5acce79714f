"""Long work from the browser: put it on the task queue, show how far it has come, retry it.

A job's row (:mod:`tm.jobs`) says what it is and how it ended, its live progress is in the
queue's store (:mod:`tm.queue`), so any app process answers ``GET /api/jobs/<id>`` for a job
that any worker runs. A job belongs to the user who started it: someone else's is a 404.
A failed or interrupted job runs again from what it was given with one click (``retry``);
a queued or running one can be cancelled.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Flask,
    current_app,
    jsonify,
    redirect,
    render_template,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from tm.errors import NotFoundError
from tm.ingest.importer import STAGE_ALIGN, STAGE_SEGMENT, STAGE_TRANSLATE
from tm.jobs import (
    KEEP_PARAMS,
    RETRYABLE,
    create_job,
    get_job,
    list_jobs,
    record_progress,
)
from tm.memory.tmx_export import STAGE_WRITE
from tm.memory.tmx_import import STAGE_INDEX, STAGE_MERGE, STAGE_STORE
from tm.messages import Plural, from_stored
from tm.models import Job, JobState, Role, User
from tm.queue import (
    QUEUED_STAGE,
    JobQueue,
    open_job_queue,
    remove_input,
    result_folder,
    spool_folder,
)
from tm.search.pretranslate import STAGE_MATCH
from tm.work import EXPORT_FILE, EXPORT_MEMORY, IMPORT_ARTICLE, IMPORT_TMX, PRETRANSLATE
from web.access import require_actor, requires
from web.db import get_session
from web.downloads import attachment
from web.i18n import worded

bp = Blueprint("jobs", __name__)
# The least role that may start (and so retry) each kind of job.
KIND_ROLE = {IMPORT_ARTICLE: Role.MANAGER, IMPORT_TMX: Role.MANAGER,
             PRETRANSLATE: Role.TRANSLATOR, EXPORT_MEMORY: Role.VIEWER}
LISTED = 50
# Seconds a worker waits for SQLite's one writer before its job fails (another import may
# hold it for minutes; a worker has no user waiting on the answer).
WORKER_BUSY_TIMEOUT_S = 300.0


def job_queue(app: Flask | None = None) -> JobQueue:
    """Return the app's job queue, opened on first use (settings: tm.queue.open_job_queue)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    queue: JobQueue | None = app.extensions.get("sverka_queue")
    if queue is None:
        from tm.db import make_engine, session_factory
        from tm.search.index import configure_index_dir

        engine = make_engine(app.config["DATABASE_URL"], busy_timeout_s=WORKER_BUSY_TIMEOUT_S)
        configure_index_dir(engine, app.config["DATA_DIR"])  # pre-translations look up
        queue = open_job_queue(session_factory(engine), data_dir=Path(app.config["DATA_DIR"]),
                               url=app.config.get("QUEUE_URL"),
                               name=app.config.get("QUEUE_NAME"),
                               spool_dir=app.config.get("SPOOL_DIR"))
        app.extensions["sverka_queue"] = queue
        app.extensions["sverka_queue_engine"] = engine
    return queue


def close_queue(app: Flask, *, wait: bool = True) -> None:
    """Stop the app's in-process consumer (if any) and release the queue's connections.

    ``wait``: until the running jobs end; without, they die with the process (interrupted).
    """
    consumer = app.extensions.pop("sverka_consumer", None)
    if consumer is not None:
        consumer.stop(graceful=wait)
    queue = app.extensions.pop("sverka_queue", None)
    if queue is not None:
        queue.close()
        app.extensions.pop("sverka_queue_engine").dispose()


def start_consumer(app: Flask, workers: int = 1) -> None:
    """Run the queue's consumer in this process (the embedded default: no worker to start)."""
    consumer = job_queue(app).consumer(workers)
    consumer.start()
    app.extensions["sverka_consumer"] = consumer


def submit(kind: str, *, title: str, params: dict[str, Any], owner: User,
           spool: Callable[[Path], None] | None = None) -> Job:
    """Start a job of ``kind`` for ``owner``: its row committed, its input spooled, queued.

    ``spool(folder)`` saves the job's uploads into its spool folder; if it fails, the job is
    not kept.
    """
    queue, session = job_queue(), get_session()
    try:
        job = create_job(session, kind, owner=owner, title=title, params=params)
        if spool is not None:
            folder = spool_folder(queue.spool_dir, job.id)
            folder.mkdir(parents=True, exist_ok=True)
            spool(folder)
        session.commit()  # what the user gave is kept, whatever happens to this process
    except BaseException:
        session.rollback()
        if "job" in locals():
            remove_input(queue.spool_dir, job.id)
        raise
    queue.submit(job.id)
    return job


def accepted(job: Job) -> ResponseReturnValue:
    """The API's answer to a request that queued ``job``: 202 with where to follow it."""
    location = url_for("jobs.api_show", job_id=job.id)
    return jsonify({"job": job.id, "state": job.state.value, "location": location}), 202, \
        {"Location": location}


def find(job_id: str) -> Job:
    """Return the request's user's job ``job_id``, its state as of now; 404 if not theirs."""
    session, queue = get_session(), job_queue()
    job = get_job(session, job_id, owner=require_actor().user, alive=queue.alive)
    if job.state == JobState.INTERRUPTED and job.stage is None:
        record_progress(job, queue.progress(job.id))
    session.commit()  # if it was just found interrupted, say so to every process
    return job


def stage_labels() -> dict[str, str]:
    """Return the names of the jobs' stages in the UI language."""
    return {QUEUED_STAGE: _("Waiting to start"),
            STAGE_SEGMENT: _("Splitting the paragraphs into segments"),
            STAGE_ALIGN: _("Aligning the translation"),
            STAGE_TRANSLATE: _("Storing the aligned translations"),
            STAGE_STORE: _("Reading and storing the units"),
            STAGE_MERGE: _("Merging duplicates"),
            STAGE_INDEX: _("Indexing the new units for search"),
            STAGE_MATCH: _("Looking up the segments in the memories"),
            STAGE_WRITE: _("Writing the units to the file")}


def describe(job: Job) -> dict[str, Any]:
    """Return ``job`` as the pages and the API show it (labels in the UI language)."""
    progress = job_queue().progress_of(job)
    stage = stage_labels().get(progress.stage, progress.stage)
    state = job.state.value
    if job.state == JobState.RUNNING and progress.stage != QUEUED_STAGE:
        message = _("%(stage)s — %(done)s of %(total)s", stage=stage,
                    done=format_decimal(progress.done), total=format_decimal(progress.total))
    elif job.state == JobState.DONE:
        message = _("Done.")
    elif job.state == JobState.CANCELLED:
        message = _("Cancelled; nothing of it was stored.")
    elif job.state == JobState.INTERRUPTED:
        message = _("Interrupted (the process running it stopped) while: %(stage)s. "
                    "Nothing of it was stored; it can run again.", stage=stage)
    elif job.state == JobState.FAILED:
        message = (worded(job.error_message) if job.error_message is not None
                   else _("Something went wrong on our side; nothing was saved."))
    else:
        message = stage
    return {"id": job.id, "kind": job.kind, "title": job.title, "state": state,
            **progress.as_dict(), "stage_label": stage, "message": message,
            "error": message if job.state == JobState.FAILED else None,
            "result": job.result if job.state == JobState.DONE else None,
            "attempts": job.attempts, "retryable": _retryable(job),
            "cancellable": job.state in (JobState.QUEUED, JobState.RUNNING),
            "created_at": job.created_at.isoformat(),
            "finished_at": job.finished_at.isoformat() if job.finished_at else None,
            "url": url_for("jobs.show", job_id=job.id),
            "download": url_for("jobs.download", job_id=job.id) if _has_file(job) else None}


def _has_file(job: Job) -> bool:
    """Whether ``job`` left a file for its owner (an export from the browser, done)."""
    return (job.kind == EXPORT_MEMORY and job.state == JobState.DONE
            and job.result is not None and job.result.get("file") == EXPORT_FILE)


def _retryable(job: Job) -> bool:
    return job.state in RETRYABLE and job.params is not None


def retry(job: Job) -> None:
    """Run failed or interrupted ``job`` again (its owner must still have the role for it)."""
    from tm.errors import ForbiddenError

    if not require_actor().may(KIND_ROLE.get(job.kind, Role.ADMIN)):
        raise ForbiddenError("job-role-forbidden", "Your role may not run this job.")
    job_queue().retry(get_session(), job)


def cancel(job: Job) -> bool:
    """Cancel ``job``: True if it ended at once, False if its worker stops it at its next step."""
    return job_queue().cancel(get_session(), job)


def list_mine(session: Session, user: User) -> list[dict[str, Any]]:
    return [describe(job) for job in list_jobs(session, owner=user, limit=LISTED,
                                               alive=job_queue().alive)]


@bp.get("/jobs")
@requires(Role.VIEWER)
def index() -> str:
    """List the user's jobs, newest first."""
    session = get_session()
    jobs = list_mine(session, require_actor().user)
    session.commit()
    return render_template("jobs/index.html", jobs=jobs)


@bp.get("/api/jobs")
@requires(Role.VIEWER)
def api_index() -> ResponseReturnValue:
    """List the user's jobs as JSON, newest first."""
    session = get_session()
    jobs = list_mine(session, require_actor().user)
    session.commit()
    return jsonify(jobs)


@bp.get("/jobs/<job_id>")
@requires(Role.VIEWER)
def show(job_id: str) -> ResponseReturnValue:
    """Show a job: its progress while it runs, its outcome when it ends."""
    job = find(job_id)
    if job.state == JobState.DONE and job.kind == IMPORT_ARTICLE and job.result:
        return redirect(url_for("documents.show", document_id=job.result["document_id"]),
                        code=303)
    return render_template("jobs/show.html", job=describe(job), report=_report(job)), 200


def _report(job: Job) -> dict[str, Any] | None:
    """A TMX import's report to show, its warnings and skip reasons as messages."""
    if job.state != JobState.DONE or job.kind != IMPORT_TMX or not job.result:
        return None
    said = job.result.get("said") or {}
    if not said:  # kept by an older Sverka: its English as it is
        return job.result
    return {**job.result, "warnings": [from_stored(w) for w in said.get("warnings", [])],
            "skipped": {from_stored(reason): count for reason, count in said.get("skipped", [])}}


@bp.get("/api/jobs/<job_id>")
@requires(Role.VIEWER)
def api_show(job_id: str) -> ResponseReturnValue:
    """Return a job's state, stage, done of total, and its result or error."""
    return jsonify(describe(find(job_id)))


@bp.post("/jobs/<job_id>/retry")
@requires(Role.VIEWER)
def retry_view(job_id: str) -> Response:
    """Run a failed or interrupted job again from what it was given; show its progress."""
    job = find(job_id)
    retry(job)
    return redirect(url_for("jobs.show", job_id=job.id), code=303)


@bp.post("/api/jobs/<job_id>/retry")
@requires(Role.VIEWER)
def api_retry(job_id: str) -> ResponseReturnValue:
    """Run a failed or interrupted job again; 202 with its state."""
    job = find(job_id)
    retry(job)
    return jsonify(describe(job)), 202


@bp.post("/jobs/<job_id>/cancel")
@requires(Role.VIEWER)
def cancel_view(job_id: str) -> Response:
    """Cancel a queued or running job; show it."""
    cancel(find(job_id))
    return redirect(url_for("jobs.show", job_id=job_id), code=303)


@bp.post("/api/jobs/<job_id>/cancel")
@requires(Role.VIEWER)
def api_cancel(job_id: str) -> ResponseReturnValue:
    """Cancel a queued or running job: 200 if it ended, 202 if its worker is stopping it."""
    job = find(job_id)
    ended = cancel(job)
    return jsonify(describe(job)), 200 if ended else 202


@bp.get("/jobs/<job_id>/download")
@requires(Role.VIEWER)
def download(job_id: str) -> Response:
    """Download the file a job left (an export), streamed from the shared spool."""
    job = find(job_id)
    if not _has_file(job):
        raise NotFoundError("job-file-none", "This job has no file to download.")
    path = result_folder(job_queue().spool_dir, job.id) / EXPORT_FILE
    if not path.is_file():
        raise NotFoundError(Plural(
            "job-file-removed",
            "The file was removed (files are kept {count} day after their job); run the "
            "export again.",
            "The file was removed (files are kept {count} days after their job); run the "
            "export again.", count=KEEP_PARAMS.days))
    memory = str(job.result.get("memory") or "export")  # type: ignore[union-attr]
    response = send_file(path, mimetype="application/x-tmx+xml", conditional=True,
                         max_age=0)
    response.headers["Content-Disposition"] = attachment(f"{memory}.tmx", default=EXPORT_FILE)
    return response


# The same for programs with an API token (Authorization: Bearer).
bp.add_url_rule("/api/jobs/<job_id>/download", "api_download", download)
