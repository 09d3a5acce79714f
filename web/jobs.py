"""Background jobs: long work (an import) runs in a thread while the page polls its progress.

A job lives in the server process that started it (``sverka serve`` is one process with
threads). It belongs to the browser session that started it, so nobody else can read it,
and it is forgotten a while after it finished. The work function owns its transaction:
whatever it did not commit is rolled back when it fails.
"""
from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask

from tm.errors import SverkaError

RUNNING, DONE, FAILED = "running", "done", "failed"
QUEUED = "queued"  # the stage before the work reports its first one
# A finished job is kept this long for the page that polls it (and a reload of that page).
KEEP_FINISHED_S = 3600.0


@dataclass(slots=True)
class Job:
    """The progress and outcome of one background job; read it through :meth:`snapshot`."""

    id: str
    owner: str
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


def start(app: Flask, work: Callable[[Job], dict[str, Any]], *, owner: str,
          context: dict[str, Any] | None = None) -> Job:
    """Run ``work(job)`` in a thread and return the job at once.

    ``work`` reports progress with ``job.report`` and returns the result (e.g. the new
    document's id). A SverkaError fails the job with its message; anything else fails it
    with a generic message and is logged.
    """
    job = Job(id=secrets.token_urlsafe(16), owner=owner, context=context or {})
    jobs, lock = _registry(app)
    with lock:
        _forget_old(jobs)
        jobs[job.id] = job

    def run() -> None:
        try:
            job._finish(DONE, result=work(job))
        except SverkaError as error:
            job._finish(FAILED, error=str(error))
        except Exception:  # a thread's exception would vanish: record and log it
            app.logger.exception("background job %s failed", job.id)
            job._finish(FAILED, error="")

    threading.Thread(target=run, name=f"sverka-job-{job.id[:8]}", daemon=True).start()
    return job


def get(app: Flask, job_id: str, *, owner: str) -> Job | None:
    """Return job ``job_id`` if it exists and belongs to ``owner``."""
    jobs, lock = _registry(app)
    with lock:
        job = jobs.get(job_id)
    if job is None or not secrets.compare_digest(job.owner, owner):
        return None
    return job


def _forget_old(jobs: dict[str, Job]) -> None:
    now = time.monotonic()
    for job_id in [k for k, j in jobs.items()
                   if j.finished_at is not None and now - j.finished_at > KEEP_FINISHED_S]:
        del jobs[job_id]
