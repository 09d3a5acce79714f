"""Translations keep their full history; stale edits are refused."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session

from tm import translations
from tm.errors import ConflictError, NotFoundError, ValidationError
from tm.ingest import Article, create_document
from tm.models import (
    Document,
    MemoryUnit,
    Origin,
    RevisionAction,
    Segment,
    Status,
    Track,
    Translation,
    TranslationRevision,
)
from tm.translations import (
    add_track_texts,
    add_translation,
    delete_translations,
    edit_translation,
    find_translation,
    get_or_create_track,
    get_translation,
    history,
    restore_revision,
)


@pytest.fixture
def translation(session: Session) -> Translation:
    article = Article(paragraphs=("Заголовок статьи", "Первое предложение. Второе предложение."),
                      source_name="test.txt", source_format="text")
    segment = create_document(session, article).document.segments[1]
    track = get_or_create_track(session, "human")
    return add_translation(session, segment, track, "The first sentence.", lang="en_GB",
                           author="anna")


def test_new_translation_has_one_revision(session: Session, translation: Translation) -> None:
    revisions = history(session, translation)
    assert [(r.number, r.text, r.action, r.author) for r in revisions] == [
        (1, "The first sentence.", "create", "anna")]
    assert translation.lang == "en-GB"
    assert translation.status is Status.DRAFT and translation.origin is Origin.HUMAN


def test_edit_keeps_the_earlier_version(session: Session, translation: Translation) -> None:
    edit_translation(session, translation, text="First sentence.", author="boris")
    edit_translation(session, translation, status=Status.APPROVED, author="vera")
    revisions = history(session, translation)
    assert [(r.text, r.status, r.action, r.author) for r in revisions] == [
        ("The first sentence.", Status.DRAFT, "create", "anna"),
        ("First sentence.", Status.DRAFT, "edit", "boris"),
        ("First sentence.", Status.APPROVED, "status", "vera"),
    ]
    assert translation.text == "First sentence." and translation.author == "vera"


def test_restore_brings_back_an_earlier_text(session: Session,
                                             translation: Translation) -> None:
    edit_translation(session, translation, text="Wrong edit.", author="boris")
    restore_revision(session, translation, 1, author="anna")
    assert translation.text == "The first sentence."
    assert [r.action for r in history(session, translation)] == ["create", "edit", "restore"]


def test_restore_of_a_missing_revision_is_refused(session: Session,
                                                  translation: Translation) -> None:
    with pytest.raises(NotFoundError):
        restore_revision(session, translation, 7, author="anna")


def test_unchanged_edit_adds_no_revision(session: Session, translation: Translation) -> None:
    edit_translation(session, translation, text=" The first sentence. ", author="boris")
    assert len(history(session, translation)) == 1


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_empty_translation_is_refused(session: Session, translation: Translation,
                                      text: str) -> None:
    with pytest.raises(ValidationError):
        edit_translation(session, translation, text=text, author="boris")
    assert translation.text == "The first sentence."


def test_edit_based_on_a_stale_version_conflicts(session: Session,
                                                 translation: Translation) -> None:
    session.flush()
    seen = translation.version
    edit_translation(session, translation, text="Edited by Boris.", author="boris",
                     expected_version=seen)
    with pytest.raises(ConflictError):
        edit_translation(session, translation, text="Edited by Vera.", author="vera",
                         expected_version=seen)
    assert translation.text == "Edited by Boris."


def test_second_translation_in_the_same_track_conflicts(session: Session,
                                                        translation: Translation) -> None:
    with pytest.raises(ConflictError):
        add_translation(session, translation.segment, translation.track, "Other.", lang="en")


def test_several_tracks_per_segment(session: Session, translation: Translation) -> None:
    agency = get_or_create_track(session, "agency", origin=Origin.SUPPLIED)
    mt = get_or_create_track(session, "mt:online-a", origin=Origin.MACHINE)
    add_translation(session, translation.segment, agency, "Sentence one.", lang="en")
    add_translation(session, translation.segment, mt, "First offer.", lang="en")
    session.flush()
    origins = {t.track.name: t.origin for t in translation.segment.translations}
    assert origins == {"human": Origin.HUMAN, "agency": Origin.SUPPLIED,
                       "mt:online-a": Origin.MACHINE}


@pytest.mark.parametrize("name", ["", "two words", "x" * 101])
def test_invalid_track_names_are_refused(session: Session, name: str) -> None:
    with pytest.raises(ValidationError):
        get_or_create_track(session, name)


def test_language_tags_are_normalized_in_storage(session: Session) -> None:
    article = Article(paragraphs=("Текст.",), source_name="t.txt", source_format="text")
    create_document(session, article, src_lang="RU_ru", tgt_lang="EN-gb")
    session.flush()
    document = session.scalars(select(Document)).one()
    assert (document.src_lang, document.tgt_lang) == ("ru-RU", "en-GB")


@pytest.mark.parametrize("action", list(RevisionAction))
def test_a_revision_action_is_stored_as_its_string_and_read_back_as_the_enum(
        session: Session, translation: Translation, action: RevisionAction) -> None:
    edit_translation(session, translation, text="Changed.", author="boris", action=action)
    session.commit()
    session.expire_all()
    revision = history(session, translation)[-1]
    assert revision.action is action
    stored = session.scalar(text("SELECT action FROM translation_revision WHERE id = :id"),
                            {"id": revision.id})
    assert stored == action.value and type(stored) is str


def test_an_unknown_revision_action_is_refused(session: Session,
                                               translation: Translation) -> None:
    session.add(TranslationRevision(translation=translation, number=9, text="x",
                                    status=Status.DRAFT, action="renamed"))
    with pytest.raises(StatementError, match="renamed"):
        session.flush()


def test_get_translation_returns_it_or_raises_not_found(session: Session,
                                                        translation: Translation) -> None:
    assert get_translation(session, translation.id) is translation
    with pytest.raises(NotFoundError, match="no translation with id 999"):
        get_translation(session, 999)


def test_find_translation_looks_in_one_track(session: Session, translation: Translation) -> None:
    segment = translation.segment
    assert find_translation(session, segment, translation.track) is translation
    assert find_translation(session, segment, get_or_create_track(session, "agency")) is None


def test_a_bulk_track_is_stored_as_given_with_first_revisions(session: Session) -> None:
    article = Article(paragraphs=("Один. Два.",), source_name="t.txt", source_format="text")
    segments = create_document(session, article).document.segments
    track = get_or_create_track(session, "mt:a", origin=Origin.MACHINE)
    texts = [(segments[0].id, "  One.  "), (segments[1].id, "")]
    assert add_track_texts(session, track, texts, lang="en", status=Status.TRANSLATED) == 2
    stored = [find_translation(session, s, track) for s in segments]
    assert [t.text for t in stored if t] == ["  One.  ", ""]  # a system's output, untouched
    assert [[r.action for r in history(session, t)] for t in stored if t] == [
        [RevisionAction.CREATE], [RevisionAction.CREATE]]
    with pytest.raises(ConflictError, match="already has a translation"):
        add_track_texts(session, track, texts[:1], lang="en", status=Status.TRANSLATED)


def test_an_approved_bulk_track_enters_the_memory_like_single_translations(
        session: Session) -> None:
    article = Article(paragraphs=("Один. Два.",), source_name="t.txt", source_format="text")
    segments = create_document(session, article).document.segments
    track = get_or_create_track(session, "agency", origin=Origin.SUPPLIED)
    add_track_texts(session, track, [(segments[0].id, "One."), (segments[1].id, "Two.")],
                    lang="en", status=Status.APPROVED)
    units = session.scalars(select(MemoryUnit).order_by(MemoryUnit.id)).all()
    assert [(u.source, u.target) for u in units] == [("Один.", "One."), ("Два.", "Two.")]


def test_deleted_translations_take_their_units_out_of_the_memory(
        session: Session, translation: Translation) -> None:
    edit_translation(session, translation, author="boris", status=Status.APPROVED)
    assert session.scalar(select(func.count()).select_from(MemoryUnit)) == 1
    delete_translations(session, [translation])
    session.flush()
    assert session.scalar(select(func.count()).select_from(MemoryUnit)) == 0
    assert session.scalar(select(func.count()).select_from(TranslationRevision)) == 0


def _race(engine: Engine, monkeypatch: pytest.MonkeyPatch, *, new_track: bool) -> list[str]:
    """Save the first translation of one segment from two sessions at once; return outcomes.

    Both sessions look for the translation (and the track) before either stores it: each
    waits for the other at that point, so the second insert meets the first one's row.
    """
    with Session(engine) as setup:
        article = Article(paragraphs=("Одно предложение.",), source_name="t.txt",
                          source_format="text")
        segment_id = create_document(setup, article).document.segments[0].id
        if not new_track:
            get_or_create_track(setup, "human")
        setup.commit()
    barrier = threading.Barrier(2, timeout=30)
    looked_up = translations.find_track if new_track else translations.find_translation

    def look_then_wait(*args: object, **kwargs: object) -> object:
        found = looked_up(*args, **kwargs)  # type: ignore[operator]
        barrier.wait()
        return found

    monkeypatch.setattr(translations, "find_track" if new_track else "find_translation",
                        look_then_wait)
    outcomes: list[str] = []

    def translate(text: str) -> None:
        with Session(engine) as session:
            try:
                track = get_or_create_track(session, "human")
                add_translation(session, session.get_one(Segment, segment_id), track, text,
                                lang="en", author=text)
                session.commit()
                outcomes.append("saved")
            except ConflictError:
                session.rollback()
                outcomes.append("conflict")
            except Exception as error:  # what the test is about: no other outcome
                outcomes.append(type(error).__name__)

    threads = [threading.Thread(target=translate, args=(t,)) for t in ("One.", "Uno.")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(outcomes)


@pytest.mark.parametrize("new_track", [False, True], ids=["track-exists", "track-new"])
def test_two_first_translations_of_a_segment_at_once_one_saves_and_one_conflicts(
        clean_db: Engine, monkeypatch: pytest.MonkeyPatch, new_track: bool) -> None:
    assert _race(clean_db, monkeypatch, new_track=new_track) == ["conflict", "saved"]
    with Session(clean_db) as session:
        assert session.scalar(select(func.count()).select_from(Translation)) == 1
        assert session.scalar(select(func.count()).select_from(Track)) == 1
