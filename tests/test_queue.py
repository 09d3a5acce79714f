"""Jobs on a real task queue (Huey on SQLite, Redis and PostgreSQL): run once, end once.

Each test runs a real consumer of a queue of its own; the work functions are the test's, so
it can hold a job mid-way, count how often it ran, or make it fail.
"""
from __future__ import annotations

import datetime as dt
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from tests.components import _missing, require_redis
from tests.dbutil import server_url
from tm.db import session_factory
from tm.jobs import KEEP_PARAMS, JobLost, claim_job, create_job, finish_job, get_job
from tm.memory.memories import get_or_create_memory
from tm.models import Job, JobState, Memory, utcnow
from tm.queue import (
    RESULTS,
    JobQueue,
    JobRun,
    remove_old_results,
    remove_orphan_inputs,
    result_folder,
    spool_folder,
)

WAIT_S = 30.0
POSTGRES_QUEUE = "postgresql://postgres@127.0.0.1:5432/test"


def _store_url(store: str, tmp_path: Path) -> str:
    if store == "sqlite":
        return f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    if store == "redis":
        return require_redis()
    url = (server_url() or POSTGRES_QUEUE).replace("postgresql+psycopg://", "postgresql://")
    try:
        import psycopg

        psycopg.connect(url, connect_timeout=2).close()
    except Exception:
        _missing(f"a PostgreSQL server at {url}")
    return url


class Held:
    """Work that reports a stage, then waits until released (or cancelled), counting runs."""

    def __init__(self, *, writes: bool = True) -> None:
        self.writes = writes  # on SQLite a job that wrote holds the one write lock
        self.release = threading.Event()
        self.started = threading.Event()
        self.runs = 0

    def __call__(self, session: Session, run: JobRun) -> dict[str, Any]:
        self.runs += 1
        if self.writes:
            get_or_create_memory(session, f"held-{run.job_id}", src_lang="ru", tgt_lang="en")
            session.flush()
        run.report("store-units", 1, 10)
        self.started.set()
        deadline = time.monotonic() + WAIT_S
        while not self.release.wait(0.05):
            run.report("store-units", 2, 10)  # raises JobCancelled once cancelled
            assert time.monotonic() < deadline
        return {"memory": f"held-{run.job_id}"}


def _fails(session: Session, run: JobRun) -> dict[str, Any]:
    raise RuntimeError("a bug with a secret path /srv/x")


@pytest.fixture(params=["sqlite", "redis", "postgresql"])
def make_queue(request: pytest.FixtureRequest, clean_db: Engine, tmp_path: Path
               ) -> Iterator[Callable[[dict[str, Any]], JobQueue]]:
    """Make a queue of this test's own on one store, with a running consumer."""
    made: list[tuple[JobQueue, Any]] = []

    def make(work: dict[str, Any]) -> JobQueue:
        queue = JobQueue(_store_url(request.param, tmp_path), session_factory(clean_db),
                         spool_dir=tmp_path / "spool", work=work,
                         name=f"test-{secrets.token_hex(6)}")
        consumer = queue.consumer(1)
        consumer.start()
        made.append((queue, consumer))
        return queue

    yield make
    for queue, consumer in made:
        consumer.stop(graceful=True)
        queue.close()


def _submit(engine: Engine, queue: JobQueue, kind: str, params: dict[str, Any] | None = None
            ) -> str:
    with Session(engine) as session:
        job_id = create_job(session, kind, owner=None, title=kind, params=params or {}).id
        session.commit()
    queue.submit(job_id)
    return job_id


def _job(engine: Engine, job_id: str, queue: JobQueue) -> Job:
    with Session(engine, expire_on_commit=False) as session:
        job = get_job(session, job_id, alive=queue.alive)
        session.commit()
        return job


def _ended(engine: Engine, job_id: str, queue: JobQueue) -> Job:
    deadline = time.monotonic() + WAIT_S
    while (job := _job(engine, job_id, queue)).state in (JobState.QUEUED, JobState.RUNNING):
        assert time.monotonic() < deadline, job.state
        time.sleep(0.02)
    return job


def _memories(engine: Engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(Memory)) or 0


def test_a_queued_job_is_run_by_a_worker_and_ends_done_with_its_result(
        make_queue: Callable[..., JobQueue], clean_db: Engine) -> None:
    work = Held()
    queue = make_queue({"held": work})
    job_id = _submit(clean_db, queue, "held", {"x": 1})
    assert work.started.wait(WAIT_S)
    assert queue.progress(job_id).as_dict() == {  # type: ignore[union-attr]
        "stage": "store-units", "step": 1, "done": 1, "total": 10}
    assert _job(clean_db, job_id, queue).state == JobState.RUNNING
    work.release.set()
    job = _ended(clean_db, job_id, queue)
    assert (job.state, job.result, job.params) == (JobState.DONE, {"memory": f"held-{job_id}"},
                                                    None)
    assert (job.stage, job.attempts) == ("store-units", 1)
    assert queue.progress(job_id) is None and _memories(clean_db) == 1


def test_a_job_delivered_twice_runs_once(make_queue: Callable[..., JobQueue],
                                         clean_db: Engine) -> None:
    work = Held()
    queue = make_queue({"held": work})
    job_id = _submit(clean_db, queue, "held")
    queue.submit(job_id)  # the same message again: a redelivery, a double click
    assert work.started.wait(WAIT_S)
    work.release.set()
    assert _ended(clean_db, job_id, queue).state == JobState.DONE
    time.sleep(0.5)  # time for the second message to be taken, and refused
    assert work.runs == 1 and _memories(clean_db) == 1


