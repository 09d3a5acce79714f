"""Editing and splitting a stored source segment: every track stays consistent and remembers."""
from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import SEED, import_seed
from tm.errors import ValidationError
from tm.ingest import ImportResult, TranslationInput, add_aligned_translation, read_article
from tm.models import MemoryUnit, Origin, Segment, Status, Translation
from tm.source_edits import edit_source, source_history, split_segment
from tm.translations import edit_translation, history


def _two_tracks(session: Session) -> ImportResult:
    """The seed article with its translation in ``human`` and again in ``agency``."""
    result = import_seed(session)
    add_aligned_translation(session, result, TranslationInput(
        article=read_article(SEED / "en.human.txt"), track="agency", origin=Origin.SUPPLIED))
    session.flush()
    return result


def _segments(session: Session, document_id: int) -> list[Segment]:
    return list(session.scalars(select(Segment).where(Segment.document_id == document_id)
                                .order_by(Segment.position)))


def _translation(session: Session, segment: Segment, track: str) -> Translation | None:
    return next((t for t in session.scalars(select(Translation).where(
        Translation.segment_id == segment.id)) if t.track.name == track), None)


def _one_to_one(session: Session, document_id: int) -> Segment:
    """Return a segment translated 1-1 in both tracks whose text has two sentences' worth."""
    for segment in _segments(session, document_id):
        translations = [_translation(session, segment, t) for t in ("human", "agency")]
        if (all(t is not None and t.segment_count == 1 for t in translations)
                and ", " in segment.text and segment.kind.value == "body"):
            return segment
    raise AssertionError("the seed has no such segment")


def test_split_keeps_the_first_part_and_moves_the_rest_down(session: Session) -> None:
    doc = _two_tracks(session).document.id
    before = [s.text for s in _segments(session, doc)]
    segment = _one_to_one(session, doc)
    position, text, paragraph = segment.position, segment.text, segment.paragraph
    head, tail = text.split(", ", 1)
    parts = split_segment(session, segment, [head + ",", tail], author="Anna")
    assert parts[0] is segment and [p.text for p in parts] == [head + ",", tail]
    after = _segments(session, doc)
    assert [s.position for s in after] == list(range(len(before) + 1))
    assert [s.text for s in after] == (before[:position] + [head + ",", tail]
                                       + before[position + 1:])
    assert after[position + 1].kind == segment.kind
    assert after[position + 1].paragraph_id == paragraph.id
    for part in parts:  # the offsets still point into the paragraph
        assert paragraph.text[part.start:part.end] == part.text


def test_every_tracks_translation_covers_both_parts_and_records_the_split(
        session: Session) -> None:
    doc = _two_tracks(session).document.id
    segment = _one_to_one(session, doc)
    agency = _translation(session, segment, "agency")
    assert agency is not None
    text, version = agency.text, agency.version
    split_segment(session, segment, segment.text.split(", ", 1), author="Anna")
    session.flush()
    for track in ("human", "agency"):
        translation = _translation(session, segment, track)
        assert translation is not None and translation.segment_count == 2
        revision = history(session, translation)[-1]
        assert (revision.action, revision.author) == ("split", "Anna")
    assert agency.text == text and agency.version > version  # an editor open on it sees 409
    whole = segment.revisions[-1]
    assert (whole.action, whole.text, whole.author) == ("split", "\n".join(
        part.strip() for part in whole.old_text.split(", ", 1)), "Anna")
    assert source_history(session, agency) == [whole]  # the same instant as its revision
    assert history(session, agency)[-1].changed_at == whole.changed_at
    following = _segments(session, doc)[segment.position + 2]
    assert _translation(session, following, "agency") is not None  # the rest untouched


def _covering_two(session: Session) -> tuple[Translation, Segment]:
    """Return an agency translation aligned 2-1 over two segments, and the second one."""
    doc = _two_tracks(session).document.id
    first, second = _segments(session, doc)[4:6]
    merged = _translation(session, first, "agency")
    assert merged is not None
    merged.segment_count = 2
    session.delete(_translation(session, second, "agency"))
    session.flush()
    return merged, second


