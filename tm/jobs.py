"""Long work and what became of it: the one writer of the ``job`` table.

A job is created ``queued`` with what it needs to run (``params``) and put on the task queue
(:mod:`tm.queue`); the worker that takes it claims it (``running``, ``worker`` = ``host:pid``)
and ends it ``done`` (its params dropped: nothing is kept that the result does not need),
``failed`` or ``cancelled``. A job whose worker died is ``interrupted``: its params stay, so
the user can run it again (:func:`requeue_job`) without giving anything twice.

Every change of state is one UPDATE with the state it expects (and, once claimed, the
worker) in its WHERE, so of two processes only one wins: a job delivered twice runs once,
and a worker that was given up for dead cannot end its job done after all.
Functions take the caller's session and never commit: a state change is written by a short
transaction of its own, except that the work's own transaction ends it done (so the work
and its being done are committed together, or neither is).
"""
from __future__ import annotations

import datetime as dt
import os
import secrets
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tm.errors import ConflictError, NotFoundError
from tm.messages import Message, dumps
from tm.models import Job, JobState, User, utcnow

ENDED = frozenset({JobState.DONE, JobState.FAILED, JobState.INTERRUPTED, JobState.CANCELLED})
# Ended jobs that can run again from what they were given.
RETRYABLE = frozenset({JobState.FAILED, JobState.INTERRUPTED})
ID_MAX = 32
TITLE_MAX = 200
STAGE_MAX = 40
# Ended jobs' params (an article someone pasted, an upload) are dropped after this long.
KEEP_PARAMS = dt.timedelta(days=7)

# Whether the worker of a running job may still run it (default: :func:`worker_alive`).
Alive = Callable[[Job], bool]


@dataclass(frozen=True, slots=True)
class JobProgress:
    """How far a job has come: its stage (the how-manieth, 1-based), done of total."""

    stage: str
    step: int = 0
    done: int = 0
    total: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"stage": self.stage, "step": self.step, "done": self.done,
                "total": self.total}


class JobLost(ConflictError):
    """The job is no longer this worker's to end: cancelled, or given up for dead."""


