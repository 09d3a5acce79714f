"""Reading documents back: a segment by id, a unit's source in context, a document as JSON."""
from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from tm.documents import document_view, get_segment, segment_context
from tm.errors import NotFoundError
from tm.ingest import Article, create_document
from tm.models import Document, Status
from tm.translations import add_translation, get_or_create_track

SENTENCES = ("Первое предложение.", "Второе предложение.", "Третье предложение.",
             "Четвёртое предложение.")


@pytest.fixture
def document(session: Session) -> Document:
    """A document of one paragraph, the four SENTENCES at positions 0-3."""
    article = Article(paragraphs=(" ".join(SENTENCES),), source_name="a.txt",
                      source_format="text")
    document = create_document(session, article, title="Статья").document
    assert [s.text for s in document.segments] == list(SENTENCES)
    return document


def test_get_segment_returns_the_segment(session: Session, document: Document) -> None:
    segment = document.segments[2]
    assert get_segment(session, segment.id) is segment


def test_get_segment_of_an_unknown_id_is_not_found(session: Session) -> None:
    with pytest.raises(NotFoundError, match="no segment with id 999"):
        get_segment(session, 999)


@pytest.mark.parametrize("position, count, text, before, after", [
    (1, 1, SENTENCES[1], SENTENCES[0], SENTENCES[2]),
    (0, 1, SENTENCES[0], None, SENTENCES[1]),
    (3, 1, SENTENCES[3], SENTENCES[2], None),
    (1, 2, f"{SENTENCES[1]} {SENTENCES[2]}", SENTENCES[0], SENTENCES[3]),
    (2, 5, f"{SENTENCES[2]} {SENTENCES[3]}", SENTENCES[1], None),  # past the end: what is there
])
def test_segment_context_is_the_units_source_and_its_neighbours(
        session: Session, document: Document, position: int, count: int, text: str,
        before: str | None, after: str | None) -> None:
    context = segment_context(session, document.segments[position], count=count)
    assert (context.text, context.before, context.after) == (text, before, after)


def test_document_view_as_dict_has_every_segment_and_each_tracks_translation(
        session: Session, document: Document) -> None:
    human = get_or_create_track(session, "human")
    first = add_translation(session, document.segments[0], human, "The first sentence.",
                            lang="en", status=Status.TRANSLATED, author="Anna",
                            segment_count=2)
    data = document_view(session, document.id).as_dict()
    assert {k: data[k] for k in ("id", "title", "src_lang", "tgt_lang", "published_on")} == {
        "id": document.id, "title": "Статья", "src_lang": "ru", "tgt_lang": "en",
        "published_on": None}
    segments = data["segments"]
    assert isinstance(segments, list)
    assert [s["text"] for s in segments] == list(SENTENCES)
    assert segments[0]["translations"] == {"human": {
        "id": first.id, "text": "The first sentence.", "status": "translated",
        "origin": "human", "author": "Anna", "segment_count": 2, "align_score": None,
        "version": first.version}}
    assert segments[1]["translations"] == {"human": None}  # covered by the first's
    assert (segments[1]["position"], segments[1]["paragraph"], segments[1]["kind"]) == (
        1, 0, "body")


def test_document_view_shows_only_the_tracks_asked_for(session: Session,
                                                       document: Document) -> None:
    add_translation(session, document.segments[0], get_or_create_track(session, "human"),
                    "One.", lang="en")
    view = document_view(session, document.id, ["agency"])
    assert view.tracks == ["agency"]
    assert view.as_dict()["segments"][0]["translations"] == {"agency": None}  # type: ignore[index]


def test_document_view_of_an_unknown_document_is_not_found(session: Session) -> None:
    with pytest.raises(NotFoundError):
        document_view(session, 999)
