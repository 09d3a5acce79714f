"""The task queue: where jobs wait for a worker, and where a running job's progress is read.

Sverka puts its long work on Huey (https://huey.readthedocs.io): one small, well-kept library
whose queue lives in a SQLite file for the embedded default (no server: ``sverka serve`` runs
its consumer in-process) and in Redis or PostgreSQL for a team (``sverka worker`` runs
consumers on any machine that reaches the queue and the database). Celery would need a
broker even for one user.

The queue carries only a job's id; what the job is and what became of it are in the ``job``
table (:mod:`tm.jobs`), so every process of every machine reads the same. While a job runs,
its progress (stage, done of total) and a heartbeat are in the queue's key-value store, not
in the database: on SQLite a running import holds the database's one write lock, and a page
asking how far it has come must not wait for it.

Delivery: Huey takes a message off the queue once; a worker killed mid-job loses it, and its
job is then *interrupted* (its process is gone, or its heartbeat stopped), to be run again
with :meth:`JobQueue.retry`, which puts the same job id on the queue again. The job id is the
idempotency key: a worker runs a job only if it wins the claim of a *queued* row
(:func:`tm.jobs.claim_job`), and ends it done in the work's own transaction only if the row
still says it runs there (:func:`tm.jobs.finish_job`), so a message delivered twice, or a
worker given up for dead that comes back, never makes a job run twice or store twice.
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session, sessionmaker

from tm.db import resource_error
from tm.errors import InputError, SverkaError
from tm.jobs import (
    JobLost,
    JobProgress,
    cancel_job,
    claim_job,
    end_cancelled,
    fail_job,
    finish_job,
    forget_params,
    get_job,
    interrupt_dead,
    kept_inputs,
    kept_results,
    requeue_job,
    this_worker,
    worker_alive,
)
from tm.models import Job, JobState

if TYPE_CHECKING:
    from huey import Huey
    from huey.consumer import Consumer

    from tm.messages import Message

log = logging.getLogger(__name__)

QUEUE_NAME = "sverka"
TASK_NAME = "sverka.run_job"
QUEUE_SCHEMES = ("sqlite", "redis", "rediss", "postgresql")
# A running job writes its heartbeat this often; one whose heartbeat is older than STALE_S
# (a worker on another machine that died) is interrupted.
HEARTBEAT_S = 5.0
STALE_S = 30.0
# Progress is written at most this often (and at every new stage); a cancellation request is
# looked for at most this often.
PROGRESS_EVERY_S = 0.25
CANCEL_CHECK_S = 0.5
# An idle SQLite or PostgreSQL queue is polled at least this often (Redis wakes the worker).
POLL_MAX_S = 0.5
# A spool folder without a job is left this long (its job may be about to be committed).
ORPHAN_AGE_S = 3600.0
QUEUED_STAGE = "queued"  # the stage of a job before its work reports its first
RESULTS = "results"  # the spool's folder of the files jobs leave (result_folder)


class JobCancelled(SverkaError):
    """The job's owner asked for it to stop."""


def queue_url(url: str | None, *, data_dir: Path) -> str:
    """The queue to use: ``url`` (or ``$SVERKA_QUEUE_URL``), else a SQLite file in the data dir."""
    url = url or os.environ.get("SVERKA_QUEUE_URL") or ""
    return url or f"sqlite:///{Path(data_dir) / 'queue.sqlite3'}"


def open_job_queue(sessions: sessionmaker[Session], *, data_dir: Path, url: str | None = None,
                   name: str | None = None, spool_dir: str | Path | None = None) -> JobQueue:
    """Open the job queue of a data dir; unset settings come from the environment.

    ``$SVERKA_QUEUE_URL`` (default: a SQLite file in the data dir), ``$SVERKA_QUEUE_NAME``
    (default ``sverka``), ``$SVERKA_SPOOL_DIR`` (where uploads wait for their job; default
    the data dir's ``spool``: with workers on several machines, a directory they all mount).
    """
    return JobQueue(queue_url(url, data_dir=data_dir), sessions,
                    spool_dir=Path(spool_dir or os.environ.get("SVERKA_SPOOL_DIR")
                                   or Path(data_dir) / "spool"),
                    name=name or os.environ.get("SVERKA_QUEUE_NAME") or QUEUE_NAME)


