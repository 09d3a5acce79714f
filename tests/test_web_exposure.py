"""A server that is safe to expose (issue 13): its key, headers, links, redirects and limits.

No default secret key; headers on every response (a CSP that runs no inline code, checked in
Chromium too); stored URLs are links only if http(s); ``next`` goes to this site only;
download names cannot break their header; ``/healthz`` says whether the database answers.
"""
from __future__ import annotations

import re
import socket
import stat
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from werkzeug.http import parse_options_header

from tests.browser import live_server, log_in_page
from tests.conftest import import_seed
from tm.errors import InputError
from tm.ingest import Article, import_article
from web.downloads import attachment
from web.secret_key import KEY_FILENAME, WEAK_KEYS, load_or_create, weakness
from web.urls import web_link

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
        make_app: Callable[..., Flask], clean_db: Engine) -> None:
    from tests.conftest import add_user

    admin = add_user(clean_db)
    app = make_app()

    def cookie(key: str) -> str:
        forger = Flask("forger")
        forger.secret_key = key
        serializer = SecureCookieSessionInterface().get_signing_serializer(forger)
        assert serializer is not None
        return str(serializer.dumps({"_user_id": f"{admin}.0", "_fresh": True}))

    def who(value: str) -> object:
        client = app.test_client()
        client.set_cookie(app.config["SESSION_COOKIE_NAME"], value)
        return client.get("/api/settings").get_json()["user"]

    assert who(cookie("dev")) is None
    assert who(cookie(app.secret_key)) == {"login": "anna", "display_name": "Anna",
                                           "role": "admin"}  # the real key: accepted


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


# 2. Headers on every response, cookies, HTTPS and proxies ----------------------------------

