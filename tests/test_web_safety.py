"""Web safety: CSRF tokens on every change, user text escaped, redirects kept on this site."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tm.ingest import Article, import_article


@pytest.fixture
def guarded(database_url: str, clean_db: Engine, tmp_path: Path) -> Iterator[Flask]:
    """The web app with CSRF protection on, as in production (running its jobs in-process)."""
    from web import create_app
    from web.jobs import close_queue, start_consumer

    app = create_app({"TESTING": True, "DATABASE_URL": database_url,
                      "QUEUE_URL": f"sqlite:///{tmp_path / 'queue.sqlite3'}"})
    start_consumer(app)
    yield app
    close_queue(app)
    app.extensions["sverka_engine"].dispose()


def _token(client: FlaskClient) -> str:
    client.get("/login", follow_redirects=True)  # a page with forms, logged in or not
    with client.session_transaction() as session:
        return str(session["csrf_token"])


def test_post_without_csrf_token_is_refused(guarded: Flask) -> None:
    client = guarded.test_client()
    response = client.post("/settings", data={"locale": "ru"})
    assert response.status_code == 400 and "CSRF" in response.get_data(as_text=True)
    with client.session_transaction() as session:
        assert "locale" not in session


def test_api_change_without_csrf_header_is_a_json_400(guarded: Flask) -> None:
    response = guarded.test_client().put("/api/settings", json={"locale": "ru"})
    assert response.status_code == 400 and response.get_json()["status"] == 400


@pytest.mark.parametrize("how", ["form", "header"])
def test_post_with_the_session_token_passes(guarded: Flask, how: str) -> None:
    client = guarded.test_client()
    token = _token(client)
    if how == "form":
        response = client.post("/settings", data={"locale": "ru", "csrf_token": token,
                                                  "next": "/memories"})
        assert response.status_code == 303 and response.headers["Location"] == "/memories"
    else:
        response = client.put("/api/settings", json={"locale": "ru"},
                              headers={"X-CSRF-Token": token})
        assert response.get_json()["locale"] == "ru"
    assert '<html lang="ru">' in client.get("/login").get_data(as_text=True)


def test_wrong_token_is_refused(guarded: Flask) -> None:
    client = guarded.test_client()
    _token(client)
    response = client.post("/settings", data={"locale": "ru", "csrf_token": "forged"})
    assert response.status_code == 400


def test_an_import_needs_the_token_and_its_progress_the_same_user(
        guarded: Flask, clean_db: Engine) -> None:
    from tests.conftest import add_user, log_in
    from tests.test_web_import import _finish

    anna = add_user(clean_db)
    client = log_in(guarded.test_client(), clean_db, anna)
    token = _token(client)
    article = {"source_text": "Заголовок\nПервое. Второе."}
    assert client.post("/import", data=article).status_code == 400
    response = client.post("/import", data={**article, "csrf_token": token})
    state, _seen = _finish(client, response)
    assert state["state"] == "done"
    elsewhere = log_in(guarded.test_client(), clean_db, anna)  # her other browser: hers too
    assert elsewhere.get(f"/api/imports/{state['id']}").status_code == 200
    boris = log_in(guarded.test_client(), clean_db, add_user(clean_db, "boris"))
    assert boris.get(f"/api/imports/{state['id']}").status_code == 404


def test_settings_never_redirect_to_another_site(client: FlaskClient) -> None:
    response = client.post("/settings", data={"locale": "en", "next": "//evil.example/"})
    assert response.headers["Location"] == "/"


HOSTILE = "<script>alert(1)</script> &amp; «Тест»"


def test_user_text_is_escaped_in_pages(client: FlaskClient, session: Session) -> None:
    article = Article(paragraphs=(HOSTILE, "Второе предложение <b>жирное</b>."),
                      source_name="hostile.txt", source_format="text")
    document = import_article(session, article).document
    session.commit()
    for url in ("/", f"/documents/{document.id}"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in page and "<b>жирное" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp;amp; «Тест»" in page
