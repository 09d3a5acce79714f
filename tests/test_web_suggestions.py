"""The editor's memory panel: fuzzy matches for the active segment, and the concordance box."""
from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import import_seed
from tests.test_search_fuzzy import add_units
from tm.models import Segment

CALLED = ("Европарламент ранее призвал провести международное расследование по событиям в "
          "Казахстане, а также ввести санкции в отношении казахстанских чиновников в рамках "
          "режима ЕС за серьезные нарушения в области прав человека.")


def _seed(session: Session) -> int:
    document = import_seed(session).document
    session.commit()
    return document.id


def _segment(session: Session, doc: int, starts: str) -> Segment:
    segment = session.scalars(select(Segment).where(
        Segment.document_id == doc, Segment.text.startswith(starts))
        .order_by(Segment.position)).first()
    assert segment is not None
    return segment


def _suggestions(client: FlaskClient, segment_id: int, **args: Any) -> list[dict[str, Any]]:
    response = client.get(f"/api/segments/{segment_id}/suggestions", query_string=args)
    assert response.status_code == 200
    return response.get_json()  # type: ignore[no-any-return]


def test_one_word_changed_is_a_fuzzy_suggestion_with_the_words_marked(
        client: FlaskClient, session: Session) -> None:
    doc = _seed(session)
    add_units(session, "news", [(CALLED.replace("ранее", "вновь"),
                                 "The European Parliament again called for <an> inquiry.")])
    session.commit()
    (match,) = _suggestions(client, _segment(session, doc, "Европарламент ранее").id)
    assert 70 <= match["score"] <= 99 and match["memory"] == "news"
    assert match["suggestion"] == "The European Parliament again called for <an> inquiry."
    assert {"op": "delete", "text": "вновь"} in match["source_diff"]  # only in the memory
    assert {"op": "insert", "text": "ранее"} in match["source_diff"]  # only in the segment
    assert "".join(c["text"] for c in match["source_diff"] if c["op"] != "insert") == (
        match["source"])
    assert match["score_label"].startswith("fuzzy match")


def test_a_suggestion_carries_one_diff_rebuilding_both_texts(
        client: FlaskClient, session: Session) -> None:
    doc = _seed(session)
    add_units(session, "news", [(CALLED.replace("ранее", "вновь").replace(", а", " а"),
                                 "The European Parliament again called for an inquiry.")])
    session.commit()
    segment = _segment(session, doc, "Европарламент ранее")
    (match,) = _suggestions(client, segment.id)
    assert "diff" not in match
    marked = match["source_diff"]
    assert "".join(c["text"] for c in marked if c["op"] != "insert") == match["source"]
    assert "".join(c["text"] for c in marked if c["op"] != "delete") == segment.text
    assert {"op": "insert", "text": ","} in marked

def test_a_differing_number_is_carried_into_the_suggestion_with_a_note(
        client: FlaskClient, session: Session) -> None:
    doc = _seed(session)
    add_units(session, "news", [("Беспорядки в Казахстане в январе 2021 года",
                                 "Unrest in Kazakhstan in January 2021")])
    session.commit()
    segment = _segment(session, doc, "Беспорядки в Казахстане")
    (match,) = _suggestions(client, segment.id)
    assert (match["score"], match["suggestion"]) == (98, "Unrest in Kazakhstan in January 2022")
    assert [n["text"] for n in match["notes"]] == ["number 2021 replaced with 2022"]
    client.post("/settings", data={"locale": "ru"})
    (russian,) = _suggestions(client, segment.id)
    assert [n["text"] for n in russian["notes"]] == ["число 2021 заменено на 2022"]


def test_an_approved_translation_is_suggested_with_where_it_came_from(
        client: FlaskClient, session: Session) -> None:
    first, second = _seed(session), _seed(session)
    own = _segment(session, first, "Европарламент ранее")
    unit = next(u for u in client.get(f"/api/documents/{first}/units?track=human")
                .get_json()["units"] if u["segment_id"] == own.id)
    t = unit["translation"]
    client.put(f"/api/translations/{t['id']}",
               json={"status": "approved", "expected_version": t["version"]})
    assert _suggestions(client, own.id, translation=t["id"]) == []  # not its own suggestion
    (match,) = _suggestions(client, _segment(session, second, "Европарламент ранее").id)
    provenance = match["provenance"]
    assert match["score"] == 101 and match["suggestion"] == t["text"]
    assert (provenance["track"], provenance["author"], provenance["status"]) == (
        "human", "Anna", "approved")
    assert provenance["document_title"] and match["date_label"]
    assert match["source_diff"] == [{"op": "equal", "text": CALLED}]


def test_concordance_box_finds_other_forms_of_a_word_of_the_segment(
        client: FlaskClient, session: Session) -> None:
    doc = _seed(session)
    add_units(session, "news", [("Начато расследование гибели журналиста.",
                                 "An investigation was opened.")])
    session.commit()
    page = client.get(f"/documents/{doc}/edit?track=human").get_data(as_text=True)
    assert 'data-src="ru"' in page and 'id="concordance-side"' in page
    word = "расследования"  # as the segment about the official inquiry spells it
    assert word in _segment(session, doc, "Считаем неприемлемым").text
    data = client.get("/api/search/concordance",
                      query_string={"q": word, "src": "ru", "tgt": "en"}).get_json()
    (hit,) = data["hits"]
    (start, end), = hit["spans"]
    assert hit["source"][start:end] == "расследование" and data["pages"] == 1
