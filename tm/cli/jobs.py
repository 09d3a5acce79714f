"""``sverka jobs`` and ``sverka worker``: the job queue from the command line.

``sverka worker`` runs queued jobs (imports started in the browser or with ``--background``)
on any machine that reaches the queue and the database; ``sverka serve`` runs them itself
unless told ``--no-jobs``. ``sverka jobs`` lists them, ``cancel`` stops one, ``retry`` runs a
failed or interrupted one again from what it was given.
"""
from __future__ import annotations

import logging
import signal
import threading
from typing import TYPE_CHECKING, Any

import click

from tm.cli.context import CliContext, emit_json, json_option
from tm.errors import InputError
from tm.messages import for_cli

if TYPE_CHECKING:
    from tm.models import Job
    from tm.queue import JobQueue

MAX_THREADS = 16
LISTED_MAX = 1000


background_option = click.option(
    "--background", is_flag=True,
    help="Queue the work as a job and print its id (`sverka jobs` follows it) instead of "
         "waiting for it.")


def submit_job(ctx: CliContext, kind: str, *, title: str, params: dict[str, Any],
               upload: tuple[str, str] | None = None) -> str:
    """Queue a job of ``kind`` started from the command line; return its id.

    ``upload`` is ``(path, name)``: the file is copied into the job's spool folder as
    ``name``, so the job does not depend on it staying where it is.
    """
    import shutil

    from tm.jobs import create_job
    from tm.messages import system_reason
    from tm.queue import remove_input, spool_folder

    queue = ctx.queue
    with ctx.transaction() as session:
        job = create_job(session, kind, owner=None, title=title, params=params)
        if upload is not None:
            folder = spool_folder(queue.spool_dir, job.id)
            try:
                folder.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(upload[0], folder / upload[1])
            except OSError as error:
                remove_input(queue.spool_dir, job.id)
                raise InputError("job-upload-failed", "cannot queue {file}: {reason}",
                                 file=upload[0], reason=system_reason(error)) from error
            except BaseException:
                remove_input(queue.spool_dir, job.id)
                raise
        job_id = job.id
    queue.submit(job_id)
    return job_id


def echo_queued(job_id: str, as_json: bool) -> None:
    """Say that job ``job_id`` is queued (``--background``)."""
    if as_json:
        emit_json({"job": job_id, "state": "queued"})
    else:
        click.echo(f"Queued job {job_id}: `sverka jobs` shows how far it is "
                   "(a worker runs it: `sverka serve` or `sverka worker`).")


def describe(queue: JobQueue, job: Job) -> dict[str, Any]:
    """Return ``job`` as ``sverka jobs --json`` prints it."""
    progress = queue.progress_of(job)
    return {"id": job.id, "kind": job.kind, "title": job.title, "state": job.state.value,
            "stage": progress.stage, "done": progress.done, "total": progress.total,
            "error": None if job.error_message is None else str(job.error_message),
            "result": job.result, "attempts": job.attempts,
            "worker": job.worker, "created_at": job.created_at.isoformat(),
            "finished_at": job.finished_at.isoformat() if job.finished_at else None}


@click.group("jobs", invoke_without_command=True)
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, LISTED_MAX),
              help="Show at most this many, newest first.")
@json_option
@click.pass_context
def jobs_group(click_ctx: click.Context, limit: int, as_json: bool) -> None:
    """List the jobs (imports run in the background), newest first; cancel or retry one."""
    if click_ctx.invoked_subcommand is not None:
        return
    from tm.jobs import list_jobs

    ctx: CliContext = click_ctx.obj
    queue = ctx.queue
    with ctx.transaction() as session:
        jobs = list_jobs(session, limit=limit, alive=queue.alive)
        rows = [describe(queue, job) for job in jobs]
        errors = [job.error_message for job in jobs]
    if as_json:
        emit_json(rows)
        return
    if not rows:
        click.echo("No jobs yet.")
    for row, error in zip(rows, errors, strict=True):
        count = f" {row['done']:,}/{row['total']:,}" if row["total"] else ""
        click.echo(f"{row['id']}  {row['state']:<11} {row['stage']}{count}  {row['title']}"
                   + (f"  ({for_cli(error)})" if error is not None else ""))


def _find(ctx: CliContext, session: Any, job_id: str) -> Job:
    from tm.jobs import get_job

    return get_job(session, job_id, alive=ctx.queue.alive)


@jobs_group.command("cancel")
@click.argument("job_id", metavar="ID")
@json_option
@click.pass_obj
def cancel_command(ctx: CliContext, job_id: str, as_json: bool) -> None:
    """Cancel job ID: at once if queued; if running, its worker stops at its next step."""
    with ctx.transaction() as session:
        job = _find(ctx, session, job_id)
        ended = ctx.queue.cancel(session, job)
        row = describe(ctx.queue, job)
    if as_json:
        emit_json({**row, "cancelling": not ended})
    elif ended:
        click.echo(f"Cancelled job {job_id}.")
    else:
        click.echo(f"Job {job_id} is running: its worker stops it at its next step "
                   "(`sverka jobs` shows when).")


@jobs_group.command("retry")
@click.argument("job_id", metavar="ID")
@json_option
@click.pass_obj
def retry_command(ctx: CliContext, job_id: str, as_json: bool) -> None:
    """Run failed or interrupted job ID again, from what it was given."""
    with ctx.transaction() as session:
        job = _find(ctx, session, job_id)
        ctx.queue.retry(session, job)
        row = describe(ctx.queue, job)
    if as_json:
        emit_json({"job": job_id, **row})
    else:
        click.echo(f"Queued job {job_id} again.")


@click.command("worker")
@click.option("--threads", default=1, show_default=True, type=click.IntRange(1, MAX_THREADS),
              help="Jobs run at once (on SQLite one writes at a time: keep 1).")
@click.pass_obj
def worker_command(ctx: CliContext, threads: int) -> None:
    """Run queued jobs until stopped (Ctrl+C or SIGTERM: the running ones are interrupted)."""
    from tm.queue import tidy

    ctx.ensure_schema()
    ctx.share_search_index()  # pre-translations look up
    queue = ctx.queue
    with ctx.transaction() as session:
        tidy(session, queue)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    consumer = queue.consumer(threads)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    consumer.start()
    click.echo(f"Sverka worker: {threads} thread(s) on {_shown(queue.url)} "
               f"(database: {ctx.engine.url.render_as_string(hide_password=True)}); "
               "Ctrl+C stops")
    stop.wait()
    consumer.stop(graceful=False)


def _shown(url: str) -> str:
    """The queue's URL without its password."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url.split("@", 1)[-1]


COMMANDS = [jobs_group, worker_command]
