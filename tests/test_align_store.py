"""Stored alignments: a track read back as links, and edited links saved as translations."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import import_seed
from tm.align.editing import apply, confirm_above
from tm.align.store import load_alignment, save_alignment
from tm.models import Status, Translation, TranslationRevision
from tm.translations import history


def _seed(session: Session) -> int:
    return import_seed(session).document.id


def _two_sided(alignment) -> list[int]:  # type: ignore[no-untyped-def]
    return [i for i, x in enumerate(alignment.links) if x.src and x.tgt]


def test_loaded_alignment_covers_the_document(session: Session) -> None:
    doc = _seed(session)
    alignment = load_alignment(session, doc, "human")
    assert alignment.src[4] == "БИШКЕК, 21 янв — Sputnik."
    assert "BISHKEK, January 21 – Sputnik." in alignment.tgt
    assert all(x.score is not None for x in alignment.links if x.tgt)


def test_saving_an_unchanged_alignment_changes_nothing(session: Session) -> None:
    doc = _seed(session)
    alignment = load_alignment(session, doc, "human")
    report = save_alignment(session, doc, "human", alignment, status=Status.REVIEWED,
                            author="Anna")
    assert (report.created, report.changed, report.removed) == (0, 0, 0)
    assert load_alignment(session, doc, "human") == alignment


def test_merge_is_saved_with_history_and_the_old_translation_goes(session: Session) -> None:
    doc = _seed(session)
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


def test_confirmed_links_take_the_chosen_status(session: Session) -> None:
    doc = _seed(session)
    alignment = confirm_above(load_alignment(session, doc, "human"), 0.0)
    save_alignment(session, doc, "human", alignment, status=Status.APPROVED, author="Anna")
    statuses = set(session.scalars(select(Translation.status)))
    assert statuses == {Status.APPROVED}


def test_unaligned_source_loses_its_translation(session: Session) -> None:
    doc = _seed(session)
    alignment = load_alignment(session, doc, "human")
    index = _two_sided(alignment)[3]
    unaligned = apply(alignment, {"op": "unalign", "link": index})
    report = save_alignment(session, doc, "human", unaligned, status=Status.TRANSLATED,
                            author="Anna")
    # The target sentences join the previous link; the source stays untranslated.
    assert report.removed == 1 and report.changed == 1
    again = load_alignment(session, doc, "human")
    assert any(x.src and not x.tgt for x in again.links)
