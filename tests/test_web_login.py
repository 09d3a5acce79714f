"""Logging in and out: passwords, login links, sessions that end, and failures that wait."""
from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from tests.components import require_redis
from tests.conftest import add_user, log_in
from tm.accounts.audit import list_events
from tm.accounts.tokens import create_login_link, create_token, list_tokens
from tm.models import AuditAction, AuditEvent, Role, User

PASSWORD = "correct horse battery staple"


@pytest.fixture
def make_app(database_url: str, clean_db: Engine) -> Iterator[Callable[..., Flask]]:
    """Make the app with CSRF on, as in production, and extra settings."""
    from web import create_app

    apps: list[Flask] = []

    def make(**config: object) -> Flask:
        apps.append(create_app({"TESTING": True, "DATABASE_URL": database_url, **config}))
        return apps[-1]

    yield make
    for app in apps:
        app.extensions["sverka_engine"].dispose()


def _csrf(client: FlaskClient) -> str:
    client.get("/login")
    with client.session_transaction() as session:
        return str(session["csrf_token"])


def _log_in(client: FlaskClient, login: str, password: str, next_: str = "/",
            **headers: str) -> TestResponse:
    return client.post("/login", data={"login": login, "password": password, "next": next_,
                                       "csrf_token": _csrf(client)}, headers=headers)


def _events(engine: Engine, action: AuditAction) -> list[AuditEvent]:
    with Session(engine) as session:
        return list(list_events(session, action=action))


def test_a_login_starts_a_new_session_and_goes_where_the_user_was_going(
        make_app: Callable[..., Flask], clean_db: Engine) -> None:
    add_user(clean_db, "anna", Role.TRANSLATOR, password=PASSWORD)
    client = make_app().test_client()
    asked = client.get("/memories")
    assert asked.status_code == 303 and asked.headers["Location"] == "/login?next=/memories"
    before = _csrf(client)
    response = _log_in(client, "Anna", PASSWORD, "/memories")
    assert response.status_code == 303 and response.headers["Location"] == "/memories"
    with client.session_transaction() as session:
        assert session.get("csrf_token") != before  # nothing of the old session survives
    assert client.get("/memories").status_code == 200
    [event] = _events(clean_db, AuditAction.LOGIN)
    assert (event.actor, event.address) == ("anna", "127.0.0.1")
    with Session(clean_db) as session:
        assert session.scalar(select(User.last_login_at)) is not None


@pytest.mark.parametrize("login, password", [("anna", "wrong password!"),
                                             ("nobody", PASSWORD), ("anna", "")])
def test_a_failed_login_says_so_in_the_users_language_and_is_audited(
        make_app: Callable[..., Flask], clean_db: Engine, login: str, password: str) -> None:
    add_user(clean_db, "anna", Role.TRANSLATOR, password=PASSWORD)
    client = make_app().test_client()
    response = _log_in(client, login, password, **{"Accept-Language": "ru"})
    assert response.status_code == 401
    assert "Неверный логин или пароль" in response.get_data(as_text=True)
    assert client.get("/").status_code == 303
    [event] = _events(clean_db, AuditAction.LOGIN_FAILED)
    assert event.actor == (login or None) and event.user_id is None


def test_a_disabled_user_cannot_log_in(make_app: Callable[..., Flask],
                                      clean_db: Engine) -> None:
    user_id = add_user(clean_db, "anna", Role.TRANSLATOR, password=PASSWORD)
    with Session(clean_db) as session:
        user = session.get(User, user_id)
        assert user is not None
        user.active = False
        session.commit()
    assert _log_in(make_app().test_client(), "anna", PASSWORD).status_code == 401


def test_a_login_form_from_another_site_is_refused(make_app: Callable[..., Flask],
                                                   clean_db: Engine) -> None:
    add_user(clean_db, "anna", Role.TRANSLATOR, password=PASSWORD)
    response = make_app().test_client().post("/login", data={"login": "anna",
                                                             "password": PASSWORD})
    assert response.status_code == 400  # no CSRF token: a forged login


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil",
                                    "/%2F%2Fevil.example", "javascript:alert(1)"])
def test_after_a_login_the_next_page_is_always_on_this_site(
        make_app: Callable[..., Flask], clean_db: Engine, target: str) -> None:
    add_user(clean_db, "anna", Role.TRANSLATOR, password=PASSWORD)
    response = _log_in(make_app().test_client(), "anna", PASSWORD, target)
    assert response.headers["Location"] == "/"


