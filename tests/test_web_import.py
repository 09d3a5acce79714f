"""Importing an article in the browser: upload or paste, preview the segmentation, save.

Saving runs in the background; the tests poll its progress as the page does.
"""
from __future__ import annotations

import io
import re
import time
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from tests.conftest import SEED
from tm.errors import InputError
from tm.models import Document, Role, Segment, Translation

RU = (SEED / "ru.txt").read_bytes()
EN = (SEED / "en.human.txt").read_bytes()


def _hidden(page: str, name: str) -> str:
    match = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', page)
    assert match, name
    import html

    return html.unescape(match.group(1))


# Long enough for the slowest CI machine to import a few hundred sentences.
IMPORT_TIMEOUT_S = 60.0


def _finish(client: FlaskClient, response: TestResponse) -> tuple[dict[str, Any], list[Any]]:
    """Poll the import that ``response`` started until it ends; return its last state and
    every (stage, done, total) seen on the way."""
    assert response.status_code == 303, response.get_data(as_text=True)
    job = response.headers["Location"].rsplit("/", 1)[-1]
    assert response.headers["Location"].endswith(f"/import/jobs/{job}")
    seen: list[Any] = []
    deadline = time.monotonic() + IMPORT_TIMEOUT_S
    while True:
        state = client.get(f"/api/imports/{job}").get_json()
        seen.append((state["stage"], state["done"], state["total"]))
        if state["state"] not in ("queued", "running"):
            return state, seen
        assert time.monotonic() < deadline, seen[-5:]
        time.sleep(0.02)


def _counts(engine: Engine) -> tuple[int, int, int]:
    with Session(engine) as session:
        return tuple(session.scalar(select(func.count()).select_from(model))  # type: ignore[return-value]
                     for model in (Document, Segment, Translation))