def open_huey(url: str, *, name: str = QUEUE_NAME) -> Huey:
    """Return a Huey queue on ``url``: ``sqlite:///PATH``, ``redis://…`` or ``postgresql://…``."""
    from huey import PostgresHuey, RedisHuey, SqliteHuey

    scheme = urlsplit(url).scheme.split("+", 1)[0]
    if scheme == "sqlite":
        path = Path(url.split(":///", 1)[1] if ":///" in url else "")
        if not path.name:
            raise InputError("queue-url-no-file", "the queue URL {url!r} names no file: sqlite:///PATH",
                             url=url)
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(name, filename=str(path), results=False)
    if scheme in ("redis", "rediss"):
        return RedisHuey(name, url=url, results=False)
    if scheme == "postgresql":
        dsn = url.replace("postgresql+psycopg://", "postgresql://", 1)
        # Polled, not LISTEN: Huey leaves a listening connection per thread to the garbage
        # collector, and a poll of an indexed table twice a second costs nothing.
        return PostgresHuey(name, dsn=dsn, results=False, table_prefix="sverka_queue",
                            blocking=False)
    raise InputError("queue-url-unknown", "cannot use {url!r} as the job queue: give "
                     "sqlite:///PATH, redis://HOST:PORT/DB or postgresql://…", url=url)


@dataclass
class JobRun:
    """One run of a job, as its work sees it: what it was given, and where to say how far it is."""

    job_id: str
    kind: str
    owner_id: int | None
    params: dict[str, Any]
    spool_dir: Path
    report: Callable[[str, int, int], None]

    def input_path(self, name: str) -> Path:
        """The path of input file ``name`` of this job in the spool."""
        return spool_folder(self.spool_dir, self.job_id) / name


# What a kind of job does: work in the session (never committing it) and return the result.
Work = Callable[[Session, JobRun], dict[str, Any]]


def spool_folder(spool_dir: Path, job_id: str) -> Path:
    """The folder where job ``job_id``'s uploads wait for it (every worker reads it)."""
    return Path(spool_dir) / job_id


def result_folder(spool_dir: Path, job_id: str) -> Path:
    """The folder where job ``job_id`` leaves a file for its owner (an export to download).

    In the spool, so every worker writes it and every app process serves it; kept for
    :data:`tm.jobs.KEEP_PARAMS` after the job is done (:func:`remove_old_results`).
    """
    return Path(spool_dir) / RESULTS / job_id


def remove_input(spool_dir: Path, job_id: str) -> None:
    """Delete job ``job_id``'s uploads."""
    shutil.rmtree(spool_folder(spool_dir, job_id), ignore_errors=True)


def tidy(session: Session, queue: JobQueue) -> tuple[int, int]:
    """At a start: end the jobs whose worker died, drop old and orphan inputs.

    Returns how many jobs were found interrupted and how many uploads were removed.
    """
    interrupted = interrupt_dead(session, alive=queue.alive)
    forgotten = forget_params(session)
    for job_id in forgotten:
        remove_input(queue.spool_dir, job_id)
    return interrupted, (len(forgotten) + remove_orphan_inputs(session, queue.spool_dir)
                         + remove_old_results(session, queue.spool_dir))


def remove_old_results(session: Session, spool_dir: Path, *,
                       older_than_s: float = ORPHAN_AGE_S) -> int:
    """Delete the result files of jobs done too long ago (or gone, failed, cancelled).

    As for inputs, only folders older than ``older_than_s`` count: a job's folder may be
    made a moment before its row is committed.
    """
    return _remove_folders(Path(spool_dir) / RESULTS, lambda: kept_results(session),
                           older_than_s=older_than_s)


def remove_orphan_inputs(session: Session, spool_dir: Path, *,
                         older_than_s: float = ORPHAN_AGE_S) -> int:
    """Delete the spooled uploads of jobs that no longer need them; return how many.

    A folder is an orphan when no job keeps its input (ended, forgotten, or never committed:
    a process that died while an upload came in). Only folders older than ``older_than_s``
    count, so an upload whose job is about to be committed is left alone.
    """
    # The results' own folder is not a job's (remove_old_results).
    return _remove_folders(Path(spool_dir), lambda: kept_inputs(session) | {RESULTS},
                           older_than_s=older_than_s)


def _remove_folders(root: Path, kept: Callable[[], set[str]], *,
                    older_than_s: float) -> int:
    """Delete the folders of ``root`` older than ``older_than_s`` whose name ``kept()`` does
    not hold (asked only when ``root`` exists); return how many."""
    if not root.is_dir():
        return 0
    keep, now, removed = kept(), time.time(), 0
    for folder in root.iterdir():
        try:
            old = now - folder.stat().st_mtime > older_than_s
        except OSError:
            continue
        if folder.is_dir() and folder.name not in keep and old:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


