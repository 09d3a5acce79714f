"""Jobs from the command line: ``--background`` queues, ``sverka worker`` runs, ``jobs`` tells.

The worker is a real ``sverka worker`` process on the suite's database and a SQLite queue
in the test's data directory (the embedded default).
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from tests.conftest import SEED
from tests.tmx_samples import tmx, tu

WAIT_S = 60.0
SAMPLE = tmx(tu("Один.", "One.") + tu("Два.", "Two.") + tu("Три.", "Three."))
FIELDS = {"id", "kind", "title", "state", "stage", "done", "total", "error", "result",
          "attempts", "worker", "created_at", "finished_at"}


@pytest.fixture
def jobs_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A queue and spool of the test's own, for the commands and the worker alike."""
    env = {"SVERKA_QUEUE_URL": f"sqlite:///{tmp_path / 'queue.sqlite3'}",
           "SVERKA_SPOOL_DIR": str(tmp_path / "spool")}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


@pytest.fixture
def worker(database_url: str, jobs_env: dict[str, str], tmp_path: Path
           ) -> Iterator[Callable[[], subprocess.Popen[str]]]:
    """Start ``sverka worker`` processes; each is stopped with SIGTERM at the end."""
    started: list[subprocess.Popen[str]] = []

    def start() -> subprocess.Popen[str]:
        process = subprocess.Popen(
            [sys.executable, "-m", "tm.cli", "--db", database_url, "worker"],
            env={**os.environ, **jobs_env}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True)
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
        assert "Traceback" not in output, output


def _jobs(runner: Callable[..., Result]) -> list[dict[str, Any]]:
    result = runner("jobs", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)  # type: ignore[no-any-return]


def _ended(runner: Callable[..., Result], job: str) -> dict[str, Any]:
    deadline = time.monotonic() + WAIT_S
    while True:
        [state] = [j for j in _jobs(runner) if j["id"] == job]
        if state["state"] not in ("queued", "running"):
            return state
        assert time.monotonic() < deadline, state
        time.sleep(0.1)


def test_import_tmx_in_the_background_prints_the_job_and_a_worker_runs_it(
        runner: Callable[..., Result], worker: Callable[[], Any], tmp_path: Path,
        jobs_env: dict[str, str]) -> None:
    path = tmp_path / "desk.tmx"
    path.write_text(SAMPLE, encoding="utf-8")
    result = runner("import-tmx", str(path), "--memory", "desk", "--background", "--json")
    assert result.exit_code == 0, result.output
    job = json.loads(result.output)["job"]
    path.unlink()  # the job has its own copy
    [listed] = _jobs(runner)
    assert set(listed) == FIELDS
    assert (listed["id"], listed["state"], listed["stage"], listed["done"]) == (
        job, "queued", "queued", 0)
    worker()
    state = _ended(runner, job)
    assert (state["state"], state["result"]["imported"], state["error"]) == ("done", 3, None)
    assert state["stage"] in ("merge-duplicates", "index-units")  # the last stage
    assert (state["done"], state["total"]) == (3, 3)
    memories = json.loads(runner("memories", "--json").output)
    assert [(m["name"], m["units"]) for m in memories] == [("desk", 3)]
    assert not (Path(jobs_env["SVERKA_SPOOL_DIR"]) / job).exists()
    audit = json.loads(runner("audit", "--json").output)
    assert any(e["action"] == "import" and e["object_id"] == "desk"
               and e["user"].startswith("cli") for e in audit)


def test_an_article_imported_in_the_background_becomes_a_document(
        runner: Callable[..., Result], worker: Callable[[], Any]) -> None:
    result = runner("import", str(SEED / "ru.txt"), "--translation", str(SEED / "en.human.txt"),
                    "--track", "desk", "--background")
    assert result.exit_code == 0 and "Queued job" in result.output, result.output
    job = result.output.split()[2].rstrip(":")
    worker()
    assert _ended(runner, job)["state"] == "done"
    [document] = json.loads(runner("documents", "--json").output)
    assert "Европарламент" in document["title"]


