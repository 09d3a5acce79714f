"""Background jobs: long work (an import) runs in a thread while the page polls its progress.

What a job is and what became of it is in the ``job`` table (:mod:`tm.jobs`), so a job
outlives the process that ran it: after a restart or a crash, its page says it was
interrupted, nothing of it was stored, and what the user gave is still there to try again.
Its live progress (stage, done of total) is in the memory of the process running it. A job
belongs to the user who started it. The work function owns its transaction: whatever it
did not commit is rolled back when it fails; the job's own states are written in short
transactions beside it.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from tm.errors import SverkaError
from tm.jobs import claim_job, fail_job, finish_job
from tm.models import JobState

RUNNING, DONE, FAILED = JobState.RUNNING.value, JobState.DONE.value, JobState.FAILED.value
INTERRUPTED = JobState.INTERRUPTED.value
QUEUED = "queued"  # the stage before the work reports its first one
# A finished job's live progress is kept this long; its row, for good.
KEEP_FINISHED_S = 3600.0


@dataclass(slots=True)
class Job:
    """The live progress and outcome of one job of this process; read it by :meth:`snapshot`."""

    id: str
    owner: int
    state: str = RUNNING
    stage: str = QUEUED
    step: int = 0  # the how-manieth stage this is (1-based, 0 while queued)
    done: int = 0
    total: int = 0
    error: str | None = None
    result: dict[str, Any] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)  # what the page needs to show it
    finished_at: float | None = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def report(self, stage: str, done: int, total: int) -> None:
        """Record how far ``stage`` has come (called from the job's thread)."""
        with self.lock:
            if stage != self.stage:
                self.step += 1
            self.stage, self.done, self.total = stage, done, total

    def snapshot(self) -> dict[str, Any]:
        """Return the job's state as a consistent dict."""
        with self.lock:
            return {"id": self.id, "state": self.state, "stage": self.stage,
                    "step": self.step, "done": self.done, "total": self.total,
                    "error": self.error, "result": dict(self.result)}

    def _finish(self, state: str, *, result: dict[str, Any] | None = None,
                error: str | None = None) -> None:
        with self.lock:
            self.state, self.error = state, error
            self.result = result or {}
            self.finished_at = time.monotonic()


def _registry(app: Flask) -> tuple[dict[str, Job], threading.Lock]:
    jobs = app.extensions.setdefault("sverka_jobs", ({}, threading.Lock()))
    return jobs  # type: ignore[no-any-return]


def _write(sessions: sessionmaker[Session], change: Callable[[Session], object]) -> None:
    with sessions() as session, session.begin():
        change(session)


def start(app: Flask, work: Callable[[Job], dict[str, Any]], *, job_id: str, owner: int,
          context: dict[str, Any] | None = None) -> Job:
    """Run queued job ``job_id`` (its row made by the caller) as ``work(job)`` in a thread.

    ``work`` reports progress with ``job.report`` and returns the result (e.g. the new
    document's id). A SverkaError fails the job with its message; anything else fails it
    with a generic message and is logged.
    """
    job = Job(id=job_id, owner=owner, context=context or {})
    jobs, lock = _registry(app)
    with lock:
        _forget_old(jobs)
        jobs[job.id] = job
    sessions: sessionmaker[Session] = app.extensions["sverka_sessions"]

    def run() -> None:
        try:
            _write(sessions, lambda session: claim_job(session, job.id))
            result = work(job)
            _write(sessions, lambda session: finish_job(session, job.id, result))
            job._finish(DONE, result=result)
        except SverkaError as error:
            _record_failure(str(error))
            job._finish(FAILED, error=str(error))
        except Exception:  # a thread's exception would vanish: record and log it
            app.logger.exception("background job %s failed", job.id)
            _record_failure("")
            job._finish(FAILED, error="")

    def _record_failure(message: str) -> None:
        try:
            _write(sessions, lambda session: fail_job(session, job.id, message))
        except Exception:  # the database itself is what failed: the process's copy says it
            app.logger.exception("could not record that job %s failed", job.id)

    threading.Thread(target=run, name=f"sverka-job-{job.id[:8]}", daemon=True).start()
    return job


def get(app: Flask, job_id: str, *, owner: int) -> Job | None:
    """Return this process's live job ``job_id`` if it belongs to ``owner``."""
    jobs, lock = _registry(app)
    with lock:
        job = jobs.get(job_id)
    if job is None or job.owner != owner:
        return None
    return job


def _forget_old(jobs: dict[str, Job]) -> None:
    now = time.monotonic()
    for job_id in [k for k, j in jobs.items()
                   if j.finished_at is not None and now - j.finished_at > KEEP_FINISHED_S]:
        del jobs[job_id]