def test_a_cancelled_running_job_stops_and_stores_nothing(
        make_queue: Callable[..., JobQueue], clean_db: Engine) -> None:
    work = Held()
    queue = make_queue({"held": work})
    job_id = _submit(clean_db, queue, "held")
    assert work.started.wait(WAIT_S)
    with Session(clean_db) as session:
        assert queue.cancel(session, get_job(session, job_id)) is False  # its worker stops it
    job = _ended(clean_db, job_id, queue)
    assert job.state == JobState.CANCELLED and _memories(clean_db) == 0


def test_a_queued_job_cancelled_never_runs(make_queue: Callable[..., JobQueue],
                                           clean_db: Engine) -> None:
    first, second = Held(writes=False), Held()
    queue = make_queue({"first": first, "second": second})
    running = _submit(clean_db, queue, "first")  # the one worker thread is busy with this
    assert first.started.wait(WAIT_S)
    waiting = _submit(clean_db, queue, "second")
    with Session(clean_db) as session:
        assert queue.cancel(session, get_job(session, waiting)) is True
    first.release.set()
    assert _ended(clean_db, running, queue).state == JobState.DONE
    time.sleep(0.5)
    assert _job(clean_db, waiting, queue).state == JobState.CANCELLED and second.runs == 0


def test_an_unexpected_error_fails_the_job_without_its_details(
        make_queue: Callable[..., JobQueue], clean_db: Engine) -> None:
    queue = make_queue({"fails": _fails})
    job = _ended(clean_db, _submit(clean_db, queue, "fails", {"x": 1}), queue)
    assert (job.state, job.error, job.params) == (JobState.FAILED, None, {"x": 1})


def test_a_worker_elsewhere_whose_heartbeat_stopped_is_given_up_and_cannot_end_it_done(
        make_queue: Callable[..., JobQueue], clean_db: Engine) -> None:
    queue = make_queue({})
    with Session(clean_db) as session:
        job = create_job(session, "held", owner=None, title="t", params={"x": 1})
        claim_job(session, job.id, worker="another-machine:4242")
        session.commit()
        assert queue.alive(job)  # just claimed: its first heartbeat may be on the way
        session.execute(update(Job).where(Job.id == job.id).values(
            started_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)))
        session.commit()
        assert get_job(session, job.id, alive=queue.alive).state == JobState.INTERRUPTED
        session.commit()
        with pytest.raises(JobLost):
            finish_job(session, job.id, {}, worker="another-machine:4242")


def test_an_interrupted_job_runs_again_from_what_it_was_given(
        make_queue: Callable[..., JobQueue], clean_db: Engine) -> None:
    work = Held()
    work.release.set()
    queue = make_queue({"held": work})
    with Session(clean_db) as session:
        job = create_job(session, "held", owner=None, title="t", params={"x": 1})
        claim_job(session, job.id, worker="another-machine:4242")
        session.execute(update(Job).where(Job.id == job.id).values(
            started_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)))
        session.commit()
        job = get_job(session, job.id, alive=queue.alive)
        assert job.state == JobState.INTERRUPTED
        queue.retry(session, job)
    job = _ended(clean_db, job.id, queue)
    assert (job.state, job.attempts, work.runs) == (JobState.DONE, 2, 1)


def test_uploads_no_job_needs_are_removed_and_the_others_kept(
        session: Session, tmp_path: Path) -> None:
    spool = tmp_path / "spool"
    kept = create_job(session, "k", owner=None, title="kept", params={"x": 1})
    done = create_job(session, "k", owner=None, title="done", params=None)
    session.flush()
    folders = {name: spool_folder(spool, name) for name in (kept.id, done.id, "never-saved")}
    for folder in folders.values():
        folder.mkdir(parents=True)
        (folder / "upload.tmx").write_bytes(b"<tmx/>")
    assert remove_orphan_inputs(session, spool, older_than_s=3600) == 0  # all new
    assert remove_orphan_inputs(session, spool, older_than_s=-1) == 2
    assert [p.name for p in spool.iterdir()] == [kept.id]


def test_results_are_kept_while_their_job_may_be_downloaded_and_no_longer(
        session: Session, tmp_path: Path) -> None:
    spool = tmp_path / "spool"
    running = create_job(session, "k", owner=None, title="running", params={"x": 1})
    fresh = create_job(session, "k", owner=None, title="fresh", params=None)
    stale = create_job(session, "k", owner=None, title="stale", params=None)
    session.flush()
    now = utcnow()
    session.execute(update(Job).where(Job.id == fresh.id).values(
        state=JobState.DONE, finished_at=now))
    session.execute(update(Job).where(Job.id == stale.id).values(
        state=JobState.DONE, finished_at=now - KEEP_PARAMS - dt.timedelta(minutes=1)))
    for job_id in (running.id, fresh.id, stale.id, "never-saved"):
        result_folder(spool, job_id).mkdir(parents=True)
    assert remove_orphan_inputs(session, spool, older_than_s=-1) == 0  # results are not inputs
    assert remove_old_results(session, spool, older_than_s=3600) == 0  # all new
    assert remove_old_results(session, spool, older_than_s=-1) == 2
    assert sorted(p.name for p in (spool / RESULTS).iterdir()) == sorted([running.id, fresh.id])
