"""Stored alignments: a track read back as links, and edited links saved as translations."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tm.align.editing import apply, confirm_above
from tm.align.store import load_alignment, save_alignment, track_version
from tm.models import Segment, Status, Translation, TranslationRevision
from tm.translations import history


def _two_sided(alignment) -> list[int]:  # type: ignore[no-untyped-def]
    return [i for i, x in enumerate(alignment.links) if x.src and x.tgt]


def test_loaded_alignment_covers_the_document(seed_document: int, session: Session) -> None:
    doc = seed_document
    alignment = load_alignment(session, doc, "human")
    assert alignment.src[4] == "БИШКЕК, 21 янв — Sputnik."
    assert "BISHKEK, January 21 – Sputnik." in alignment.tgt
    assert all(x.score is not None for x in alignment.links if x.tgt)


def test_saving_an_unchanged_alignment_changes_nothing(
        seed_document: int, session: Session) -> None:
    doc = seed_document
    alignment = load_alignment(session, doc, "human")
    report = save_alignment(session, doc, "human", alignment, status=Status.REVIEWED,
                            author="Anna")
    assert (report.created, report.changed, report.removed) == (0, 0, 0)
    assert load_alignment(session, doc, "human") == alignment


def test_merge_is_saved_with_history_and_the_old_translation_goes(
        seed_document: int, session: Session) -> None:
    doc = seed_document
    alignment = load_alignment(session, doc, "human")
    first, second = _two_sided(alignment)[2:4]
    assert second == first + 1
    merged = apply(alignment, {"op": "merge_next", "link": first})
    report = save_alignment(session, doc, "human", merged, status=Status.REVIEWED,
                            author="Anna")
    assert (report.changed, report.removed) == (1, 1)
    again = load_alignment(session, doc, "human")
    assert len(again.links) == len(alignment.links) - 1
    link = again.links[first]
    assert len(link.src) == 2 and link.confirmed  # reviewed
    translation = session.scalar(select(Translation).join(TranslationRevision).where(
        TranslationRevision.action == "align"))
    assert translation is not None and translation.segment_count == 2
    assert [r.action for r in history(session, translation)] == ["create", "align"]
    assert history(session, translation)[-1].author == "Anna"


def test_confirmed_links_take_the_chosen_status(seed_document: int, session: Session) -> None:
    doc = seed_document
    alignment = confirm_above(load_alignment(session, doc, "human"), 0.0)
    save_alignment(session, doc, "human", alignment, status=Status.APPROVED, author="Anna")
    statuses = set(session.scalars(select(Translation.status)))
    assert statuses == {Status.APPROVED}


def test_saving_links_never_takes_an_unchanged_translation_back_a_step(
        seed_document: int, session: Session) -> None:
    doc = seed_document
    everything = confirm_above(load_alignment(session, doc, "human"), 0.0)
    save_alignment(session, doc, "human", everything, status=Status.APPROVED, author="Anna")
    alignment = confirm_above(load_alignment(session, doc, "human"), 0.0)
    first = _two_sided(alignment)[2]
    merged = apply(alignment, {"op": "merge_next", "link": first})
    report = save_alignment(session, doc, "human", merged, status=Status.TRANSLATED,
                            author="Boris")
    assert (report.changed, report.removed) == (1, 1)
    statuses = [t.status for t in session.scalars(
        select(Translation).join(Segment).order_by(Segment.position))]
    # The merged link is new work: translated. Every other link is still approved.
    assert statuses.count(Status.TRANSLATED) == 1
    assert set(statuses) == {Status.APPROVED, Status.TRANSLATED}


def test_unaligned_source_loses_its_translation(seed_document: int, session: Session) -> None:
    doc = seed_document
    alignment = load_alignment(session, doc, "human")
    index = _two_sided(alignment)[3]
    unaligned = apply(alignment, {"op": "unalign", "link": index})
    report = save_alignment(session, doc, "human", unaligned, status=Status.TRANSLATED,
                            author="Anna")
    # The target sentences join the previous link; the source stays untranslated.
    assert report.removed == 1 and report.changed == 1
    again = load_alignment(session, doc, "human")
    assert any(x.src and not x.tgt for x in again.links)


def _splittable(alignment) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    """Return (link, sentence, offset) of a 1-1 link whose source has a comma to split at."""
    for index, link in enumerate(alignment.links):
        text = alignment.src[link.src[0]] if link.src else ""
        if len(link.src) == 1 and len(link.tgt) == 1 and ", " in text and index > 4:
            return index, link.src[0], text.index(", ") + 1
    raise AssertionError("no link to split")


def test_a_source_split_is_saved_for_every_track(session: Session) -> None:
    from tests.test_source_edits import _two_tracks

    doc = _two_tracks(session).document.id
    alignment = load_alignment(session, doc, "human")
    agency_before = load_alignment(session, doc, "agency")
    index, sentence, offset = _splittable(alignment)
    split = apply(alignment, {"op": "split", "side": "src", "sentence": sentence,
                              "offset": offset})
    tgt = alignment.links[index].tgt[0]
    split = apply(split, {"op": "split", "side": "tgt", "sentence": tgt,
                          "offset": alignment.tgt[tgt].index(", ") + 1
                          if ", " in alignment.tgt[tgt] else len(alignment.tgt[tgt]) // 2})
    split = apply(split, {"op": "split_link", "link": index, "src_count": 1, "tgt_count": 1})
    report = save_alignment(session, doc, "human", split, status=Status.REVIEWED,
                            author="Anna")
    assert (report.sources_split, report.created, report.changed) == (1, 1, 1)
    human = load_alignment(session, doc, "human")
    assert human.src == split.src and len(human.links) == len(alignment.links) + 1
    assert [len(x.src) for x in human.links[index:index + 2]] == [1, 1]
    assert human.src_keys[sentence] != human.src_keys[sentence + 1]  # two segments now
    # The other track's translation covers both halves: one 2-1 link, text unchanged.
    agency = load_alignment(session, doc, "agency")
    assert agency.src == split.src and len(agency.links) == len(agency_before.links)
    assert agency.links[index].src == (sentence, sentence + 1)
    assert agency.tgt == agency_before.tgt
    translation = session.scalar(select(Translation).where(
        Translation.segment_count == 2, Translation.track.has(name="agency")))
    assert translation is not None
    assert [(r.action, r.author) for r in history(session, translation)][-1] == ("split", "Anna")


def test_undoing_a_source_split_before_saving_changes_nothing(
        seed_document: int, session: Session) -> None:
    doc = seed_document
    alignment = load_alignment(session, doc, "human")
    _index, sentence, offset = _splittable(alignment)
    apply(alignment, {"op": "split", "side": "src", "sentence": sentence, "offset": offset})
    report = save_alignment(session, doc, "human", alignment, status=Status.REVIEWED,
                            author="Anna")  # the editor keeps the alignment before the split
    assert (report.sources_split, report.changed) == (0, 0)


def test_a_source_split_against_changed_segments_is_refused(
        seed_document: int, session: Session) -> None:
    import pytest

    from tm.errors import ValidationError
    from tm.source_edits import split_segment

    doc = seed_document
    alignment = load_alignment(session, doc, "human")
    index, sentence, offset = _splittable(alignment)
    split = apply(alignment, {"op": "split", "side": "src", "sentence": sentence,
                              "offset": offset})
    other = session.get(Segment, alignment.src_keys[2])
    assert other is not None
    split_segment(session, other, other.text.split(" ", 1), author="Boris")  # meanwhile
    with pytest.raises(ValidationError, match="reload"):
        save_alignment(session, doc, "human", split, status=Status.REVIEWED, author="Anna")


def test_a_source_edit_is_saved_with_its_history_in_every_track(session: Session) -> None:
    from tests.test_source_edits import _two_tracks
    from tm.source_edits import source_history

    doc = _two_tracks(session).document.id
    alignment = load_alignment(session, doc, "human")
    index = _two_sided(alignment)[3]
    sentence = alignment.links[index].src[0]
    old = alignment.src[sentence]
    edited = apply(alignment, {"op": "edit", "side": "src", "sentence": sentence,
                               "text": old + " Правка."})
    report = save_alignment(session, doc, "human", edited, status=Status.REVIEWED,
                            author="Anna")
    assert (report.sources_edited, report.changed) == (1, 0)
    segment = session.get(Segment, alignment.src_keys[sentence])
    assert segment is not None
    assert [(r.old_text, r.text, r.author) for r in segment.revisions] == [
        (old, old + " Правка.", "Anna")]
    for track in ("human", "agency"):
        translation = session.scalar(select(Translation).where(
            Translation.segment_id == segment.id, Translation.track.has(name=track)))
        assert translation is not None
        assert history(session, translation)[-1].action == "source-edit"
        assert [r.text for r in source_history(session, translation)] == [old + " Правка."]
    assert load_alignment(session, doc, "agency").src[sentence] == old + " Правка."


def test_a_source_edited_then_split_keeps_the_edit_in_history(
        seed_document: int, session: Session) -> None:
    doc = seed_document
    alignment = load_alignment(session, doc, "human")
    _index, sentence, offset = _splittable(alignment)
    old = alignment.src[sentence]
    edited = apply(alignment, {"op": "edit", "side": "src", "sentence": sentence,
                               "text": "Вот, " + old})
    split = apply(edited, {"op": "split", "side": "src", "sentence": sentence,
                           "offset": offset + len("Вот, ")})
    report = save_alignment(session, doc, "human", split, status=Status.REVIEWED,
                            author="Anna")
    assert (report.sources_edited, report.sources_split) == (1, 1)
    segment = session.get(Segment, alignment.src_keys[sentence])
    assert segment is not None
    assert [(r.action, r.old_text, r.text) for r in segment.revisions] == [
        ("edit", old, "Вот, " + old),
        ("split", "Вот, " + old, segment.text + "\n" + split.src[sentence + 1])]
    assert (segment.text + " " + split.src[sentence + 1]) == "Вот, " + old


def test_a_source_edit_elsewhere_is_a_conflict_even_where_the_track_has_no_translation(
        seed_document: int, session: Session) -> None:
    import pytest

    from tm.errors import ConflictError
    from tm.source_edits import edit_source

    doc = seed_document
    alignment = load_alignment(session, doc, "agency")  # no translations in this track
    version = track_version(session, doc, "agency")
    segment = session.get(Segment, alignment.src_keys[5])
    assert segment is not None
    edit_source(session, segment, "Правка другого редактора.", author="Boris")  # meanwhile
    assert track_version(session, doc, "agency") != version
    with pytest.raises(ConflictError, match="changed by someone else"):
        save_alignment(session, doc, "agency", alignment, status=Status.REVIEWED,
                       author="Anna", expected_version=version)
    assert segment.text == "Правка другого редактора."