def test_preview_shows_segments_and_keeps_the_texts(client: FlaskClient) -> None:
    response = client.post("/import/preview", data={
        "source_file": (io.BytesIO(RU), "ru.txt"), "translation_file": (io.BytesIO(EN), "en.txt"),
        "track": "human", "origin": "human"}, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "БИШКЕК, 21 янв — Sputnik." in page and "BISHKEK, January 21 – Sputnik." in page
    assert "kind-boilerplate" in page
    assert _hidden(page, "source_text").startswith("Беспорядки в Казахстане")
    assert client.get("/api/documents").get_json() == []  # nothing saved yet


def test_the_preview_warns_of_texts_swapped_in_the_users_language(client: FlaskClient) -> None:
    def preview(source: bytes, translation: bytes, language: str) -> str:
        client.post("/settings", data={"locale": language})
        return client.post("/import/preview", data={
            "source_file": (io.BytesIO(source), "ru.txt"),
            "translation_file": (io.BytesIO(translation), "en.txt")},
            content_type="multipart/form-data").get_data(as_text=True)

    assert 'role="alert"' not in preview(RU, EN, "en")
    swapped = preview(EN, RU, "en")
    assert "The Russian article: only 0% of its letters are Cyrillic, most are Latin." in swapped
    assert re.search(r"The English translation: only \d% of its letters are Latin, most are "
                     r"Cyrillic\. Is it the right text\?", swapped)
    russian = preview(EN, RU, "ru")
    assert "Русская статья: лишь 0\xa0% букв — кириллица, большинство — латиница." in russian


def test_save_imports_the_previewed_texts_with_the_translation(client: FlaskClient) -> None:
    response = client.post("/import", data={
        "source_text": RU.decode("utf-8"), "translation_text": EN.decode("utf-8"),
        "track": "desk", "origin": "supplied", "title": "", "url": "", "date": "2022-01-21"})
    state, _seen = _finish(client, response)
    assert state["state"] == "done"
    [document] = client.get("/api/documents").get_json()
    assert state["location"] == f"/documents/{document['id']}/align?track=desk"
    page = client.get(response.headers["Location"])  # the progress page, now done
    assert page.status_code == 303 and page.headers["Location"] == state["location"]
    assert document["published_on"] == "2022-01-21"
    assert document["tracks"]["desk"] == {"translated": document["tracks"]["desk"]["translated"]}
    data = client.get(f"/api/documents/{document['id']}").get_json()
    dateline = next(s for s in data["segments"] if s["kind"] == "dateline")
    assert dateline["translations"]["desk"]["origin"] == "supplied"
    assert dateline["translations"]["desk"]["author"] == "Anna"


def test_pasted_article_without_translation(client: FlaskClient) -> None:
    response = client.post("/import", data={"source_text": "Заголовок\nПервое. Второе."})
    state, _seen = _finish(client, response)
    assert state["location"].startswith("/documents/") and "align" not in state["location"]


def test_missing_article_shows_the_form_with_an_error(client: FlaskClient) -> None:
    response = client.post("/import/preview", data={"source_text": "  "})
    assert response.status_code == 400
    assert "upload or paste the Russian article" in response.get_data(as_text=True)


def test_translation_of_another_text_is_refused_and_nothing_saved(client: FlaskClient) -> None:
    response = client.post("/import", data={"source_text": RU.decode("utf-8"),
                                            "translation_text": "Short."})
    state, _seen = _finish(client, response)
    assert state["state"] == "failed" and "shorter" in state["message"]
    assert client.get(f"/api/imports/{state['id']}").status_code == 400
    page = client.get(response.headers["Location"])  # the form again, with the error
    text = page.get_data(as_text=True)
    assert page.status_code == 400 and "shorter" in text and 'role="alert"' in text
    assert "Беспорядки в Казахстане" in text  # what was pasted is still there
    assert client.get("/api/documents").get_json() == []


def test_a_long_import_reports_each_stage_with_counts(client: FlaskClient) -> None:
    ru = "\n".join(" ".join(f"Предложение {p * 5 + s + 1} о погоде." for s in range(5))
                   for p in range(80))
    en = "\n".join(" ".join(f"Sentence {p * 5 + s + 1} is about the weather." for s in range(5))
                   for p in range(80))
    response = client.post("/import", data={"source_text": ru, "translation_text": en,
                                            "track": "human", "title": "Погода"})
    running = client.get(response.headers["Location"])
    if running.status_code == 200:  # the page shows the bar while the import runs
        text = running.get_data(as_text=True)
        assert "<progress" in text and "Погода" in text and "/api/imports/" in text
    state, seen = _finish(client, response)
    assert state["state"] == "done" and state["steps"] == 3
    assert (state["stage"], state["done"], state["total"]) == ("translate", 400, 400)
    stages = [stage for stage, _done, _total in seen]
    assert stages == sorted(stages, key=["queued", "segment", "align", "translate"].index)
    assert all(0 <= done <= total for _stage, done, total in seen if total)
    assert state["message"] == "Imported; opening the document…"


def test_an_import_failing_half_way_leaves_nothing(client: FlaskClient, clean_db: Engine,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import tm.ingest.importer as importer

    stored: list[int] = []
    add_translation = importer.add_translation

    def fail_at_the_tenth(*args: Any, **kwargs: Any) -> Any:
        stored.append(1)
        if len(stored) == 10:
            raise InputError("test-failure", "the disk is full (a test)")
        return add_translation(*args, **kwargs)

    monkeypatch.setattr(importer, "add_translation", fail_at_the_tenth)
    response = client.post("/import", data={"source_text": RU.decode("utf-8"),
                                            "translation_text": EN.decode("utf-8")})
    state, _seen = _finish(client, response)
    assert state["state"] == "failed" and state["message"] == "the disk is full (a test)"
    assert _counts(clean_db) == (0, 0, 0)


def test_an_unexpected_error_is_reported_without_details(client: FlaskClient, app: Flask,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    import tm.ingest.importer as importer

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(importer, "align_paragraphs", broken)
    response = client.post("/import", data={"source_text": RU.decode("utf-8"),
                                            "translation_text": EN.decode("utf-8")})
    state, _seen = _finish(client, response)
    assert state["message"] == "Something went wrong on our side; nothing was saved."
    assert "secret" not in client.get(response.headers["Location"]).get_data(as_text=True)


def test_another_session_cannot_see_an_import(
        client: FlaskClient, client_as: Callable[[Role], FlaskClient]) -> None:
    response = client.post("/import", data={"source_text": "Заголовок\nПервое. Второе."})
    job = response.headers["Location"].rsplit("/", 1)[-1]
    stranger = client_as(Role.MANAGER)
    assert stranger.get(f"/api/imports/{job}").status_code == 404
    assert stranger.get(f"/import/jobs/{job}").status_code == 404
    _finish(client, response)


def test_an_import_whose_server_died_says_so_and_gives_the_text_back(
        client: FlaskClient, client_as: Callable[[Role], FlaskClient], session: Session,
        clean_db: Engine) -> None:
    from tests.test_jobs import _dead_worker
    from tm.jobs import claim_job, create_job
    from tm.models import User

    anna = session.scalar(select(User).where(User.login == "anna"))
    values = {"source_text": "Заголовок\nПервое предложение. Второе предложение.",
              "translation_text": "", "title": "Запомненная статья", "url": "", "date": "",
              "track": "human", "origin": "human"}
    job = create_job(session, "import-article", owner=anna, title="Запомненная статья",
                     params={"values": values, "title": "Запомненная статья", "steps": 1,
                             "track": None})
    claim_job(session, job.id, worker=_dead_worker())  # the server that ran it was killed
    session.commit()
    page = client.get(f"/import/jobs/{job.id}", headers={"Accept-Language": "ru"})
    text = page.get_data(as_text=True)
    assert page.status_code == 400 and "импорт был прерван" in text
    assert "Первое предложение. Второе предложение." in text  # back in the form
    api = client.get(f"/api/imports/{job.id}").get_json()
    assert (api["error"], api["state"]) == ("ImportInterrupted", "interrupted")
    assert client_as(Role.MANAGER).get(f"/api/imports/{job.id}").status_code == 404
    assert session.scalar(select(func.count()).select_from(Document)) == 0
