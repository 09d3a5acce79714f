"""A busy database and a full disk are said as such, in one line or a page, never a crash.

SQLite is the embedded default whose one writer an import holds; its own SQLITE_FULL (a
page limit on the connection) stands for a full disk, and /dev/full is a real device that
refuses every write with ENOSPC.
"""
from __future__ import annotations

import io
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import add_user, log_in, logged_in_client
from tests.test_web_memory import _job_ended
from tests.tmx_samples import tmx, tu
from tm import db
from tm.cli import cli
from web.jobs import close_queue, start_consumer

ARTICLE = "Заголовок\n\nПервое предложение статьи. Второе предложение статьи.\n"
SAMPLE = tmx(tu("Один.", "One.")).encode("utf-8")
LARGE = tmx("".join(tu(f"Предложение {i} о бюджете.", f"Sentence {i}.")
                    for i in range(3000))).encode("utf-8")


def _migrated(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    engine = db.make_engine(url)
    db.upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture
def sqlite_app(tmp_path: Path) -> Iterator[Flask]:
    """The app on a SQLite database of its own (the engine whose lock and limits these are)."""
    from web import create_app

    app = create_app({"TESTING": True, "DATABASE_URL": _migrated(tmp_path),
                      "CSRF_ENABLED": False, "BUSY_TIMEOUT_S": 0.5})
    yield app
    app.extensions["sverka_engine"].dispose()


def _hold_write_lock(url: str) -> sqlite3.Connection:
    holder = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # what an import's transaction holds until it ends
    return holder


def _full_disk(monkeypatch: pytest.MonkeyPatch, pages: int) -> None:
    """Make every new SQLite connection refuse to grow past ``pages`` pages (SQLITE_FULL)."""
    pragmas = db._sqlite_pragmas

    def limited(connection: Any, record: Any, **options: Any) -> None:
        pragmas(connection, record, **options)
        connection.execute(f"PRAGMA max_page_count = {pages}")

    monkeypatch.setattr(db, "_sqlite_pragmas", limited)


def _page_count(url: str) -> int:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
        return int(connection.execute("PRAGMA page_count").fetchone()[0])


def _upload(client: FlaskClient, path: str, data: bytes, **headers: str) -> Any:
    return client.post(path, data={"memory": "desk", "file": (io.BytesIO(data), "desk.tmx")},
                       content_type="multipart/form-data", headers=headers)


def test_a_save_while_an_import_holds_the_database_is_a_quick_503_with_retry_after(
        sqlite_app: Flask) -> None:
    client = logged_in_client(sqlite_app)
    holder = _hold_write_lock(sqlite_app.config["DATABASE_URL"])
    try:
        started = time.monotonic()
        answer = _upload(client, "/api/memories/import", SAMPLE)
        page = _upload(client, "/memories/import", SAMPLE, **{"Accept-Language": "ru"})
        elapsed = time.monotonic() - started
    finally:
        holder.rollback()
        holder.close()
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "5"
    assert "desk.sqlite3 is busy" in answer.get_json()["message"]
    assert page.status_code == 503 and "занята" in page.get_data(as_text=True)
    assert elapsed < 5  # half a second each, not the 15 s a command waits
    assert _upload(client, "/api/memories/import", SAMPLE).status_code == 202  # lock gone


def test_a_full_disk_fails_the_job_or_is_a_507_page_naming_the_database(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from web import create_app

    url = _migrated(tmp_path)
    engine = db.make_engine(url)
    user_id = add_user(engine)  # before the disk fills
    engine.dispose()
    _full_disk(monkeypatch, _page_count(url))
    app = create_app({"TESTING": True, "DATABASE_URL": url, "CSRF_ENABLED": False,
                      "QUEUE_URL": f"sqlite:///{tmp_path / 'queue.sqlite3'}"})
    start_consumer(app)
    try:
        client = log_in(app.test_client(), app.extensions["sverka_engine"], user_id)
        queued = _upload(client, "/api/memories/import", LARGE)
        assert queued.status_code == 202  # the job's row fits; its units do not
        state = _job_ended(client, queued.get_json()["job"])
        assert state["state"] == "failed" and state["retryable"]
        assert "disk holding the database desk.sqlite3 is full" in state["error"]
        # A request that cannot store even the job's row (a long pasted article) is
        # answered at once.
        article = {"source_text": "Заголовок\n" + "Первое предложение статьи. " * 20_000}
        english = client.post("/import", data=article)
        russian = client.post("/import", data=article, headers={"Accept-Language": "ru"})
        assert english.status_code == 507
        assert "disk holding the database desk.sqlite3 is full" in english.get_data(
            as_text=True)
        assert russian.status_code == 507 and "Диск с базой данных" in russian.get_data(
            as_text=True)
    finally:
        close_queue(app)
        app.extensions["sverka_engine"].dispose()


def _sverka(url: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", url, *args], catch_exceptions=False)


def test_a_command_on_a_full_disk_says_so_names_the_database_and_exits_2(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = _migrated(tmp_path)
    _full_disk(monkeypatch, _page_count(url))
    article = tmp_path / "ru.txt"
    article.write_text(ARTICLE * 2000, encoding="utf-8")
    result = _sverka(url, "import", str(article))
    assert result.exit_code == 2
    assert result.output.strip() == ("Error: the disk holding the database desk.sqlite3 is "
                                     "full: free some space and try again; nothing was saved")


def test_a_command_on_a_busy_database_says_so_and_exits_2(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = _migrated(tmp_path)
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_S", 0.3)
    article = tmp_path / "ru.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    holder = _hold_write_lock(url)
    try:
        result = _sverka(url, "import", str(article))
    finally:
        holder.rollback()
        holder.close()
    assert result.exit_code == 2
    assert "the database desk.sqlite3 is busy with another change" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_writing_an_export_to_a_full_device_says_the_disk_is_full(
        runner: Callable[..., Result], tmp_path: Path) -> None:
    memory = tmp_path / "m.tmx"
    memory.write_bytes(LARGE)
    assert runner("import-tmx", str(memory), "--memory", "m").exit_code == 0
    result = runner("export", "/dev/full", "--memory", "m")
    assert result.exit_code == 2
    assert result.output.strip() == ("Error: the disk is full: free some space and try again; "
                                     "nothing was saved")