def test_too_many_failures_lock_the_account_even_for_the_right_password_then_it_waits(
        make_app: Callable[..., Flask], clean_db: Engine) -> None:
    add_user(clean_db, "anna", Role.TRANSLATOR, password=PASSWORD)
    add_user(clean_db, "boris", Role.TRANSLATOR, password=PASSWORD)
    app = make_app(LOGIN_LIMIT_ACCOUNT="3/minute")
    client = app.test_client()
    for _ in range(3):
        assert _log_in(client, "anna", "a wrong guess").status_code == 401
    locked = _log_in(client, "anna", PASSWORD, **{"Accept-Language": "ru"})
    assert locked.status_code == 429
    assert 1 <= int(locked.headers["Retry-After"]) <= 60
    assert "Повторите через 1 мин" in locked.get_data(as_text=True)
    assert _log_in(client, "boris", PASSWORD).status_code == 303


def test_too_many_failures_from_one_address_lock_every_account_from_it(
        make_app: Callable[..., Flask], clean_db: Engine) -> None:
    add_user(clean_db, "anna", Role.TRANSLATOR, password=PASSWORD)
    client = make_app(LOGIN_LIMIT_ADDRESS="4/minute").test_client()
    for login in ("a", "b", "c", "d"):
        _log_in(client, login, "guess")
    assert _log_in(client, "anna", PASSWORD).status_code == 429


def test_a_right_password_forgets_the_accounts_failures(
        make_app: Callable[..., Flask], clean_db: Engine) -> None:
    add_user(clean_db, "anna", Role.TRANSLATOR, password=PASSWORD)
    app = make_app(LOGIN_LIMIT_ACCOUNT="3/minute")
    for _ in range(2):
        _log_in(app.test_client(), "anna", "a wrong guess")
    assert _log_in(app.test_client(), "anna", PASSWORD).status_code == 303
    for _ in range(2):
        _log_in(app.test_client(), "anna", "a wrong guess")
    assert _log_in(app.test_client(), "anna", PASSWORD).status_code == 303


def test_a_teams_processes_share_the_failure_counts_in_redis(
        make_app: Callable[..., Flask], clean_db: Engine) -> None:
    url = require_redis()
    add_user(clean_db, "anna", Role.TRANSLATOR, password=PASSWORD)
    shared = {"RATELIMIT_STORAGE_URI": url, "LOGIN_LIMIT_ACCOUNT": "2/minute",
              "RATELIMIT_KEY_PREFIX": f"sverka-test-{uuid.uuid4().hex}"}
    first, second = make_app(**shared), make_app(**shared)
    _log_in(first.test_client(), "anna", "guess one")
    _log_in(second.test_client(), "anna", "guess two")
    assert _log_in(first.test_client(), "anna", PASSWORD).status_code == 429
    alone = make_app(LOGIN_LIMIT_ACCOUNT="2/minute")  # in memory: its own counts
    assert _log_in(alone.test_client(), "anna", PASSWORD).status_code == 303


def test_a_session_ends_after_the_idle_timeout(make_app: Callable[..., Flask],
                                               clean_db: Engine) -> None:
    app = make_app(IDLE_TIMEOUT_MINUTES=30)
    client = log_in(app.test_client(), clean_db, add_user(clean_db))
    assert client.get("/").status_code == 200
    with client.session_transaction() as session:
        session["seen"] = int(time.time()) - 31 * 60
    assert client.get("/").status_code == 303
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_logging_out_ends_the_session(make_app: Callable[..., Flask],
                                      clean_db: Engine) -> None:
    client = log_in(make_app().test_client(), clean_db, add_user(clean_db))
    client.get("/")
    with client.session_transaction() as session:
        token = str(session["csrf_token"])
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    assert client.get("/").status_code == 303
    assert [e.actor for e in _events(clean_db, AuditAction.LOGOUT)] == ["anna"]


