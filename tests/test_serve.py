"""``sverka demo`` starts a real server on an empty data directory with the corpus loaded."""
from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from sqlalchemy import Engine

# A cold start imports the app and loads six articles: seconds, not minutes.
STARTUP_TIMEOUT_S = 60


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
def test_demo_serves_the_sample_corpus(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "SVERKA_DATA_DIR": str(tmp_path), "SVERKA_PORT": str(port),
           "PYTHONUNBUFFERED": "1"}
    env.pop("SVERKA_DATABASE_URL", None)
    process = subprocess.Popen([sys.executable, "-m", "tm.cli", "demo"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    lines = []
    try:
        deadline, link = time.monotonic() + STARTUP_TIMEOUT_S, None
        while time.monotonic() < deadline and link is None:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
            link = next(iter(re.findall(r"http://\S+/login/link/\S+", line)), None)
        assert link is not None, "demo printed no login link: " + "".join(lines)
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        with browser.open(link, timeout=10) as response:  # the link logs in, then the corpus
            page = response.read().decode("utf-8")
        assert "Резолюция Европарламента по Казахстану" in page
        with pytest.raises(urllib.error.HTTPError) as used:  # once only
            urllib.request.build_opener(urllib.request.HTTPCookieProcessor()).open(link)
        assert used.value.code == 401
        used.value.close()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
            assert "/login" in response.url  # nobody else is let in
        assert (tmp_path / "sverka.sqlite3").exists()
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    output = "".join(lines) + output
    assert f"http://127.0.0.1:{port}/" in output
    assert "Traceback" not in output



@pytest.mark.parametrize("options, complaint", [
    (["--port", "99999"], "--port"),
    (["--port", "-1"], "--port"),
    (["--threads", "0"], "--threads"),
])
def test_serve_refuses_impossible_options(runner: Callable[..., Result], options: list[str],
                                          complaint: str) -> None:
    result = runner("serve", *options)
    assert result.exit_code == 2 and complaint in result.output
    assert "running" not in result.output


def test_serve_on_a_busy_port_says_so_in_one_line_and_never_says_running(
        runner: Callable[..., Result]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        for command in ("serve", "demo"):
            result = runner(command, "--port", str(port))
            assert result.exit_code == 2, result.output
            assert result.output.strip().splitlines()[-1] == (
                f"Error: cannot listen on 127.0.0.1:{port}: the address is already in use")
            assert "running" not in result.output and "Sample corpus" not in result.output


def test_one_upload_limit_the_server_and_the_app_share(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import web
    from tm.cli.context import CliContext
    from web.cli import UPLOAD_OVERHEAD_BYTES, _listen
    from web.jobs import close_queue

    monkeypatch.setenv("SVERKA_MAX_CONTENT_LENGTH", "12345")  # the one setting
    apps = []
    create_app = web.create_app
    monkeypatch.setattr(web, "create_app", lambda *a: apps.append(create_app(*a)) or apps[-1])
    context = CliContext(db=f"sqlite:///{tmp_path / 'x.sqlite3'}", data_dir=None)
    server = _listen(context, "127.0.0.1", 0, 1, run_jobs=False)
    try:
        assert apps[0].config["MAX_CONTENT_LENGTH"] == 12345
        assert server.adj.max_request_body_size == 12345 + UPLOAD_OVERHEAD_BYTES
    finally:
        server.close()
        server.task_dispatcher.shutdown()  # its worker threads, or later forks see them
        for thread in threading.enumerate():
            if thread.name == "sverka-search-index":
                thread.join()
        close_queue(apps[0])
        apps[0].extensions["sverka_engine"].dispose()
        context.close()


def test_a_too_large_upload_is_a_413_page_in_the_users_language(database_url: str,
                                                                clean_db: Engine) -> None:
    import io

    from tests.conftest import add_user, log_in
    from web import create_app

    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "CSRF_ENABLED": False,
                      "MAX_CONTENT_LENGTH": 1000})
    try:
        response = log_in(app.test_client(), clean_db, add_user(clean_db)).post(
            "/memories/import", data={"memory": "m", "file": (io.BytesIO(b"x" * 5000), "a.tmx")},
            content_type="multipart/form-data", headers={"Accept-Language": "ru"})
        assert response.status_code == 413
        assert "<html" in response.get_data(as_text=True) and "Слишком" in response.get_data(
            as_text=True)
    finally:
        app.extensions["sverka_engine"].dispose()


def test_serve_never_makes_a_user_and_says_how_to_make_the_first(
        runner: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, clean_db: Engine) -> None:
    import web.cli
    from tests.conftest import add_user
    from web.jobs import close_queue

    def stop(_ctx: object, server: Any) -> None:  # instead of answering until Ctrl+C
        server.close()
        server.task_dispatcher.shutdown()  # no thread left for later tests' forks
        for thread in threading.enumerate():
            if thread.name == "sverka-search-index":
                thread.join()
        app = apps.pop()
        close_queue(app)  # its job consumer's threads
        app.extensions["sverka_engine"].dispose()  # nor a connection

    import web

    apps = []
    create_app = web.create_app
    monkeypatch.setattr(web, "create_app", lambda *a: apps.append(create_app(*a)) or apps[-1])
    monkeypatch.setattr(web.cli, "_run", stop)
    first = runner("serve", "--port", str(_free_port()))
    assert first.exit_code == 0, first.output
    assert "No users yet: add the first with `sverka user add LOGIN --role admin`." \
        in first.output
    assert json.loads(runner("user", "list", "--json").output) == []
    add_user(clean_db)
    assert "No users yet" not in runner("serve", "--port", str(_free_port())).output


def _http(opener: urllib.request.OpenerDirector, url: str,
          form: dict[str, str] | None = None) -> tuple[int, str, str]:
    """GET (or POST ``form``) through ``opener``: the status, the final URL and the page."""
    import urllib.parse

    data = urllib.parse.urlencode(form).encode() if form is not None else None
    try:
        with opener.open(url, data=data, timeout=30) as response:
            return response.status, response.url, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.url, error.read().decode("utf-8")


def _csrf(opener: urllib.request.OpenerDirector, url: str) -> str:
    page = _http(opener, url)[2]
    found = re.search(r'<meta name="csrf-token" content="([^"]+)">', page)
    assert found, page[:300]
    return found[1]


def _serve(env: dict[str, str], port: int) -> subprocess.Popen[str]:
    process = subprocess.Popen([sys.executable, "-m", "tm.cli", "serve", "--port", str(port)],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               text=True, start_new_session=True)
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise AssertionError("the server did not start")


@pytest.mark.slow
def test_an_import_of_a_server_killed_mid_job_is_interrupted_and_its_text_kept(
        tmp_path: Path) -> None:
    import signal
    import sqlite3

    env = {**os.environ, "SVERKA_DATA_DIR": str(tmp_path)}
    env.pop("SVERKA_DATABASE_URL", None)
    password = "a long enough password"
    subprocess.run([sys.executable, "-m", "tm.cli", "user", "add", "anna", "--role",
                    "manager", "--password-stdin"], input=password + "\n", env=env,
                   check=True, capture_output=True, text=True)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = _serve(env, port)
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    try:
        _http(browser, f"{base}/login", {"login": "anna", "password": password, "next": "/",
                                         "csrf_token": _csrf(browser, f"{base}/login")})
        source = "\n".join(f"В {n}-м абзаце говорится о погоде. Завтра будет дождь."
                           for n in range(6000))
        english = "\n".join(f"Paragraph {n} is about the weather. It will rain tomorrow."
                            for n in range(6000))
        status, job_url, _page = _http(browser, f"{base}/import", {
            "source_text": "Долгий импорт\n" + source, "translation_text": english,
            "track": "human", "origin": "human", "title": "", "url": "", "date": "",
            "csrf_token": _csrf(browser, f"{base}/import")})
        assert "/import/jobs/" in job_url, (status, job_url)
        api = job_url.replace("/import/jobs/", "/api/imports/")
        while json.loads(_http(browser, api)[2])["step"] < 2:  # under way: aligning
            time.sleep(0.05)
    finally:
        os.killpg(server.pid, signal.SIGKILL)  # no chance to clean up
        server.wait(timeout=30)
    server = _serve(env, port)
    try:
        status, _url, page = _http(browser, job_url)  # the same session: the key was kept
        assert status == 400 and "This import was interrupted" in page
        assert "В 5999-м абзаце говорится о погоде." in page  # the text, back in the form
    finally:
        server.terminate()
        server.wait(timeout=30)
    with sqlite3.connect(tmp_path / "sverka.sqlite3") as database:
        assert database.execute("SELECT count(*) FROM document").fetchone() == (0,)
        assert database.execute("SELECT state FROM job").fetchall() == [("interrupted",)]
