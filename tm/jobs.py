"""Long work and what became of it: the one writer of the ``job`` table.

A job is created ``queued`` with what it needs to run (``params``), claimed by the process
that runs it (``running``, ``worker`` = ``host:pid``), and ends ``done`` (its params dropped:
nothing is kept that the result does not need), ``failed`` or ``cancelled``. A job whose
process died is ``interrupted``: any process on the same machine can tell, since the pid no
longer runs, and its params stay so the user can run it again without losing what they gave.
Functions take the caller's session and never commit: a state change is written by a short
transaction of its own, never the work's (which on SQLite holds the one write lock).
"""
from __future__ import annotations

import datetime as dt
import os
import secrets
import socket
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tm.errors import ConflictError, NotFoundError
from tm.models import Job, JobState, User, utcnow

ENDED = frozenset({JobState.DONE, JobState.FAILED, JobState.INTERRUPTED, JobState.CANCELLED})
ID_MAX = 32
TITLE_MAX = 200
# Ended jobs' params (an article someone pasted) are dropped after this long.
KEEP_PARAMS = dt.timedelta(days=7)


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


def create_job(session: Session, kind: str, *, owner: User | None, title: str,
               params: dict[str, Any]) -> Job:
    """Add a queued job of ``kind`` for ``owner``."""
    job = Job(id=secrets.token_hex(16), kind=kind, state=JobState.QUEUED,
              owner_id=owner.id if owner else None, title=title[:TITLE_MAX], params=params)
    session.add(job)
    session.flush()
    return job


def get_job(session: Session, job_id: str, *, owner: User | None = None) -> Job:
    """Return job ``job_id`` (of ``owner``, if given), marking it interrupted if its process died.

    NotFoundError if there is none, or it is someone else's.
    """
    session.flush()  # then read it as stored: another process may have changed it
    job = session.get(Job, job_id[:ID_MAX], populate_existing=True) if job_id else None
    if job is None or (owner is not None and job.owner_id != owner.id):
        raise NotFoundError(f"no job {job_id[:ID_MAX]!r}")
    _interrupt_if_dead(job)
    return job


def claim_job(session: Session, job_id: str, worker: str | None = None) -> bool:
    """Make queued job ``job_id`` running in ``worker`` (this process); False if it is not queued.

    One UPDATE with the state in its WHERE: of two processes claiming a job, one wins.
    """
    claimed = session.execute(
        update(Job).where(Job.id == job_id, Job.state == JobState.QUEUED)
        .values(state=JobState.RUNNING, worker=worker or this_worker(), started_at=utcnow())
        .execution_options(synchronize_session="fetch"))
    return bool(getattr(claimed, "rowcount", 0))


def finish_job(session: Session, job_id: str, result: dict[str, Any]) -> None:
    """End running job ``job_id`` done with ``result``; its params are dropped."""
    job = get_job(session, job_id)
    job.params = None
    _end(job, JobState.DONE, result=result)


def fail_job(session: Session, job_id: str, error: str) -> None:
    """End job ``job_id`` failed with ``error`` (its params stay, to try again)."""
    _end(get_job(session, job_id), JobState.FAILED, error=error)


def cancel_job(session: Session, job: Job) -> None:
    """Cancel a job that has not started; ConflictError once it has."""
    if job.state != JobState.QUEUED:
        raise ConflictError(f"job {job.id} is {job.state.value}: only a queued job can be "
                            "cancelled")
    _end(job, JobState.CANCELLED)


def interrupt_dead(session: Session) -> int:
    """Mark the jobs of this machine's dead processes interrupted; return how many."""
    running = session.scalars(select(Job).where(Job.state == JobState.RUNNING)).all()
    return sum(_interrupt_if_dead(job) for job in running)


def forget_params(session: Session, *, now: dt.datetime | None = None) -> None:
    """Drop the params of jobs that ended more than :data:`KEEP_PARAMS` ago."""
    session.execute(update(Job).where(
        Job.state.in_(ENDED), Job.finished_at < (now or utcnow()) - KEEP_PARAMS,
        Job.params.is_not(None)).values(params=None))


def list_jobs(session: Session, *, owner: User | None = None,
              limit: int = 100) -> Sequence[Job]:
    """Return the newest jobs (of ``owner``), interrupted ones said so."""
    query = select(Job).order_by(Job.created_at.desc()).limit(limit)
    if owner is not None:
        query = query.where(Job.owner_id == owner.id)
    jobs = session.scalars(query).all()
    for job in jobs:
        _interrupt_if_dead(job)
    return jobs


def _interrupt_if_dead(job: Job) -> bool:
    """End ``job`` interrupted if it is running in a dead process; whether it was."""
    if job.state != JobState.RUNNING or worker_alive(job.worker):
        return False
    _end(job, JobState.INTERRUPTED, error="the process running it stopped")
    return True


def _end(job: Job, state: JobState, *, result: dict[str, Any] | None = None,
         error: str | None = None) -> None:
    job.state, job.finished_at = state, utcnow()
    if result is not None:
        job.result = result
    if error is not None:
        job.error = error