def test_logging_out_everywhere_ends_every_session_and_token(
        make_app: Callable[..., Flask], clean_db: Engine) -> None:
    app = make_app(CSRF_ENABLED=False)
    user_id = add_user(clean_db)
    here, there = (log_in(app.test_client(), clean_db, user_id) for _ in range(2))
    with Session(clean_db) as session:
        user = session.get(User, user_id)
        assert user is not None
        _token, secret = create_token(session, user, "script")
        session.commit()
    bearer = {"Authorization": f"Bearer {secret}"}
    assert app.test_client().get("/api/documents", headers=bearer).status_code == 200
    assert here.post("/account/logout-everywhere").status_code == 303
    assert there.get("/").status_code == 303 and here.get("/").status_code == 303
    assert app.test_client().get("/api/documents", headers=bearer).status_code == 401


def test_a_login_link_logs_in_once_and_not_after_it_expires(
        make_app: Callable[..., Flask], clean_db: Engine) -> None:
    app = make_app()
    user_id = add_user(clean_db)
    with Session(clean_db) as session:
        user = session.get(User, user_id)
        assert user is not None
        _link, secret = create_login_link(session, user)
        _old, expired = create_login_link(session, user, minutes=-1)
        session.commit()
    client = app.test_client()
    assert client.get(f"/login/link/{secret}").status_code == 303
    assert client.get("/").status_code == 200
    again = app.test_client().get(f"/login/link/{secret}")
    assert again.status_code == 401 and "used or has expired" in again.get_data(as_text=True)
    assert app.test_client().get(f"/login/link/{expired}").status_code == 401


def test_a_session_of_a_user_whose_credentials_moved_on_is_refused(
        make_app: Callable[..., Flask], clean_db: Engine) -> None:
    app = make_app()
    user_id = add_user(clean_db)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = f"{user_id}.7"  # a count the user never had
    assert client.get("/").status_code == 303


def test_changing_the_password_needs_the_current_one_and_ends_other_sessions(
        make_app: Callable[..., Flask], clean_db: Engine) -> None:
    app = make_app(CSRF_ENABLED=False)
    user_id = add_user(clean_db, password=PASSWORD)
    here, there = (log_in(app.test_client(), clean_db, user_id) for _ in range(2))
    new = "an even better pass phrase"
    wrong = here.post("/account/password", data={"password": "not it", "new_password": new,
                                                 "new_password_again": new})
    assert wrong.status_code == 422
    changed = here.post("/account/password", data={"password": PASSWORD, "new_password": new,
                                                   "new_password_again": new})
    assert changed.status_code == 303
    assert here.get("/").status_code == 200 and there.get("/").status_code == 303
    assert _log_in(app.test_client(), "anna", new).status_code == 303


def test_a_new_token_is_shown_once_on_the_account_page(
        make_app: Callable[..., Flask], clean_db: Engine) -> None:
    app = make_app(CSRF_ENABLED=False)
    user_id = add_user(clean_db, "vera", Role.VIEWER)
    client = log_in(app.test_client(), clean_db, user_id)
    page = client.post("/account/tokens", data={"name": "my script", "expires": "30"},
                       follow_redirects=True).get_data(as_text=True)
    with Session(clean_db) as session:
        [token] = list_tokens(session)
        prefix = token.prefix
    assert f'<code id="new-token">{prefix}' in page
    assert 'id="new-token"' not in client.get("/account").get_data(as_text=True)
    refused = client.post("/account/tokens", data={"name": "more", "role": "admin"})
    assert refused.status_code == 422  # never more than the user's role


def test_an_admin_adds_users_and_changes_their_roles_in_the_browser_pages(
        make_app: Callable[..., Flask], clean_db: Engine) -> None:
    app = make_app(CSRF_ENABLED=False)
    admin = log_in(app.test_client(), clean_db, add_user(clean_db))
    assert admin.post("/admin/users", data={"login": "Boris", "role": "translator",
                                            "password": PASSWORD}).status_code == 303
    assert admin.post("/admin/users/boris", data={"change": "role",
                                                  "role": "reviewer"}).status_code == 303
    assert admin.post("/admin/users/boris", data={"change": "disable"}).status_code == 303
    page = admin.get("/admin/users").get_data(as_text=True)
    assert "boris" in page and "disabled" in page
    audit = admin.get("/admin/audit?action=user-change").get_data(as_text=True)
    assert audit.count("<td>user changed</td>") == 2
    last = admin.post("/admin/users/anna", data={"change": "role", "role": "viewer"})
    assert last.status_code == 409  # the last admin stays one
