"""The lookup's JSON API."""
from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.conftest import import_seed
from tests.test_search_fuzzy import add_units
from tm.models import Segment


def _memory(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        add_units(session, "main", [("В 2021 году рост экономики составил 3,5%.",
                                     "In 2021 the economy grew by 3.5%."),
                                    ("Начато расследование гибели журналиста.",
                                     "An investigation was opened.")])


def test_api_search(client: FlaskClient, clean_db: Engine) -> None:
    _memory(clean_db)
    data = client.get("/api/search", query_string={
        "q": "В 2022 году рост экономики составил 3,5%."}).get_json()
    (match,) = data["matches"]
    assert match["score"] == 98 and match["suggestion"] == "In 2022 the economy grew by 3.5%."
    assert match["placeables"][0]["substituted"] is True and data["ms"] >= 0


def test_api_search_errors_are_json(client: FlaskClient, clean_db: Engine) -> None:
    assert client.get("/api/search").status_code == 400
    response = client.get("/api/search", query_string={"q": "текст", "memory": "nope"})
    assert response.status_code == 404 and "nope" in response.get_json()["message"]


def test_api_concordance(client: FlaskClient, clean_db: Engine) -> None:
    _memory(clean_db)
    data = client.get("/api/search/concordance", query_string={"q": "расследования"}).get_json()
    assert data["total"] == 1 and data["hits"][0]["spans"] == [[7, 20]]


def test_api_segment_matches_uses_the_context(client: FlaskClient, clean_db: Engine) -> None:
    with Session(clean_db) as session, session.begin():
        document = import_seed(session).document
        segments = list(session.scalars(select(Segment).where(
            Segment.document_id == document.id).order_by(Segment.position)))
        add_units(session, "main", [(segments[3].text, "Context match.")],
                  before=segments[2].text, after=segments[4].text)
        segment_id = segments[3].id
    data = client.get(f"/api/segments/{segment_id}/matches").get_json()
    assert [(m["score"], m["target"]) for m in data["matches"]] == [(101, "Context match.")]
    assert client.get("/api/segments/999999/matches").status_code == 404