@dataclass
class _Reporter:
    """Writes a running job's progress to the queue's store, and tells when to stop."""

    queue: JobQueue
    job_id: str
    last: JobProgress = field(default_factory=lambda: JobProgress("queued"))
    written_step: int = 0
    written_at: float = 0.0
    checked_at: float = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        step = self.last.step + (stage != self.last.stage)
        self.last = JobProgress(stage, step, done, total)
        now = time.monotonic()
        if step != self.written_step or now - self.written_at >= PROGRESS_EVERY_S \
                or done == total:
            self.queue._put(f"progress:{self.job_id}", self.last.as_dict())
            self.written_at, self.written_step = now, step
        if now - self.checked_at >= CANCEL_CHECK_S:
            self.checked_at = now
            if self.queue.cancel_requested(self.job_id):
                raise JobCancelled("job-cancelled", "job {id} was cancelled", id=self.job_id)


class JobQueue:
    """Jobs on a Huey queue: put them on it, run them (in a worker), read how far they are."""

    def __init__(self, url: str, sessions: sessionmaker[Session], *, spool_dir: Path,
                 work: Mapping[str, Work] | None = None, name: str = QUEUE_NAME) -> None:
        self.url = url
        self.huey = open_huey(url, name=name)
        self.sessions = sessions
        self.spool_dir = Path(spool_dir)
        if work is None:
            from tm.work import WORK

            work = WORK
        self.work = dict(work)
        self._task = self.huey.task(name=TASK_NAME)(self.run)

    # -- the app's side --------------------------------------------------------------------

    def submit(self, job_id: str) -> None:
        """Put queued job ``job_id`` (its row committed) on the queue."""
        self._task(job_id)

    def retry(self, session: Session, job: Job) -> None:
        """Queue a failed or interrupted job again from what it was given (committing that)."""
        requeue_job(session, job)
        self.delete_progress(job.id)
        session.commit()
        self.submit(job.id)

    def cancel(self, session: Session, job: Job) -> bool:
        """Cancel ``job`` (committing it): True if it ended now, False if its worker stops it."""
        ended = cancel_job(session, job)
        session.commit()
        if ended:
            remove_input(self.spool_dir, job.id)
        else:  # running: its worker looks for this at its next step
            self._put(f"cancel:{job.id}", True)
        return ended

    def progress(self, job_id: str) -> JobProgress | None:
        """Return the progress a running (or interrupted) job last reported, if any."""
        data = self._get(f"progress:{job_id}")
        if not isinstance(data, dict):
            return None
        try:
            return JobProgress(str(data["stage"]), int(data["step"]), int(data["done"]),
                               int(data["total"]))
        except (KeyError, TypeError, ValueError):
            return None

    def progress_of(self, job: Job) -> JobProgress:
        """How far ``job`` has come: live while it runs, else as its row kept it."""
        if job.state in (JobState.RUNNING, JobState.INTERRUPTED):
            live = self.progress(job.id)
            if live is not None:
                return live
        if job.stage:
            return JobProgress(job.stage, 0, job.done or 0, job.total or 0)
        return JobProgress(QUEUED_STAGE)

    def alive(self, job: Job) -> bool:
        """Whether the worker of running ``job`` may still run it.

        A dead process of this machine is dead; a worker elsewhere is alive while its
        heartbeat is fresh (and, before its first, for :data:`STALE_S` after the claim).
        """
        if not worker_alive(job.worker):
            return False
        beat = self._get(f"alive:{job.id}")
        if isinstance(beat, (int, float)):
            return time.time() - beat < STALE_S
        started = job.started_at.timestamp() if job.started_at else time.time()
        return time.time() - started < STALE_S

    def cancel_requested(self, job_id: str) -> bool:
        return self._get(f"cancel:{job_id}") is True

    def delete_progress(self, job_id: str) -> None:
        for key in (f"progress:{job_id}", f"alive:{job_id}", f"cancel:{job_id}"):
            self.huey.delete(key)

    def reachable(self) -> bool:
        """Whether the queue's store answers."""
        try:
            self.huey.storage.peek_data("ping")
        except Exception:  # any driver's error: the store is down or unreachable
            log.warning("the job queue does not answer", exc_info=True)
            return False
        return True

    def close(self) -> None:
        """Release the queue's connections."""
        close = getattr(self.huey.storage, "close", None)
        if close is not None:
            close()

    # -- the worker's side -----------------------------------------------------------------

    def consumer(self, workers: int = 1) -> Consumer:
        """Return a Huey consumer of this queue running ``workers`` threads (not started)."""
        from huey.consumer import Consumer

        class InProcessConsumer(Consumer):  # type: ignore[misc]
            """Signals are the host's (the web server's, or `sverka worker`'s own loop)."""

            def _set_signal_handlers(self) -> None:
                return None

        polled = not self.url.startswith("redis")  # Redis wakes the worker (BRPOP)
        return InProcessConsumer(self.huey, workers=workers, periodic=False,
                                 max_delay=POLL_MAX_S if polled else 10.0,
                                 check_worker_health=True, flush_locks=False)

    def run(self, job_id: str) -> None:
        """Run job ``job_id`` if this worker wins its claim (the queue calls this)."""
        worker = this_worker()
        with self.sessions() as session, session.begin():
            if not claim_job(session, job_id, worker):
                log.info("job %s is not queued: not run again", job_id)
                return
            job = get_job(session, job_id)
            reporter = _Reporter(self, job_id)
            run = JobRun(job_id=job.id, kind=job.kind, owner_id=job.owner_id,
                         params=dict(job.params or {}), spool_dir=self.spool_dir,
                         report=reporter)
        beating = self._heartbeat(job_id)
        try:
            self._run(run, reporter, worker)
        finally:
            beating.set()

    def _run(self, run: JobRun, reporter: _Reporter, worker: str) -> None:
        work = self.work.get(run.kind)
        try:
            if work is None:
                raise SverkaError("job-kind-unknown",
                                  "this Sverka cannot run jobs of kind {kind!r}", kind=run.kind)
            with self.sessions() as session:  # closing it rolls back what was not committed
                result = work(session, run)
                finish_job(session, run.job_id, result, worker=worker, progress=reporter.last)
                session.commit()
        except JobCancelled:
            self._end(lambda s: end_cancelled(s, run.job_id, worker=worker,
                                              progress=reporter.last))
            remove_input(self.spool_dir, run.job_id)
        except JobLost:
            log.warning("job %s was given up while it ran here: its work was rolled back",
                        run.job_id)
            return
        except SverkaError as error:
            message = error.message
            self._end(lambda s: fail_job(s, run.job_id, message, worker=worker,
                                         progress=reporter.last))
        except Exception as error:  # a bug, or the database failing: log the details
            log.exception("job %s (%s) failed", run.job_id, run.kind)
            said = resource_error(error, database=self._database_name())  # a full disk...
            reason = said.message if said is not None else None
            self._end(lambda s: fail_job(s, run.job_id, reason, worker=worker,
                                         progress=reporter.last))
        else:
            remove_input(self.spool_dir, run.job_id)
        self.delete_progress(run.job_id)  # its row keeps the last progress

    def _database_name(self) -> str | Message:
        from tm.db import database_name

        bind = self.sessions.kw.get("bind")
        return database_name(bind.url.render_as_string()) if bind is not None else "?"

    def _end(self, change: Callable[[Session], object]) -> None:
        try:
            with self.sessions() as session, session.begin():
                change(session)
        except JobLost:
            pass  # given up for dead meanwhile: its row already says so
        except Exception:  # the database itself is what failed: the next look says interrupted
            log.exception("could not record how a job ended")

    def _heartbeat(self, job_id: str) -> threading.Event:
        stop = threading.Event()

        def beat() -> None:
            while True:
                try:
                    self._put(f"alive:{job_id}", time.time())
                except Exception:  # the store is down: the job may be given up for dead
                    log.warning("could not write job %s's heartbeat", job_id, exc_info=True)
                if stop.wait(HEARTBEAT_S):
                    return

        threading.Thread(target=beat, name=f"sverka-heartbeat-{job_id[:8]}",
                         daemon=True).start()
        return stop

    # -- the store -------------------------------------------------------------------------

    def _put(self, key: str, value: Any) -> None:
        self.huey.storage.put_data(key, json.dumps(value).encode())

    def _get(self, key: str) -> Any:
        from huey.constants import EmptyData

        raw = self.huey.storage.peek_data(key)
        if raw is EmptyData or raw is None:
            return None
        try:
            return json.loads(bytes(raw))
        except ValueError:
            return None