def test_a_queued_job_is_cancelled_and_never_runs(runner: Callable[..., Result],
                                                  worker: Callable[[], Any],
                                                  tmp_path: Path) -> None:
    path = tmp_path / "desk.tmx"
    path.write_text(SAMPLE, encoding="utf-8")
    job = json.loads(runner("import-tmx", str(path), "--memory", "desk", "--background",
                            "--json").output)["job"]
    cancelled = runner("jobs", "cancel", job, "--json")
    assert cancelled.exit_code == 0 and json.loads(cancelled.output)["state"] == "cancelled"
    again = runner("jobs", "cancel", job)
    assert again.exit_code != 0 and len(again.output.strip().splitlines()) == 1
    assert "has ended" in again.output
    worker()
    time.sleep(1.0)  # time to take the message, and refuse it
    assert _jobs(runner)[0]["state"] == "cancelled"
    assert json.loads(runner("memories", "--json").output) == []


def test_only_a_failed_or_interrupted_job_runs_again(runner: Callable[..., Result],
                                                     worker: Callable[[], Any],
                                                     tmp_path: Path) -> None:
    path = tmp_path / "broken.tmx"
    path.write_text(SAMPLE.replace("</body>", ""), encoding="utf-8")
    job = json.loads(runner("import-tmx", str(path), "--memory", "desk", "--background",
                            "--json").output)["job"]
    refused = runner("jobs", "retry", job)
    assert refused.exit_code != 0 and "only a failed or interrupted job" in refused.output
    worker()
    failed = _ended(runner, job)
    assert failed["state"] == "failed" and "broken.tmx" in failed["error"]
    path.write_text(SAMPLE, encoding="utf-8")  # the job runs from its own copy, still broken
    assert runner("jobs", "retry", job).exit_code == 0
    again = _ended(runner, job)
    assert (again["state"], again["attempts"]) == ("failed", 2)


def test_background_refuses_what_needs_the_command_to_run_here(
        runner: Callable[..., Result], tmp_path: Path, jobs_env: dict[str, str]) -> None:
    path = tmp_path / "desk.tmx"
    path.write_text(SAMPLE, encoding="utf-8")
    rejects = runner("import-tmx", str(path), "--memory", "m", "--background",
                     "--rejects", str(tmp_path / "r.tmx"))
    missing = runner("import-tmx", str(tmp_path / "nope.tmx"), "--memory", "m", "--background")
    for result in (rejects, missing):
        assert result.exit_code != 0 and len(result.output.strip().splitlines()) == 1
    assert _jobs(runner) == []


def test_a_foreground_import_off_a_terminal_draws_no_progress_bar(
        runner: Callable[..., Result], tmp_path: Path) -> None:
    path = tmp_path / "desk.tmx"
    path.write_text(SAMPLE, encoding="utf-8")
    result = runner("import-tmx", str(path), "--memory", "desk")
    assert result.exit_code == 0 and "\r" not in result.output and "3 imported" in result.output


