"""Every writer records who wrote a row: a user as their display name and id, a name as text.

A user is who did something in Sverka; a plain name is whoever wrote text brought in from
elsewhere (an agency's translator) and is kept without an ``author_id``.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import SEED, import_seed
from tests.test_search_fuzzy import add_units
from tm.accounts import Author
from tm.accounts.users import create_user
from tm.align.editing import confirm_above
from tm.align.store import load_alignment, save_alignment
from tm.ingest import TranslationInput, import_article, read_article
from tm.models import (
    MemoryUnit,
    Origin,
    RevisionAction,
    Role,
    Segment,
    SegmentRevision,
    Status,
    Translation,
    TranslationRevision,
    User,
)
from tm.scoring.store import score_testset
from tm.scoring.testsets import TrackLines, get_testset, import_testset
from tm.search.pretranslate import pretranslate
from tm.source_edits import edit_source, split_segment
from tm.translations import (
    add_track_texts,
    add_translation,
    edit_translation,
    get_or_create_track,
    restore_revision,
)

DISPLAY_NAME = "Vera Petrova"
AGENCY_NAME = "V. Petrova (agency)"


@pytest.fixture
def vera(session: Session) -> User:
    """A reviewer who logs in only by a login link (no password to hash)."""
    return create_user(session, "vera", role=Role.REVIEWER, password=None,
                       display_name=DISPLAY_NAME)


@pytest.fixture(params=["user", "name"])
def author(request: pytest.FixtureRequest, vera: User) -> tuple[Author, tuple[str, int | None]]:
    """An author, and the (author, author_id) the rows it writes must have."""
    if request.param == "user":
        return vera, (DISPLAY_NAME, vera.id)
    return AGENCY_NAME, (AGENCY_NAME, None)


def _translations(session: Session, track: str) -> list[Translation]:
    return [t for t in session.scalars(select(Translation).order_by(Translation.id))
            if t.track.name == track]


def _body_translation(session: Session) -> Translation:
    """A translation of the seed's human track that may enter the memory (no boilerplate)."""
    return next(t for t in _translations(session, "human") if t.segment.kind.value == "body")


def _latest(translations: Sequence[Translation]) -> list[Any]:
    """The translations and the revision each just got."""
    return [*translations, *(t.revisions[-1] for t in translations)]


def _segments(session: Session, document_id: int) -> list[Segment]:
    return list(session.scalars(select(Segment).where(Segment.document_id == document_id)
                                .order_by(Segment.position)))


def added_translation(session: Session, author: Author) -> list[Any]:
    segment = import_seed(session).document.segments[0]
    translation = add_translation(session, segment, get_or_create_track(session, "mine"),
                                  "Subscribe.", lang="en", author=author)
    return _latest([translation])


def edited_translation(session: Session, author: Author) -> list[Any]:
    import_seed(session)
    translation = _body_translation(session)
    edit_translation(session, translation, text=translation.text + " Indeed.", author=author)
    return _latest([translation])


def restored_revision(session: Session, author: Author) -> list[Any]:
    import_seed(session)
    translation = _body_translation(session)
    edit_translation(session, translation, text="Something else.", author="boris")
    restore_revision(session, translation, 1, author=author)
    return _latest([translation])


def track_texts(session: Session, author: Author) -> list[Any]:
    segments = import_seed(session).document.segments[:3]
    add_track_texts(session, get_or_create_track(session, "bulk"),
                    [(s.id, f"Line {s.position}.") for s in segments], lang="en",
                    status=Status.TRANSLATED, author=author)
    translations = _translations(session, "bulk")
    return [*translations, *(r for t in translations for r in t.revisions)]


def imported_translation(session: Session, author: Author) -> list[Any]:
    import_article(session, read_article(SEED / "ru.txt"), translations=[TranslationInput(
        article=read_article(SEED / "en.human.txt"), track="agency", origin=Origin.SUPPLIED,
        author=author)])
    translations = _translations(session, "agency")
    return [*translations, *(r for t in translations for r in t.revisions)]


def edited_source(session: Session, author: Author) -> list[Any]:
    document = import_seed(session).document
    segment = _segments(session, document.id)[4]
    revision = edit_source(session, segment, segment.text + " Правка.", author=author)
    covering = [t for t in _translations(session, "human")
                if t.revisions[-1].action is RevisionAction.SOURCE_EDIT]
    assert covering
    return [revision, *_latest(covering)]