@pytest.mark.parametrize("url, status", [
    ("/", 200),                      # a page
    ("/api/settings", 200),          # JSON
    ("/documents/2147483647", 404),  # an error page
    ("/static/style.css", 200),      # a static file
    ("/healthz", 200),
])
def test_every_kind_of_response_carries_the_security_headers(
        client: FlaskClient, url: str, status: int) -> None:
    with client.get(url) as response:  # a static file is streamed: closed at the end
        headers = response.headers
        assert response.status_code == status
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    policy = dict(d.strip().split(" ", 1) for d in headers["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in headers["Content-Security-Policy"]
    assert "Strict-Transport-Security" not in headers  # plain HTTP by default


# Markup the policy blocks: inline scripts (other than JSON data), handlers, style attributes.
INLINE_CODE = re.compile(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>"
                         r"|\son[a-z]+\s*=|\sstyle\s*=|<style\b|javascript:", re.IGNORECASE)


def test_no_page_has_inline_code_or_style_the_policy_would_block(
        client: FlaskClient, seed_document: int) -> None:
    client.post("/settings", data={"locale": "en"})
    for url in ("/", "/?q=Казахстан", f"/documents/{seed_document}",
                f"/documents/{seed_document}/edit?track=human",
                f"/documents/{seed_document}/align?track=human", "/memories", "/scores",
                "/import", "/documents/2147483647"):
        page = client.get(url).get_data(as_text=True)
        assert not INLINE_CODE.findall(page), url


def test_the_session_cookie_is_http_only_and_same_site(client: FlaskClient) -> None:
    cookie = client.post("/settings", data={"locale": "en"}).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_over_https_the_cookie_is_secure_urls_are_https_and_hsts_is_sent(
        make_app: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SVERKA_HTTPS", "1")
    app = make_app(CSRF_ENABLED=False)
    response = app.test_client().post("/settings", data={"locale": "en"})
    assert "Secure" in response.headers["Set-Cookie"]
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    with app.test_request_context():
        from flask import url_for

        assert url_for("index", _external=True).startswith("https://")


def _client_seen_by(app: Flask) -> FlaskClient:
    from web.access import PUBLIC, requires

    app.add_url_rule("/probe", "probe", requires(PUBLIC)(
        lambda: f"{request.scheme} {request.remote_addr}"))
    return app.test_client()


FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}


def test_forwarded_headers_count_only_behind_a_declared_proxy(
        make_app: Callable[..., Flask]) -> None:
    direct = _client_seen_by(make_app())
    assert direct.get("/probe", headers=FORWARDED).get_data(as_text=True) == "http 127.0.0.1"
    proxied = _client_seen_by(make_app(PROXY_FIX="1"))
    assert proxied.get("/probe", headers=FORWARDED).get_data(as_text=True) == \
        "https 203.0.113.7"


@pytest.mark.parametrize("value", ["-1", "many", "99"])
def test_a_proxy_count_that_is_no_count_is_refused(database_url: str, value: str) -> None:
    with pytest.raises(InputError, match="SVERKA_PROXY_FIX"):
        _app(database_url, PROXY_FIX=value)


def test_the_main_pages_raise_no_content_security_policy_violation_in_chromium(
        browser: Any, database_url: str, clean_db: Engine) -> None:
    with Session(clean_db) as session:
        doc = import_seed(session).document.id
        session.commit()
    with live_server(database_url) as server:
        context = browser.new_context(base_url=server, locale="en-US")
        page = context.new_page()
        messages: list[str] = []
        page.on("console", lambda message: messages.append(message.text))
        page.on("pageerror", lambda error: messages.append(str(error)))
        log_in_page(page, clean_db)  # the login page itself is checked too
        for url in ("/login", "/", "/?q=Казахстан", "/account", "/admin/users", "/admin/audit",
                    f"/documents/{doc}", f"/documents/{doc}/edit",
                    f"/documents/{doc}/align", "/memories", "/scores", "/import"):
            page.goto(url)
            page.wait_for_load_state("networkidle")
        editor = f"/documents/{doc}/edit"
        page.goto(editor)
        page.locator("tr.unit textarea").nth(2).click()  # the suggestions panel fills in
        page.wait_for_load_state("networkidle")
        context.close()
    assert page.url.endswith(editor)
    assert not [m for m in messages if "Content Security Policy" in m], messages


# 3. Stored URLs: links only for http(s) ----------------------------------------------------

@pytest.mark.parametrize("url, link", [
    ("https://sputnik.kz/20220121/rezolyuciya.html", True),
    ("http://example.org/a?b=c#d", True),
    ("HTTPS://Example.org/", True),
    ("javascript:alert(1)", False),
    ("JaVaScRiPt:alert(1)", False),
    (" javascript:alert(1)", False),
    ("\x01javascript:alert(1)", False),
    ("java\tscript:alert(1)", False),
    ("data:text/html,<script>alert(1)</script>", False),
    ("vbscript:msgbox(1)", False),
    (" https://example.org/", False),
    ("https://example.org/\nSet-Cookie", False),
    ("https:example.org", False),
    ("https:///path", False),
    ("//example.org/", False),
    ("ftp://example.org/file", False),
    ("", False),
])
def test_only_http_urls_are_links(url: str, link: bool) -> None:
    assert (web_link(url) == url) is link
    if not link:
        assert web_link(url) is None


@pytest.mark.parametrize("url", ["javascript:alert(document.cookie)", " JavaScript:alert(1)",
                                 "data:text/html;base64,PHNjcmlwdD4="])
def test_a_stored_script_url_is_shown_as_text_not_a_link(
        client: FlaskClient, session: Session, url: str) -> None:
    article = Article(paragraphs=("Заголовок", "Первое. Второе."), source_name="a.txt",
                      source_format="text", url=url)
    document = import_article(session, article).document
    session.commit()
    page = client.get(f"/documents/{document.id}").get_data(as_text=True)
    assert not re.search(r"<a [^>]*href=\"\s*(?:javascript|data):", page, re.IGNORECASE)
    assert f'<span class="source-url">{escape(url)}</span>' in page


def test_a_stored_web_url_is_a_link(client: FlaskClient, session: Session) -> None:
    url = "https://sputnik.kz/20220121/rezolyuciya.html"
    article = Article(paragraphs=("Заголовок", "Первое."), source_name="a.txt",
                      source_format="text", url=url)
    document = import_article(session, article).document
    session.commit()
    assert f'href="{url}"' in client.get(f"/documents/{document.id}").get_data(as_text=True)


# 4. next= goes to this site only -----------------------------------------------------------

@pytest.mark.parametrize("target", [
    "//evil.example/", "///evil.example/", "/\\evil.example", "\\\\evil.example",
    "\\/evil.example", "https://evil.example/", "HTTP://evil.example", "javascript:alert(1)",
    "evil.example", "documents/1", " /memories", "/\t/evil.example", "/\n/evil.example",
    "/\r\n/evil.example", "/%2f%2fevil.example", "/%2F/evil.example", "%2f%2fevil.example",
    "/%5cevil.example", "/%5Cevil.example", "/%09/evil.example", "/%0a/evil.example",
    "/%252f%252fevil.example", "/%25252f/evil.example", "/x\x00", "/x%00", "",
    "/%2525252525252f/",
])
def test_next_never_leaves_the_site(client: FlaskClient, target: str) -> None:
    response = client.post("/settings", data={"author": "Anna", "next": target})
    assert response.status_code == 303 and response.headers["Location"] == "/"


@pytest.mark.parametrize("target", ["/", "/memories", "/documents/1/edit?track=human&page=2",
                                    "/?q=%D0%BF%D1%83%D1%82%D1%8C", "/memories/a%2Fb",
                                    "/scores/wmt 2021"])
def test_next_goes_back_to_a_page_of_the_site(client: FlaskClient, target: str) -> None:
    response = client.post("/settings", data={"author": "Anna", "next": target})
    assert response.headers["Location"] == target.replace(" ", "%20")


# 5. Download names --------------------------------------------------------------------------

@pytest.mark.parametrize("name, fallback, utf8", [
    ("desk.tmx", "desk.tmx", None),
    ("агентство ТАСС.tmx", "_________ ____.tmx", "агентство ТАСС.tmx"),
    ('say "hi".tmx', "say _hi_.tmx", 'say "hi".tmx'),
    ("a; filename=evil.exe", "a_ filename_evil.exe", "a; filename=evil.exe"),
    ("line\r\nSet-Cookie: x=1", "line__Set-Cookie_ x_1", "line__Set-Cookie: x=1"),
    ("../../etc/passwd", ".._.._etc_passwd", None),
    ("C:\\Windows\\x.tmx", "C__Windows_x.tmx", "C:_Windows_x.tmx"),
    ("café.tmx", "cafe.tmx", "café.tmx"),
    ("", "download", None),
])
def test_download_names_are_quoted_and_cannot_break_the_header(
        name: str, fallback: str, utf8: str | None) -> None:
    value = attachment(name)
    assert "\r" not in value and "\n" not in value and value.isascii()
    kind, options = parse_options_header(value)
    assert kind == "attachment"
    assert re.search(r'filename="([^"\\]*)"', value)[1] == fallback  # type: ignore[index]
    assert set(options) <= {"filename", "filename*"}
    # Werkzeug's parser, as a browser does, prefers filename* and decodes it.
    assert options["filename"] == (utf8 or fallback)


def test_a_document_download_is_named_for_it(client: FlaskClient, seed_document: int) -> None:
    response = client.get(f"/documents/{seed_document}/export.tmx")
    assert response.headers["Content-Disposition"] == \
        f'attachment; filename="document-{seed_document}.tmx"'


# 6. Bounded query parameters (every route: tests/test_web_bounds.py) ------------------------

def test_suggestions_for_a_unit_of_impossibly_many_segments_are_bounded_work(
        client: FlaskClient, session: Session, seed_document: int) -> None:
    from tm.documents import get_document

    segment = get_document(session, seed_document).segments[4]
    for count in ("99999999999999999999", "2147483647", "-5"):
        response = client.get(f"/api/segments/{segment.id}/suggestions?count={count}")
        assert response.status_code == 200 and isinstance(response.get_json(), list)


# 7. /healthz ---------------------------------------------------------------------------------

def test_healthz_answers_ok_when_the_database_does_and_keeps_no_session(
        client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def _unreachable_postgresql() -> str:
    return f"postgresql+psycopg://postgres@127.0.0.1:{_free_port()}/test?connect_timeout=5"


@pytest.mark.parametrize("database", ["postgresql", "sqlite"])
def test_healthz_is_a_503_when_the_database_does_not_answer(
        make_app: Callable[..., Flask], tmp_path: Path, database: str) -> None:
    # Nothing listens on the PostgreSQL port; a folder stands where the SQLite file should.
    url = _unreachable_postgresql() if database == "postgresql" else f"sqlite:///{tmp_path}"
    response = make_app(DATABASE_URL=url).test_client().get("/healthz")
    assert response.status_code == 503 and response.get_json() == {"status": "unavailable"}
    assert response.headers["Cache-Control"] == "no-store"