def test_a_translation_covering_several_segments_grows_by_the_new_parts(
        session: Session) -> None:
    merged, second = _covering_two(session)
    split_segment(session, second, ["Одна часть.", "Другая.", "Третья."], author=None)
    assert merged.segment_count == 4


def test_an_approved_translation_in_the_memory_keeps_the_whole_source(
        session: Session) -> None:
    doc = _two_tracks(session).document.id
    segment = _one_to_one(session, doc)
    agency = _translation(session, segment, "agency")
    assert agency is not None
    edit_translation(session, agency, author="Anna", status=Status.APPROVED)
    whole = segment.text
    head, tail = whole.split(", ", 1)
    split_segment(session, segment, [head + ",", tail], author="Anna")
    unit = session.scalar(select(MemoryUnit).where(MemoryUnit.translation_id == agency.id))
    assert unit is not None and unit.source == whole


@pytest.mark.parametrize("texts", [["Одна."], ["Одна.", "  "], []])
def test_a_split_needs_two_non_empty_parts(session: Session, texts: list[str]) -> None:
    doc = _two_tracks(session).document.id
    segment = _segments(session, doc)[3]
    with pytest.raises(ValidationError, match="two or more non-empty parts"):
        split_segment(session, segment, texts, author=None)


def test_a_source_edit_is_kept_on_the_segment_with_old_and_new_text(session: Session) -> None:
    doc = _two_tracks(session).document.id
    segment = _one_to_one(session, doc)
    old = segment.text
    revision = edit_source(session, segment, "  Новый текст предложения.  ", author="Anna")
    session.flush()
    assert revision is not None and segment.text == "Новый текст предложения."
    assert [(r.old_text, r.text, r.author, r.action) for r in segment.revisions] == [
        (old, "Новый текст предложения.", "Anna", "edit")]
    assert revision.changed_at.tzinfo is not None


def test_an_unchanged_source_records_nothing(session: Session) -> None:
    doc = _two_tracks(session).document.id
    segment = _one_to_one(session, doc)
    human = _translation(session, segment, "human")
    assert human is not None
    count = len(history(session, human))
    assert edit_source(session, segment, segment.text + " ", author="Anna") is None
    assert segment.revisions == [] and len(history(session, human)) == count


def test_a_source_edit_of_an_untranslated_segment_is_kept_too(session: Session) -> None:
    doc = _two_tracks(session).document.id
    segment = _one_to_one(session, doc)
    for translation in list(segment.translations):
        session.delete(translation)
    session.flush()
    edit_source(session, segment, "Без перевода.", author="Boris")
    assert [(r.text, r.author) for r in segment.revisions] == [("Без перевода.", "Boris")]


@pytest.mark.parametrize("status, after", [
    (Status.DRAFT, Status.DRAFT),
    (Status.TRANSLATED, Status.TRANSLATED),
    (Status.REVIEWED, Status.TRANSLATED),  # checked against the old source: check again
    (Status.APPROVED, Status.TRANSLATED),
    (Status.REJECTED, Status.REJECTED),
])
def test_every_tracks_translation_records_the_source_edit(
        session: Session, status: Status, after: Status) -> None:
    doc = _two_tracks(session).document.id
    segment = _one_to_one(session, doc)
    agency = _translation(session, segment, "agency")
    assert agency is not None
    edit_translation(session, agency, author="Anna", status=status)
    text, version = agency.text, agency.version
    revision = edit_source(session, segment, "Совсем другое предложение.", author="Boris")
    session.flush()
    assert revision is not None
    for track in ("human", "agency"):
        translation = _translation(session, segment, track)
        assert translation is not None
        last = history(session, translation)[-1]
        assert (last.action, last.author, last.changed_at) == (
            "source-edit", "Boris", revision.changed_at)
        assert source_history(session, translation) == [revision]
    assert (agency.text, agency.status) == (text, after)
    assert agency.version > version  # an editor open on it sees 409