def split_source(session: Session, author: Author) -> list[Any]:
    document = import_seed(session).document
    segment = _segments(session, document.id)[4]
    first, rest = segment.text.split(" ", 1)
    split_segment(session, segment, [first, rest], author=author)
    revision = session.scalars(select(SegmentRevision)).one()
    covering = [t for t in _translations(session, "human")
                if t.revisions[-1].action is RevisionAction.SPLIT]
    assert covering
    return [revision, *_latest(covering)]


def saved_alignment(session: Session, author: Author) -> list[Any]:
    document = import_seed(session).document
    session.flush()
    alignment = confirm_above(load_alignment(session, document.id, "human"), 0.0)
    save_alignment(session, document.id, "human", alignment, status=Status.REVIEWED,
                   author=author)
    aligned = [t for t in _translations(session, "human")
               if t.revisions[-1].action is RevisionAction.ALIGN]
    assert aligned
    return _latest(aligned)


def pretranslated(session: Session, author: Author) -> list[Any]:
    document = import_seed(session).document
    segments = [s for s in _segments(session, document.id) if s.kind.value == "body"][:3]
    add_units(session, "main", [(s.text, f"Sentence {s.position}.") for s in segments])
    report = pretranslate(session, document.id, track="tm", author=author)
    filled = _translations(session, "tm")
    assert report.filled == len(filled) >= 3
    return _latest(filled)


WRITERS: dict[str, Callable[[Session, Author], list[Any]]] = {
    "add_translation": added_translation,
    "edit_translation": edited_translation,
    "restore_revision": restored_revision,
    "add_track_texts": track_texts,
    "import_article translations": imported_translation,
    "edit_source": edited_source,
    "split_segment": split_source,
    "save_alignment": saved_alignment,
    "pretranslate": pretranslated,
}


@pytest.mark.parametrize("write", WRITERS.values(), ids=WRITERS.keys())
def test_each_writer_keeps_the_author_text_and_a_users_id(
        session: Session, author: tuple[Author, tuple[str, int | None]],
        write: Callable[[Session, Author], list[Any]]) -> None:
    who, expected = author
    rows = write(session, who)
    assert rows
    assert {type(row) for row in rows} <= {Translation, TranslationRevision, SegmentRevision}
    assert {(row.author, row.author_id) for row in rows} == {expected}


def test_an_approval_writes_the_memory_unit_with_its_author(
        session: Session, author: tuple[Author, tuple[str, int | None]]) -> None:
    who, (name, user_id) = author
    import_seed(session)
    translation = _body_translation(session)
    edit_translation(session, translation, status=Status.APPROVED, author=who)
    unit = session.scalars(select(MemoryUnit)).one()
    assert (unit.created_by, unit.changed_by, unit.author_id) == (name, name, user_id)


def test_a_unit_is_credited_to_whoever_changed_it_last(session: Session, vera: User) -> None:
    import_seed(session)
    translation = _body_translation(session)
    edit_translation(session, translation, status=Status.APPROVED, author=vera)
    edit_translation(session, translation, text=translation.text + " Indeed.", author="boris")
    unit = session.scalars(select(MemoryUnit)).one()
    assert (unit.created_by, unit.changed_by, unit.author_id) == (DISPLAY_NAME, "boris", None)


def test_each_revision_keeps_its_own_author(session: Session, vera: User) -> None:
    import_seed(session)
    translation = _body_translation(session)
    edit_translation(session, translation, text="Something else.", author=vera)
    edit_translation(session, translation, text="Something more.", author="boris")
    assert [(r.author, r.author_id) for r in translation.revisions] == [
        (None, None), (DISPLAY_NAME, vera.id), ("boris", None)]
    assert (translation.author, translation.author_id) == ("boris", None)


def test_the_importer_of_a_document_is_kept_by_id_only(
        session: Session, author: tuple[Author, tuple[str, int | None]]) -> None:
    who, (_, user_id) = author
    document = import_seed(session, author=who).document
    session.flush()
    assert document.author_id == user_id
    human = _translations(session, "human")
    assert {(t.author, t.author_id) for t in human} == {(None, None)}  # its own author


def test_who_ran_a_score_run_is_kept_by_id_only(
        session: Session, author: tuple[Author, tuple[str, int | None]]) -> None:
    who, (_, user_id) = author
    import_testset(session, "ts", source=["раз", "два", "три"], source_name="src.txt",
                   tracks=[TrackLines("ref", ["one", "two", "three"], Origin.HUMAN),
                           TrackLines("mt:x", ["one", "too", "tree"], Origin.MACHINE)])
    report = score_testset(session, get_testset(session, "ts"), references=["ref"],
                           metrics=["chrf"], author=who)
    assert report.run.author_id == user_id