def this_worker() -> str:
    """The name this process runs jobs under: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` runs on this machine."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def worker_alive(worker: str | None) -> bool:
    """Whether ``worker`` may still run: false only for a dead process of this machine."""
    host, _, pid = (worker or "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True  # another machine's process (or none yet): cannot tell it died
    return process_alive(int(pid))


def _worker_of(job: Job) -> bool:
    return worker_alive(job.worker)


def create_job(session: Session, kind: str, *, owner: User | None, title: str,
               params: dict[str, Any]) -> Job:
    """Add a queued job of ``kind`` for ``owner``."""
    job = Job(id=secrets.token_hex(16), kind=kind, state=JobState.QUEUED,
              owner_id=owner.id if owner else None, title=title[:TITLE_MAX], params=params,
              attempts=0)
    session.add(job)
    session.flush()
    return job


def get_job(session: Session, job_id: str, *, owner: User | None = None,
            alive: Alive = _worker_of) -> Job:
    """Return job ``job_id`` (of ``owner``, if given), marking it interrupted if its worker died.

    NotFoundError if there is none, or it is someone else's.
    """
    session.flush()  # then read it as stored: another process may have changed it
    job = session.get(Job, job_id[:ID_MAX], populate_existing=True) if job_id else None
    if job is None or (owner is not None and job.owner_id != owner.id):
        raise NotFoundError("job-missing", "no job {id!r}", id=job_id[:ID_MAX])
    _interrupt_if_dead(session, job, alive)
    return job


def claim_job(session: Session, job_id: str, worker: str | None = None) -> bool:
    """Make queued job ``job_id`` running in ``worker`` (this process); False if it is not queued.

    One UPDATE with the state in its WHERE: of two processes claiming a job, one wins.
    """
    claimed = session.execute(
        update(Job).where(Job.id == job_id, Job.state == JobState.QUEUED)
        .values(state=JobState.RUNNING, worker=worker or this_worker(), started_at=utcnow(),
                attempts=Job.attempts + 1, stage=None, done=None, total=None)
        .execution_options(synchronize_session=False))
    return bool(getattr(claimed, "rowcount", 0))


def finish_job(session: Session, job_id: str, result: dict[str, Any], *,
               worker: str | None = None, progress: JobProgress | None = None) -> None:
    """End running job ``job_id`` of ``worker`` done with ``result``; its params are dropped.

    JobLost if it is not running in ``worker`` any more: the caller rolls its work back.
    """
    _end_running(session, job_id, JobState.DONE, worker=worker, progress=progress,
                 result=result, params=None)


def fail_job(session: Session, job_id: str, error: Message | None, *,
             worker: str | None = None, progress: JobProgress | None = None) -> None:
    """End running job ``job_id`` failed with ``error`` (None: a fault of Sverka's own, not
    for users' eyes); its params stay, to try again."""
    _end_running(session, job_id, JobState.FAILED, worker=worker, progress=progress,
                 error=None if error is None else dumps(error))


def end_cancelled(session: Session, job_id: str, *, worker: str | None = None,
                  progress: JobProgress | None = None) -> None:
    """End running job ``job_id`` cancelled: its worker stopped it when asked to."""
    _end_running(session, job_id, JobState.CANCELLED, worker=worker, progress=progress,
                 params=None)


def cancel_job(session: Session, job: Job) -> bool:
    """Cancel ``job``: at once if queued (True); if running, its worker stops it (False).

    ConflictError once it has ended.
    """
    if job.state == JobState.QUEUED:
        cancelled = session.execute(
            update(Job).where(Job.id == job.id, Job.state == JobState.QUEUED)
            .values(state=JobState.CANCELLED, finished_at=utcnow(), params=None)
            .execution_options(synchronize_session=False))
        if getattr(cancelled, "rowcount", 0):
            session.refresh(job)
            return True
        session.refresh(job)  # a worker took it meanwhile
    if job.state == JobState.RUNNING:
        return False
    raise ConflictError("job-ended", "job {id} has ended ({state}): there is nothing to cancel",
                        id=job.id, state=job.state.value)


def requeue_job(session: Session, job: Job) -> None:
    """Make a failed or interrupted job queued again, from what it was given."""
    if job.state not in RETRYABLE or job.params is None:
        raise ConflictError("job-not-retryable",
                            "job {id} is {state}: only a failed or interrupted job whose input "
                            "is still kept can run again", id=job.id, state=job.state.value)
    requeued = session.execute(
        update(Job).where(Job.id == job.id, Job.state == job.state)
        .values(state=JobState.QUEUED, worker=None, error=None, result=None,
                started_at=None, finished_at=None)
        .execution_options(synchronize_session=False))
    session.refresh(job)
    if not getattr(requeued, "rowcount", 0):
        raise ConflictError("job-changed", "job {id} changed meanwhile: it is {state}",
                            id=job.id, state=job.state.value)


def interrupt_dead(session: Session, alive: Alive = _worker_of) -> int:
    """Mark the running jobs whose worker died interrupted; return how many."""
    running = session.scalars(select(Job).where(Job.state == JobState.RUNNING)).all()
    return sum(_interrupt_if_dead(session, job, alive) for job in running)


def forget_params(session: Session, *, now: dt.datetime | None = None) -> list[str]:
    """Drop the params of jobs that ended more than :data:`KEEP_PARAMS` ago; return their ids."""
    ids = list(session.scalars(select(Job.id).where(
        Job.state.in_(ENDED), Job.finished_at < (now or utcnow()) - KEEP_PARAMS,
        Job.params.is_not(None))))
    if ids:
        session.execute(update(Job).where(Job.id.in_(ids)).values(params=None)
                        .execution_options(synchronize_session=False))
    return ids


def kept_results(session: Session, *, now: dt.datetime | None = None) -> set[str]:
    """Return the ids of the jobs whose result file is kept: not ended yet, or done within
    :data:`KEEP_PARAMS` (an export waits that long to be downloaded)."""
    since = (now or utcnow()) - KEEP_PARAMS
    return set(session.scalars(select(Job.id).where(
        Job.state.not_in(ENDED) | ((Job.state == JobState.DONE) & (Job.finished_at >= since)))))


def kept_inputs(session: Session) -> set[str]:
    """Return the ids of the jobs whose input is kept (queued, running, or to run again)."""
    return set(session.scalars(select(Job.id).where(Job.params.is_not(None))))


def list_jobs(session: Session, *, owner: User | None = None, limit: int = 100,
              alive: Alive = _worker_of) -> Sequence[Job]:
    """Return the newest jobs (of ``owner``), interrupted ones said so."""
    query = select(Job).order_by(Job.created_at.desc(), Job.id).limit(limit)
    if owner is not None:
        query = query.where(Job.owner_id == owner.id)
    jobs = session.scalars(query).all()
    for job in jobs:
        _interrupt_if_dead(session, job, alive)
    return jobs


def _interrupt_if_dead(session: Session, job: Job, alive: Alive) -> bool:
    """End ``job`` interrupted if it is running in a dead worker; whether it was."""
    if job.state != JobState.RUNNING or alive(job):
        return False
    interrupted = session.execute(
        update(Job).where(Job.id == job.id, Job.state == JobState.RUNNING,
                          Job.worker == job.worker)
        .values(state=JobState.INTERRUPTED, finished_at=utcnow(),
                error=dumps(Message("job-interrupted", "the process running it stopped")))
        .execution_options(synchronize_session=False))
    session.refresh(job)
    return bool(getattr(interrupted, "rowcount", 0))


def record_progress(job: Job, progress: JobProgress | None) -> None:
    """Keep ``progress`` (read from the queue's store) in ``job``'s row, e.g. once it ended."""
    if progress is not None:
        job.stage, job.done, job.total = progress.stage[:STAGE_MAX], progress.done, \
            progress.total


def _end_running(session: Session, job_id: str, state: JobState, *, worker: str | None,
                 progress: JobProgress | None, **values: Any) -> None:
    if progress is not None:
        values.update(stage=progress.stage[:STAGE_MAX], done=progress.done,
                      total=progress.total)
    ended = session.execute(
        update(Job).where(Job.id == job_id, Job.state == JobState.RUNNING,
                          Job.worker == (worker or this_worker()))
        .values(state=state, finished_at=utcnow(), **values)
        .execution_options(synchronize_session=False))
    if not getattr(ended, "rowcount", 0):
        raise JobLost("job-lost", "job {id} is no longer running in this worker", id=job_id)
