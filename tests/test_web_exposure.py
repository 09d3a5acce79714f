"""A server that is safe to expose (issue 13): its key, headers, links, redirects and limits.

No default secret key; headers on every response (a CSP that runs no inline code, checked in
Chromium too); stored URLs are links only if http(s); ``next`` goes to this site only;
download names cannot break their header; ``/healthz`` says whether the database answers.
"""
from __future__ import annotations

import socket
import stat
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import Engine

from tm.errors import InputError
from web.secret_key import KEY_FILENAME, WEAK_KEYS, load_or_create, weakness

STRONG_KEY = "k" * 16 + "9Qz_" * 8


def _app(database_url: str, **config: Any) -> Flask:
    from web import create_app

    return create_app({"TESTING": True, "DATABASE_URL": database_url, **config})


@pytest.fixture
def make_app(database_url: str, clean_db: Engine) -> Iterator[Callable[..., Flask]]:
    """Create apps on the suite's database with extra config; their engines closed after."""
    apps: list[Flask] = []

    def make(**config: Any) -> Flask:
        apps.append(_app(config.pop("DATABASE_URL", database_url), **config))
        return apps[-1]

    yield make
    for app in apps:
        app.extensions["sverka_engine"].dispose()


# 1. No default secret key ------------------------------------------------------------------

def test_without_a_key_one_is_generated_private_and_reused_on_the_next_start(
        make_app: Callable[..., Flask], tmp_path: Path) -> None:
    first = make_app(DATA_DIR=str(tmp_path / "data"))
    key_file = tmp_path / "data" / KEY_FILENAME
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert first.config["SECRET_KEY"] == key_file.read_text().strip()
    assert weakness(first.config["SECRET_KEY"]) is None
    assert make_app(DATA_DIR=str(tmp_path / "data")).config["SECRET_KEY"] == \
        first.config["SECRET_KEY"]
    assert make_app(DATA_DIR=str(tmp_path / "other")).config["SECRET_KEY"] != \
        first.config["SECRET_KEY"]


def test_processes_starting_together_all_read_the_one_key_that_was_written(
        tmp_path: Path) -> None:
    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(lambda _: load_or_create(tmp_path), range(32)))
    assert len(keys) == 1
    assert [p.name for p in tmp_path.iterdir()] == [KEY_FILENAME]  # no temporary file left


def test_a_key_file_others_can_read_is_refused(tmp_path: Path) -> None:
    load_or_create(tmp_path)
    (tmp_path / KEY_FILENAME).chmod(0o644)
    with pytest.raises(InputError, match="chmod 600"):
        load_or_create(tmp_path)


def test_the_environment_key_is_taken_as_written_and_nothing_is_kept(
        make_app: Callable[..., Flask], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    digits = "1234567890" * 4  # JSON would make it a number
    monkeypatch.setenv("SVERKA_SECRET_KEY", digits)
    assert make_app(DATA_DIR=str(tmp_path)).config["SECRET_KEY"] == digits
    assert not (tmp_path / KEY_FILENAME).exists()


def test_a_session_cookie_signed_with_the_old_default_key_is_not_accepted(
        make_app: Callable[..., Flask]) -> None:
    forger = Flask("forger")
    forger.secret_key = "dev"
    serializer = SecureCookieSessionInterface().get_signing_serializer(forger)
    assert serializer is not None
    forged = serializer.dumps({"author": "Mallory", "csrf_token": "known"})
    app = make_app()
    client = app.test_client()
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], forged)
    assert client.get("/api/settings").get_json()["author"] is None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("key", ["dev", "secret", "changeme", "CHANGEME", "short-but-unknown",
                                 " dev "])
def test_serve_refuses_a_weak_key_in_one_line(runner: Callable[..., Result], key: str,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    def answer(*_: object) -> None:
        raise AssertionError("the server would have started")

    monkeypatch.setattr("web.cli._run", answer)  # a failing test fails, it does not hang
    monkeypatch.setenv("SVERKA_SECRET_KEY", key)
    result = runner("serve", "--port", str(_free_port()))
    assert result.exit_code == 2
    assert result.output.strip().startswith("Error: refusing to serve with this secret key")
    assert len(result.output.strip().splitlines()) == 1 and "running" not in result.output


@pytest.mark.parametrize("key, weak", [
    *((k, True) for k in sorted(WEAK_KEYS)),
    ("", True), ("x" * 31, True), (b"dev", True), ("x" * 32, False), (STRONG_KEY, False),
])
def test_weak_keys(key: str | bytes, weak: bool) -> None:
    assert (weakness(key) is not None) is weak
