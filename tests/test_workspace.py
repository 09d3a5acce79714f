"""A translation's unit: the source it covers, and its history merged with the source's."""
from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from tm.ingest import Article, create_document
from tm.models import Document, Status, Translation
from tm.source_edits import edit_source, split_segment
from tm.translations import add_translation, edit_translation, get_or_create_track
from tm.workspace import covered_unit, unit_history

SENTENCES = ("Первое предложение.", "Второе предложение, в 2022 году.", "Третье предложение.")


@pytest.fixture
def document(session: Session) -> Document:
    """A document of one paragraph, the SENTENCES at positions 0-2."""
    article = Article(paragraphs=(" ".join(SENTENCES),), source_name="a.txt",
                      source_format="text")
    document = create_document(session, article).document
    assert [s.text for s in document.segments] == list(SENTENCES)
    return document


def _translate(session: Session, document: Document, position: int, text: str, *,
               count: int = 1) -> Translation:
    return add_translation(session, document.segments[position],
                           get_or_create_track(session, "human"), text, lang="en",
                           author="Anna", segment_count=count)


def test_covered_unit_has_every_segment_the_translation_covers(session: Session,
                                                               document: Document) -> None:
    translation = _translate(session, document, 1, "The second and the third.", count=2)
    unit = covered_unit(session, translation)
    assert [s.text for s in unit.segments] == list(SENTENCES[1:])
    assert unit.source == " ".join(SENTENCES[1:])
    assert unit.translation is translation and unit.index == -1


def test_covered_unit_is_checked(session: Session, document: Document) -> None:
    unit = covered_unit(session, _translate(session, document, 1, "The second, in 2021."))
    assert [w.code for w in unit.warnings] == ["numbers"]


def test_history_is_newest_first_with_word_diffs_to_the_revision_before(
        session: Session, document: Document) -> None:
    translation = _translate(session, document, 0, "The first sentence.")
    edit_translation(session, translation, author="Boris", text="The very first sentence.")
    edit_translation(session, translation, author="Vera", status=Status.APPROVED)
    entries = unit_history(session, translation)
    assert [(e.number, e.action, e.author, e.status) for e in entries] == [
        (3, "status", "Vera", Status.APPROVED), (2, "edit", "Boris", Status.DRAFT),
        (1, "create", "Anna", Status.DRAFT)]
    assert [c.as_dict() for c in entries[1].diff] == [
        {"op": "equal", "text": "The "}, {"op": "insert", "text": "very "},
        {"op": "equal", "text": "first sentence."}]
    assert [c.op for c in entries[0].diff] == ["equal"]
    assert [c.as_dict() for c in entries[2].diff] == [
        {"op": "insert", "text": "The first sentence."}]
    assert all(e.source is None for e in entries)


def test_a_source_edit_carries_the_sources_old_and_new_text(session: Session,
                                                            document: Document) -> None:
    translation = _translate(session, document, 0, "The first sentence.")
    edit_source(session, document.segments[0], "Самое первое предложение.", author="Boris")
    latest = unit_history(session, translation)[0]
    assert (latest.number, latest.action, latest.author, latest.text) == (
        2, "source-edit", "Boris", "The first sentence.")
    assert latest.source is not None
    assert latest.source.as_dict() == {
        "segment_id": document.segments[0].id, "old_text": "Первое предложение.",
        "text": "Самое первое предложение.", "parts": None,
        "diff": [{"op": "delete", "text": "Первое"}, {"op": "insert", "text": "Самое первое"},
                 {"op": "equal", "text": " предложение."}]}


def test_a_split_carries_its_parts(session: Session, document: Document) -> None:
    translation = _translate(session, document, 1, "The second, in 2022.")
    split_segment(session, document.segments[1],
                  ["Второе предложение,", "в 2022 году."], author="Boris")
    latest = unit_history(session, translation)[0]
    assert (latest.number, latest.action) == (2, "split")
    assert latest.source is not None
    assert latest.source.parts == ("Второе предложение,", "в 2022 году.")
    assert latest.source.text == SENTENCES[1]
    assert latest.source.old_text == SENTENCES[1]


def test_a_source_edit_from_before_the_translation_is_an_entry_of_its_own(
        session: Session, document: Document) -> None:
    edit_source(session, document.segments[2], "Третье, исправленное.", author="Boris")
    translation = _translate(session, document, 2, "The third, corrected.")
    entries = unit_history(session, translation)
    assert [(e.number, e.action, e.author) for e in entries] == [
        (1, "create", "Anna"), (None, "source-edit", "Boris")]
    earlier = entries[1]
    assert (earlier.text, earlier.status, earlier.diff) == (None, None, ())
    assert earlier.source is not None and earlier.source.text == "Третье, исправленное."
