"""Importing an article in the browser: upload or paste, preview the segmentation, save."""
from __future__ import annotations

import io
import re

from flask.testing import FlaskClient

from tests.conftest import SEED

RU = (SEED / "ru.txt").read_bytes()
EN = (SEED / "en.human.txt").read_bytes()


def _hidden(page: str, name: str) -> str:
    match = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', page)
    assert match, name
    import html

    return html.unescape(match.group(1))


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


def test_save_imports_the_previewed_texts_with_the_translation(client: FlaskClient) -> None:
    client.post("/settings", data={"author": "Anna"})
    response = client.post("/import", data={
        "source_text": RU.decode("utf-8"), "translation_text": EN.decode("utf-8"),
        "track": "desk", "origin": "supplied", "title": "", "url": "", "date": "2022-01-21"})
    assert response.status_code == 303
    [document] = client.get("/api/documents").get_json()
    assert document["published_on"] == "2022-01-21"
    assert document["tracks"]["desk"] == {"translated": document["tracks"]["desk"]["translated"]}
    data = client.get(f"/api/documents/{document['id']}").get_json()
    dateline = next(s for s in data["segments"] if s["kind"] == "dateline")
    assert dateline["translations"]["desk"]["origin"] == "supplied"
    assert dateline["translations"]["desk"]["author"] == "Anna"


def test_pasted_article_without_translation(client: FlaskClient) -> None:
    response = client.post("/import", data={"source_text": "Заголовок\nПервое. Второе."})
    assert response.status_code == 303 and "/documents/" in response.headers["Location"]


def test_missing_article_shows_the_form_with_an_error(client: FlaskClient) -> None:
    response = client.post("/import/preview", data={"source_text": "  "})
    assert response.status_code == 400
    assert "upload or paste the Russian article" in response.get_data(as_text=True)


def test_translation_of_another_text_is_refused_and_nothing_saved(client: FlaskClient) -> None:
    response = client.post("/import", data={"source_text": RU.decode("utf-8"),
                                            "translation_text": "Short."})
    assert response.status_code == 400 and "shorter" in response.get_data(as_text=True)
    assert client.get("/api/documents").get_json() == []
