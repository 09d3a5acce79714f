"""A team's deployment: two app processes and a worker on PostgreSQL and Redis, one killed.

Real processes (``sverka serve --no-jobs`` twice, ``sverka worker``), a real PostgreSQL
database of the test's own and a real Redis queue: a TMX import is started through one app
process and followed through the other; the worker is killed with SIGKILL half-way; the job
is then interrupted, nothing of it is in the database, and one retry completes it.
"""
from __future__ import annotations

import json
import os
import secrets
import shlex
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.components import _missing, require_redis
from tests.dbutil import server_url
from tests.test_serve import STARTUP_TIMEOUT_S, _free_port
from tests.tmx_samples import tmx, tu
from tm.db import make_engine, scratch_database
from tm.models import Memory, MemoryUnit

pytestmark = pytest.mark.slow
DEPLOY = Path(__file__).resolve().parent.parent / "docs" / "deploy.md"
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
# Enough units that the import is still running when the worker is killed.
UNITS = 120_000
JOB_TIMEOUT_S = 180.0


def procfile() -> dict[str, list[str]]:
    """The commands of docs/deploy.md's Procfile, by process type (what the test runs)."""
    text = DEPLOY.read_text(encoding="utf-8")
    block = text.split("<!-- procfile -->", 1)[1].split("```procfile\n", 1)[1].split("```")[0]
    commands = {}
    for line in block.strip().splitlines():
        kind, _, command = line.partition(":")
        commands[kind.strip()] = shlex.split(command)
    assert set(commands) == {"web", "worker"}, commands
    assert all(words[0] == "sverka" for words in commands.values()), commands
    return commands


class Team:
    """The processes of one deployment, sharing its database, queue and spool."""

    def __init__(self, tmp_path: Path, database: str, queue: str) -> None:
        self.tmp_path = tmp_path
        self.env = {**os.environ, "SVERKA_DATABASE_URL": database, "SVERKA_QUEUE_URL": queue,
                    "SVERKA_QUEUE_NAME": f"team-{secrets.token_hex(6)}",
                    "SVERKA_SPOOL_DIR": str(tmp_path / "spool"),
                    "SVERKA_SECRET_KEY": secrets.token_urlsafe(48), "PYTHONUNBUFFERED": "1"}
        self.processes: list[subprocess.Popen[str]] = []
        self.logs: list[Any] = []

    def sverka(self, *args: str, stdin: str | None = None) -> str:
        done = subprocess.run([sys.executable, "-m", "tm.cli", *args], env=self.env,
                              capture_output=True, text=True, timeout=120, input=stdin)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def start_as(self, name: str, kind: str, port: int | None = None) -> subprocess.Popen[str]:
        """Start the Procfile's ``kind`` process (``web`` on ``port``)."""
        words = [str(port) if word == "$PORT" else word for word in procfile()[kind][1:]]
        return self.start(name, *words)

    def start(self, name: str, *args: str) -> subprocess.Popen[str]:
        log = open(self.tmp_path / f"{name}.log", "w")  # noqa: SIM115 (closed by stop)
        self.logs.append(log)
        env = {**self.env, "SVERKA_DATA_DIR": str(self.tmp_path / name)}  # nothing shared
        process = subprocess.Popen([sys.executable, "-m", "tm.cli", *args], env=env,
                                   stdout=log, stderr=subprocess.STDOUT, text=True)
        self.processes.append(process)
        return process

    def serve(self, name: str) -> str:
        port = _free_port()
        self.start_as(name, "web", port)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            try:
                if _get(f"{base}/readyz", None)[0] == 200:
                    return base
            except OSError:
                pass
            assert time.monotonic() < deadline, self.log(name)
            time.sleep(0.2)

    def log(self, name: str) -> str:
        return (self.tmp_path / f"{name}.log").read_text()

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in self.logs:
            log.close()


def _get(url: str, token: str | None) -> tuple[int, Any]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"}
                                     if token else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read() or b"null")


def _post(url: str, token: str, body: bytes = b"", content_type: str = "") -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    if content_type:
        headers["Content-Type"] = content_type
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read() or b"null")


def _multipart(fields: dict[str, str], name: str, data: bytes) -> tuple[bytes, str]:
    boundary = secrets.token_hex(16)
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
             .encode() for key, value in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                 f'filename="{name}"\r\nContent-Type: application/xml\r\n\r\n'.encode()
                 + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), \
        f"multipart/form-data; boundary={boundary}"