def test_the_progress_bar_is_drawn_on_a_terminal(monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from tm.cli.context import terminal_progress

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    with terminal_progress() as progress:
        assert progress is not None
        progress("store-units", 50, 100)
        progress("store-units", 100, 100)
    drawn = capsys.readouterr().err
    assert "store-units" in drawn and "100/100" in drawn and "#" * 30 in drawn
    with terminal_progress(quiet=True) as progress:  # --json
        assert progress is None


def test_a_memory_exported_in_the_background_appears_whole_when_done(
        runner: Callable[..., Result], worker: Callable[[], Any], tmp_path: Path) -> None:
    path = tmp_path / "desk.tmx"
    path.write_text(SAMPLE, encoding="utf-8")
    assert runner("import-tmx", str(path), "--memory", "desk").exit_code == 0
    out = tmp_path / "out" / "desk-export.tmx"
    out.parent.mkdir()
    result = runner("export", str(out), "--memory", "desk", "--background", "--json")
    assert result.exit_code == 0, result.output
    job = json.loads(result.output)["job"]
    assert not out.exists()
    worker()
    state = _ended(runner, job)
    assert (state["state"], state["result"]["units"], state["stage"]) == (
        "done", 3, "write-units")
    assert [p.name for p in out.parent.iterdir()] == [out.name]  # no partial file left
    from tm.formats.tmx import read_tmx

    assert [u.variants[1].text for u in read_tmx(out).units()] == ["One.", "Two.", "Three."]


def test_an_export_of_an_unknown_memory_is_refused_before_it_is_queued(
        runner: Callable[..., Result], tmp_path: Path, jobs_env: dict[str, str]) -> None:
    unknown = runner("export", str(tmp_path / "x.tmx"), "--memory", "nope", "--background")
    document = runner("export", str(tmp_path / "x.tmx"), "--document", "1", "--background")
    for result in (unknown, document):
        assert result.exit_code != 0 and len(result.output.strip().splitlines()) == 1
    assert _jobs(runner) == []


def test_a_document_pretranslated_in_the_background_reports_its_bands(
        runner: Callable[..., Result], worker: Callable[[], Any], tmp_path: Path) -> None:
    imported = runner("import", str(SEED / "ru.txt"), "--json")
    document = json.loads(imported.output)["id"]
    result = runner("pretranslate", str(document), "--background", "--json")
    job = json.loads(result.output)["job"]
    worker()
    state = _ended(runner, job)
    assert state["state"] == "done" and state["stage"] == "match-segments"
    assert state["done"] == state["total"] > 0
    assert sum(state["result"]["segments"].values()) > 0


def test_scores_with_significance_in_the_background_equal_those_of_a_run_here(
        runner: Callable[..., Result], worker: Callable[[], Any], tmp_path: Path) -> None:
    lines = {"src": ["Один кот.", "Два пса.", "Три птицы.", "Четыре рыбы."],
             "ref": ["One cat.", "Two dogs.", "Three birds.", "Four fish."],
             "a": ["One cat.", "Two dog.", "Three bird.", "Four fishes."],
             "b": ["A cat.", "Two dogs.", "Three birds.", "Fish four."]}
    for name, text in lines.items():
        (tmp_path / f"{name}.txt").write_text("\n".join(text) + "\n", encoding="utf-8")
    imported = runner("import-testset", "toy", "--source", str(tmp_path / "src.txt"),
                      "--ref", f"ref={tmp_path / 'ref.txt'}",
                      "--system", f"a={tmp_path / 'a.txt'}", "--system", f"b={tmp_path / 'b.txt'}")
    assert imported.exit_code == 0, imported.output
    options = ["score", "--testset", "toy", "--ref", "ref", "--paired-bs", "--samples", "50"]
    queued = runner(*options, "--background", "--json")
    assert queued.exit_code == 0, queued.output
    worker()
    state = _ended(runner, json.loads(queued.output)["job"])
    here = json.loads(runner(*options, "--json").output)
    assert state["state"] == "done" and state["result"]["rows"] == here
    refused = runner("score", "--hyp", str(tmp_path / "a.txt"), "--ref",
                     str(tmp_path / "ref.txt"), "--background")
    assert refused.exit_code != 0 and "--testset" in refused.output


def test_the_search_index_is_rebuilt_in_the_background(
        runner: Callable[..., Result], worker: Callable[[], Any], tmp_path: Path) -> None:
    path = tmp_path / "desk.tmx"
    path.write_text(SAMPLE, encoding="utf-8")
    assert runner("import-tmx", str(path), "--memory", "desk").exit_code == 0
    refused = runner("search", "Один.", "--reindex", "--background")
    assert refused.exit_code != 0 and "--reindex alone" in refused.output
    job = json.loads(runner("search", "--reindex", "--background", "--json").output)["job"]
    worker()
    state = _ended(runner, job)
    assert (state["state"], state["result"]) == ("done", {"units": 3})
    found = json.loads(runner("search", "Один.", "--json").output)
    assert found["matches"][0]["target"] == "One."
