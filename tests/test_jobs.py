"""Jobs outlive their process: claimed once, ended once, interrupted when their process died."""
from __future__ import annotations

import datetime as dt
import socket
import subprocess
import sys

import pytest
from sqlalchemy.orm import Session

from tm.accounts import create_user
from tm.errors import ConflictError, NotFoundError
from tm.jobs import (
    JobLost,
    JobProgress,
    cancel_job,
    claim_job,
    create_job,
    end_cancelled,
    fail_job,
    finish_job,
    forget_params,
    get_job,
    interrupt_dead,
    list_jobs,
    requeue_job,
    this_worker,
)
from tm.messages import Message, render
from tm.models import JobState, Role

TEXT = {"values": {"source_text": "Заголовок\nПервое. Второе."}}


def _dead_worker() -> str:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()  # its pid names no process now
    return f"{socket.gethostname()}:{child.pid}"


def test_a_job_is_claimed_once_and_done_drops_what_it_was_given(session: Session) -> None:
    job = create_job(session, "import-article", owner=None, title="t", params=TEXT)
    assert job.state == JobState.QUEUED
    assert claim_job(session, job.id) and not claim_job(session, job.id)
    session.refresh(job)
    assert (job.state, job.worker) == (JobState.RUNNING, this_worker())
    finish_job(session, job.id, {"document_id": 7}, progress=JobProgress("segment", 1, 5, 5))
    session.refresh(job)
    assert (job.state, job.result, job.params) == (JobState.DONE, {"document_id": 7}, None)
    assert (job.stage, job.done, job.total, job.attempts) == ("segment", 5, 5, 1)
    assert job.finished_at is not None


def test_only_the_worker_running_a_job_can_end_it(session: Session) -> None:
    job = create_job(session, "import-article", owner=None, title="t", params=TEXT)
    claim_job(session, job.id, worker="another-machine:1")
    with pytest.raises(JobLost):
        finish_job(session, job.id, {"document_id": 7})  # this process is not its worker
    finish_job(session, job.id, {"document_id": 7}, worker="another-machine:1")
    with pytest.raises(JobLost):  # nor twice
        finish_job(session, job.id, {"document_id": 7}, worker="another-machine:1")


def test_a_failed_job_keeps_what_it_was_given_to_try_again(session: Session) -> None:
    job = create_job(session, "import-article", owner=None, title="t", params=TEXT)
    claim_job(session, job.id)
    fail_job(session, job.id, Message("tmx-not-tmx", "{name}: not a TMX file", name="a.txt"))
    session.refresh(job)
    assert (job.state, job.params) == (JobState.FAILED, TEXT)
    assert job.error_message == Message("tmx-not-tmx", "{name}: not a TMX file", name="a.txt")


def test_a_failed_job_s_error_is_kept_to_be_worded_in_its_reader_s_language(
        session: Session) -> None:
    job = create_job(session, "import-article", owner=None, title="t", params=TEXT)
    claim_job(session, job.id)
    reason = NotFoundError("document-missing", "no document with id {id}", id=4)
    fail_job(session, job.id, Message("alignment-invalid", "not an alignment: {reason}",
                                      reason=reason))
    session.refresh(job)
    assert job.error_message is not None
    assert str(job.error_message) == "not an alignment: no document with id 4"
    assert render(job.error_message, "ru") == "это не выравнивание: нет документа с id 4"


def test_an_error_kept_as_plain_text_by_an_older_sverka_is_shown_as_it_is(
        session: Session) -> None:
    job = create_job(session, "import-article", owner=None, title="t", params=TEXT)
    job.error = "not a TMX file"
    assert job.error_message is not None and render(job.error_message, "ru") == "not a TMX file"


def test_a_running_job_whose_process_died_is_interrupted(session: Session) -> None:
    job = create_job(session, "import-article", owner=None, title="t", params=TEXT)
    claim_job(session, job.id, worker=_dead_worker())
    session.flush()
    assert get_job(session, job.id).state == JobState.INTERRUPTED
    assert job.params == TEXT  # still there to run again


def test_only_dead_processes_of_this_machine_count_as_dead(session: Session) -> None:
    dead, alive, elsewhere = (create_job(session, "k", owner=None, title=str(n), params={})
                              for n in range(3))
    claim_job(session, dead.id, worker=_dead_worker())
    claim_job(session, alive.id)  # this process
    claim_job(session, elsewhere.id, worker="another-machine:1")
    session.flush()
    session.expire_all()
    assert interrupt_dead(session) == 1
    states = {job.title: job.state for job in list_jobs(session)}
    assert states == {"0": JobState.INTERRUPTED, "1": JobState.RUNNING, "2": JobState.RUNNING}


def test_a_job_is_its_owners_only(session: Session) -> None:
    anna = create_user(session, "anna", role=Role.MANAGER, password=None)
    boris = create_user(session, "boris", role=Role.MANAGER, password=None)
    job = create_job(session, "k", owner=anna, title="t", params={})
    assert get_job(session, job.id, owner=anna) is job
    with pytest.raises(NotFoundError):
        get_job(session, job.id, owner=boris)
    assert list_jobs(session, owner=boris) == []


def test_a_queued_job_is_cancelled_at_once_a_running_one_by_its_worker(
        session: Session) -> None:
    queued = create_job(session, "k", owner=None, title="a", params={})
    assert cancel_job(session, queued) is True
    assert queued.state == JobState.CANCELLED
    running = create_job(session, "k", owner=None, title="b", params={})
    claim_job(session, running.id)
    session.refresh(running)
    assert cancel_job(session, running) is False and running.state == JobState.RUNNING
    end_cancelled(session, running.id)
    session.refresh(running)
    assert running.state == JobState.CANCELLED
    with pytest.raises(ConflictError):  # it has ended: nothing to cancel
        cancel_job(session, running)


def test_only_a_failed_or_interrupted_job_whose_input_is_kept_runs_again(
        session: Session) -> None:
    job = create_job(session, "k", owner=None, title="t", params=TEXT)
    with pytest.raises(ConflictError):
        requeue_job(session, job)  # queued already
    claim_job(session, job.id, worker=_dead_worker())
    session.flush()
    assert get_job(session, job.id).state == JobState.INTERRUPTED
    requeue_job(session, job)
    assert (job.state, job.worker, job.error, job.params) == (JobState.QUEUED, None, None, TEXT)
    claim_job(session, job.id)
    finish_job(session, job.id, {})
    session.refresh(job)
    with pytest.raises(ConflictError):
        requeue_job(session, job)  # done


def test_what_ended_jobs_were_given_is_dropped_after_a_week(session: Session) -> None:
    job = create_job(session, "k", owner=None, title="t", params=TEXT)
    claim_job(session, job.id)
    fail_job(session, job.id, None)
    session.flush()
    forget_params(session, now=dt.datetime.now(dt.UTC) + dt.timedelta(days=6))
    session.refresh(job)
    assert job.params == TEXT
    forget_params(session, now=dt.datetime.now(dt.UTC) + dt.timedelta(days=8))
    session.refresh(job)
    assert job.params is None