@pytest.fixture
def team(tmp_path: Path) -> Iterator[Team]:
    redis_url = require_redis()
    server = server_url() or POSTGRES
    probe = make_engine(server)
    try:
        probe.connect().close()
    except Exception:
        _missing(f"a PostgreSQL server at {server}")
    finally:
        probe.dispose()
    with scratch_database(tmp_path, server, prefix="sverka_team") as database:
        team = Team(tmp_path, database, redis_url)
        try:
            yield team
        finally:
            team.stop()
            make_engine(database).dispose()


def _units(database: str) -> tuple[int, int]:
    engine = make_engine(database)
    try:
        with Session(engine) as session:
            return (session.scalar(select(func.count()).select_from(Memory)) or 0,
                    session.scalar(select(func.count()).select_from(MemoryUnit)) or 0)
    finally:
        engine.dispose()


def _session_on_the_other_process(first: str, second: str, login: str, password: str
                                  ) -> str | None:
    """Log in through ``first``; return who ``second`` says the same cookie belongs to."""
    import html
    import http.cookiejar
    import re
    import urllib.parse

    browser = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with browser.open(f"{first}/login", timeout=10) as response:
        form = response.read().decode()
    token = html.unescape(re.search(r'name="csrf_token" value="([^"]+)"', form)[1])  # type: ignore[index]
    body = urllib.parse.urlencode({"login": login, "password": password, "csrf_token": token})
    with browser.open(f"{first}/login", data=body.encode(), timeout=10):
        pass
    with browser.open(f"{second}/api/settings", timeout=10) as response:  # no sticky session
        user = json.loads(response.read())["user"]
    return user["login"] if user else None


def _until(base: str, token: str, job: str, states: set[str]) -> dict[str, Any]:
    deadline = time.monotonic() + JOB_TIMEOUT_S
    while True:
        status, state = _get(f"{base}/api/jobs/{job}", token)
        assert status == 200, state
        if state["state"] in states:
            return state
        assert time.monotonic() < deadline, state
        time.sleep(0.05)


def test_a_job_started_on_one_app_process_is_followed_on_another_and_survives_a_killed_worker(
        team: Team, tmp_path: Path) -> None:
    database = team.env["SVERKA_DATABASE_URL"]
    team.sverka("db", "upgrade")
    password = secrets.token_urlsafe(16)
    team.sverka("user", "add", "anna", "--role", "manager", "--password-stdin",
                stdin=password + "\n")
    token = json.loads(team.sverka("token", "create", "--user", "anna", "--name", "t",
                                   "--json"))["token"]
    first, second = team.serve("app-a"), team.serve("app-b")
    assert _session_on_the_other_process(first, second, "anna", password) == "anna"
    worker = team.start_as("worker-1", "worker")
    body = tmx("".join(tu(f"Предложение номер {i} о бюджете.", f"Sentence number {i}.")
                       for i in range(UNITS))).encode()
    form, content_type = _multipart({"memory": "desk"}, "desk.tmx", body)

    status, queued = _post(f"{first}/api/memories/import", token, form, content_type)
    assert status == 202, queued
    job = queued["job"]
    running = _until(second, token, job, {"running", "done", "failed"})
    while running["state"] == "running" and running["done"] == 0:  # wait for a first batch
        running = _until(second, token, job, {"running", "done", "failed"})
    assert running["state"] == "running" and 0 < running["done"] < UNITS, running
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()

    interrupted = _until(second, token, job, {"interrupted", "done", "failed"})
    assert interrupted["state"] == "interrupted" and interrupted["retryable"], interrupted
    assert interrupted["stage"] == "store-units" and interrupted["done"] > 0
    assert _until(first, token, job, {"interrupted"})["state"] == "interrupted"
    assert _units(database) == (0, 0)  # nothing of it: one transaction, rolled back
    assert (tmp_path / "spool" / job / "upload.tmx").exists()  # kept to run again

    team.start_as("worker-2", "worker")
    status, retried = _post(f"{second}/api/jobs/{job}/retry", token)
    assert status == 202 and retried["state"] == "queued", retried
    done = _until(first, token, job, {"done", "failed", "interrupted"})
    assert done["state"] == "done" and done["attempts"] == 2, done
    assert done["result"]["imported"] == UNITS
    assert _units(database) == (1, UNITS)
    assert not (tmp_path / "spool" / job).exists()  # its upload went with it
    listed = json.loads(team.sverka("jobs", "--json"))
    assert [(j["id"], j["state"], j["done"]) for j in listed] == [(job, "done", UNITS)]
