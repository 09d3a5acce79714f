"""The first web pages: the document list and one document side by side."""
from __future__ import annotations

import pytest
from flask.testing import FlaskClient


def test_document_list_shows_titles_and_tracks(seed_document: int, client: FlaskClient) -> None:
    doc = seed_document
    page = client.get("/").get_data(as_text=True)
    assert "Резолюция Европарламента по Казахстану" in page
    assert f'href="/documents/{doc}"' in page and "human" in page


def test_document_list_search(seed_document: int, client: FlaskClient) -> None:
    assert "Резолюция" not in client.get("/?q=бюджет").get_data(as_text=True)
    assert "Резолюция" in client.get("/?q=резолюция").get_data(as_text=True)


def test_document_page_shows_source_and_translation(
        seed_document: int, client: FlaskClient) -> None:
    doc = seed_document
    response = client.get(f"/documents/{doc}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "БИШКЕК, 21 янв — Sputnik." in page and "BISHKEK, January 21 – Sputnik." in page
    assert "kind-boilerplate" in page and "kind-headline" in page


def test_api_returns_segments_with_translations(seed_document: int, client: FlaskClient) -> None:
    doc = seed_document
    data = client.get(f"/api/documents/{doc}").get_json()
    dateline = next(s for s in data["segments"] if s["kind"] == "dateline")
    assert dateline["translations"]["human"]["text"] == "BISHKEK, January 21 – Sputnik."
    assert [d["id"] for d in client.get("/api/documents").get_json()] == [doc]


def test_json_sends_cyrillic_as_utf8_and_keeps_key_order(
        seed_document: int, client: FlaskClient) -> None:
    doc = seed_document
    response = client.get(f"/api/documents/{doc}")
    assert response.mimetype == "application/json"
    assert "БИШКЕК".encode() in response.data and b"\\u0411" not in response.data
    assert list(response.get_json()["segments"][0])[:2] == ["id", "position"]


def test_missing_document_is_a_404_page(client: FlaskClient) -> None:
    response = client.get("/documents/12345")
    assert response.status_code == 404
    assert "no document with id 12345" in response.get_data(as_text=True)


def test_missing_document_is_a_json_error_in_the_api(client: FlaskClient) -> None:
    response = client.get("/api/documents/12345")
    assert response.status_code == 404
    assert response.get_json() == {"error": "NotFoundError", "status": 404,
                                   "message": "no document with id 12345",
                                   "code": "document-missing", "params": {"id": 12345}}


def test_unknown_url_is_a_page_not_a_traceback(client: FlaskClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404 and "Not Found" in response.get_data(as_text=True)


def test_document_list_searches_the_text_too(seed_document: int, client: FlaskClient) -> None:
    assert "Резолюция" not in client.get("/?q=омбудсмен").get_data(as_text=True)
    assert "Резолюция" not in client.get("/?q=уполномоченный").get_data(as_text=True)
    assert "Резолюция" in client.get("/?q=уполномоченный&in=text").get_data(as_text=True)
    assert len(client.get("/api/documents?q=Sputnik&in=text").get_json()) == 1


@pytest.mark.parametrize("method, url", [
    ("put", "/api/translations/1"),
    ("post", "/api/segments/1/translation"),
    ("post", "/api/alignment/apply"),
    ("put", "/api/settings"),
])
@pytest.mark.parametrize("body", ["[1, 2]", "not json", ""])
def test_api_views_refuse_a_body_that_is_not_a_json_object(
        client: FlaskClient, method: str, url: str, body: str) -> None:
    response = getattr(client, method)(url, data=body, content_type="application/json")
    assert response.status_code == 422
    assert response.get_json() == {"error": "ValidationError", "status": 422,
                                   "message": "send a JSON object",
                                   "code": "json-object-missing", "params": {}}


def test_a_json_error_is_in_the_users_language(client: FlaskClient) -> None:
    client.post("/settings", data={"locale": "ru"})
    response = client.put("/api/settings", data="[]", content_type="application/json")
    assert response.get_json()["message"] == "отправьте объект JSON"