def test_an_approved_pair_stays_in_the_memory_as_it_was_approved(session: Session) -> None:
    doc = _two_tracks(session).document.id
    segment = _one_to_one(session, doc)
    agency = _translation(session, segment, "agency")
    assert agency is not None
    edit_translation(session, agency, author="Anna", status=Status.APPROVED)
    old = segment.text
    edit_source(session, segment, "Совсем другое предложение.", author="Boris")
    units = session.scalars(select(MemoryUnit)).all()
    # Not re-paired with a source nobody checked it against, and not lost either.
    assert [(u.source, u.target, u.translation_id) for u in units] == [
        (old, agency.text, None)]
    edit_translation(session, agency, author="Anna", status=Status.APPROVED)
    units = session.scalars(select(MemoryUnit)).all()
    assert {(u.source, u.translation_id) for u in units} == {
        (old, None), ("Совсем другое предложение.", agency.id)}
    assert len({u.tuid for u in units}) == 2  # a TMX export has no duplicate tuid


def test_a_translation_covering_several_segments_shows_each_ones_source_edits(
        session: Session) -> None:
    merged, second = _covering_two(session)
    edit_source(session, second, "Второе, исправленное.", author="Anna")
    assert [r.text for r in source_history(session, merged)] == ["Второе, исправленное."]
    assert history(session, merged)[-1].action == "source-edit"


def test_a_source_cannot_be_emptied(session: Session) -> None:
    doc = _two_tracks(session).document.id
    with pytest.raises(ValidationError, match="cannot be empty"):
        edit_source(session, _segments(session, doc)[3], "   ", author=None)


def _between_body_sentences(session: Session, document_id: int) -> tuple[Segment, ...]:
    """Return (before, segment, after): body sentences translated 1-1 in ``human``, the
    middle one with a comma to split at."""
    segments = _segments(session, document_id)
    for before, segment, after in zip(segments, segments[1:], segments[2:], strict=False):
        trio = (before, segment, after)
        translations = [_translation(session, s, "human") for s in trio]
        if (all(s.kind.value == "body" for s in trio) and ", " in segment.text
                and all(t is not None and t.segment_count == 1 for t in translations)):
            return trio
    raise AssertionError("the seed has no such sentences")


def _approved_unit(session: Session, segment: Segment) -> MemoryUnit:
    translation = _translation(session, segment, "human")
    assert translation is not None and translation.segment_count == 1
    edit_translation(session, translation, author="Anna", status=Status.APPROVED)
    unit = session.scalar(select(MemoryUnit).where(MemoryUnit.translation_id == translation.id))
    assert unit is not None
    return unit


def test_the_neighbours_memory_units_see_an_edited_source_as_their_context(
        session: Session) -> None:
    doc = _two_tracks(session).document.id
    before, segment, after = _between_body_sentences(session, doc)
    previous, following = _approved_unit(session, before), _approved_unit(session, after)
    assert (previous.context_after, following.context_before) == (segment.text,) * 2
    edit_source(session, segment, "Совсем другое предложение.", author="Boris")
    session.refresh(previous)
    session.refresh(following)
    assert previous.context_after == following.context_before == "Совсем другое предложение."


def test_the_neighbours_memory_units_see_the_parts_of_a_split_source(session: Session) -> None:
    doc = _two_tracks(session).document.id
    before, segment, after = _between_body_sentences(session, doc)
    previous, following = _approved_unit(session, before), _approved_unit(session, after)
    head, tail = segment.text.split(", ", 1)
    split_segment(session, segment, [head + ",", tail], author="Boris")
    session.refresh(previous)
    session.refresh(following)
    assert (previous.context_after, following.context_before) == (head + ",", tail)
