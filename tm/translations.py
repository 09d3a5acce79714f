"""Translations of source segments in named tracks, with their full edit history.

Every change of a translation's text or status adds a revision (who, when, what), so any
earlier version can be shown and restored. This module is the one writer of the
``translation`` and ``translation_revision`` tables (and of ``track``): whatever adds,
changes or deletes a translation comes here, so the history is recorded and the memory
kept in step (:mod:`tm.memory.flow`) whichever way the change came. Functions take the
caller's session and never commit.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, object_session

from tm.accounts.authorship import Author, author_fields
from tm.db import INSERT_BATCH_ROWS, get_by_id, get_by_name, savepoint
from tm.documents import touch
from tm.errors import ConflictError, NotFoundError, ValidationError
from tm.memory.flow import forget_translations, sync_translation
from tm.models import (
    Origin,
    RevisionAction,
    Segment,
    Status,
    Track,
    Translation,
    TranslationRevision,
    utcnow,
)

TRACK_NAME_MAX = 100


def check_track_name(name: str) -> str:
    """Return ``name`` stripped, or refuse it as a track's name (empty, long, spaced)."""
    name = name.strip()
    if not name or len(name) > TRACK_NAME_MAX or any(c.isspace() for c in name):
        raise ValidationError("track-name-invalid", "invalid track name {name!r}: use 1–{max} "
                              "characters without spaces, e.g. human, agency, mt:online-a",
                              name=name[:TRACK_NAME_MAX], max=TRACK_NAME_MAX)
    return name


def get_or_create_track(session: Session, name: str, *, origin: Origin = Origin.HUMAN,
                        description: str | None = None) -> Track:
    """Return the track called ``name``, creating it with ``origin`` if it does not exist."""
    name = check_track_name(name)
    track = find_track(session, name)
    if track is None:
        track = Track(name=name, origin=Origin(origin), description=description)
        if not _inserted(session, track):  # another session made it meanwhile: use theirs
            track = get_track(session, name)
    return track


def track_names(session: Session) -> list[str]:
    """Return the names of every track, in order."""
    return list(session.scalars(select(Track.name).order_by(Track.name)))


def find_track(session: Session, name: str) -> Track | None:
    """Return the track called ``name``, None if there is none."""
    return session.scalar(select(Track).where(Track.name == name))


def get_track(session: Session, name: str) -> Track:
    """Return the track called ``name`` or raise NotFoundError."""
    return get_by_name(session, Track, name, what="track")


def _inserted(session: Session, row: object) -> bool:
    """Add ``row`` and write it at once; False if a unique key says another session already
    wrote the same one (its write won the race, ours is undone; the caller's work stays).
    """
    try:
        with savepoint(session):
            session.add(row)
    except IntegrityError:
        return False
    return True


def get_translation(session: Session, translation_id: int) -> Translation:
    """Return the translation with ``translation_id`` or raise NotFoundError."""
    return get_by_id(session, Translation, translation_id, what="translation")


def find_translation(session: Session, segment: Segment, track: Track) -> Translation | None:
    """Return the translation of ``segment`` in ``track``, None if it has none yet."""
    return session.scalar(select(Translation).where(
        Translation.segment_id == segment.id, Translation.track_id == track.id))


def _clean_text(text: str) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise ValidationError("translation-empty", "a translation cannot be empty")
    return cleaned


def _set_author(translation: Translation, author: Author) -> None:
    """Make ``author`` the translation's author: a user's display name and id, or a name."""
    fields = author_fields(author)
    translation.author, translation.author_id = fields["author"], fields["author_id"]


def _record(translation: Translation, action: RevisionAction) -> TranslationRevision:
    """Add a revision with the translation as it is now, by its author."""
    session = object_session(translation)
    revision = TranslationRevision(number=_next_number(session, translation),
                                   text=translation.text, status=translation.status,
                                   author=translation.author, author_id=translation.author_id,
                                   action=action, changed_at=translation.updated_at)
    if session is None:  # a new translation, in no session before its savepoint
        translation.revisions.append(revision)
    else:  # joins the history without loading it
        revision.translation = translation
        session.add(revision)
    return revision


def _next_number(session: Session | None, translation: Translation) -> Any:
    """Return the number of the translation's next revision: one more than the last stored.

    For a stored translation this is a subquery that the revision's INSERT carries, so the
    database finds the last number in the same statement (a save's round trip fewer), not
    from ``translation.revisions``: loading that made every save read the whole history (on
    PostgreSQL a save took 6 ms of CPU at a few revisions, 18 at 190, 24 at 520 — an editor
    that saves as one types gets there). Every caller flushes its revision before the next.
    """
    if session is None or translation.id is None:  # not stored yet: no history but in hand
        return (translation.revisions[-1].number + 1) if translation.revisions else 1
    return (select(func.coalesce(func.max(TranslationRevision.number), 0) + 1)
            .where(TranslationRevision.translation_id == translation.id).scalar_subquery())


def _sync_memory(session: Session, translation: Translation, *, was_approved: bool) -> None:
    """Keep the memory in step: approved translations in, withdrawn ones out."""
    if translation.status is Status.APPROVED or was_approved:
        sync_translation(session, translation)


def add_translation(session: Session, segment: Segment, track: Track, text: str, *,
                    lang: str, status: Status = Status.DRAFT, origin: Origin | None = None,
                    author: Author = None, segment_count: int = 1,
                    align_score: float | None = None) -> Translation:
    """Create the translation of ``segment`` in ``track`` and its first revision."""
    if find_translation(session, segment, track) is not None:
        raise ConflictError("translation-exists", "segment {segment} already has a translation "
                            "in track {track!r}", segment=segment.id, track=track.name)
    now = utcnow()
    # By ids, not relationships: the segment would take the new row into the session (and
    # an autoflush) before the savepoint that lets a concurrent first translation win.
    translation = Translation(segment_id=segment.id, track_id=track.id, text=_clean_text(text),
                              lang=lang, status=Status.parse(status),
                              origin=Origin(origin or track.origin),
                              segment_count=segment_count, align_score=align_score,
                              created_at=now, updated_at=now)
    _set_author(translation, author)
    _record(translation, RevisionAction.CREATE)
    if not _inserted(session, translation):
        raise ConflictError("translation-exists-just-now", "segment {segment} already has a "
                            "translation in track {track!r} (saved by someone else just now)",
                            segment=segment.id, track=track.name)
    translation.segment, translation.track = segment, track
    _sync_memory(session, translation, was_approved=False)
    touch(session, [segment.id])
    return translation


def add_track_texts(session: Session, track: Track, texts: Sequence[tuple[int, str]], *,
                    lang: str, status: Status, origin: Origin | None = None,
                    author: Author = None) -> int:
    """Store (segment id, text) pairs as ``track``'s translations, each with revision 1.

    A test set brings tens of thousands at once: they go in a few statements, with what
    :func:`add_translation` would store, but each text exactly as given (a system's output
    is scored as it was written, empty lines included). Approved ones enter the memory as
    with :func:`add_translation`. Raises ConflictError if a segment already has a
    translation in ``track``.
    """
    ids = [segment_id for segment_id, _ in texts]
    for start in range(0, len(ids), INSERT_BATCH_ROWS):
        taken = session.scalar(select(Translation.segment_id).where(
            Translation.track_id == track.id,
            Translation.segment_id.in_(ids[start:start + INSERT_BATCH_ROWS])).limit(1))
        if taken is not None:
            raise ConflictError("translation-exists", "segment {segment} already has a "
                                "translation in track {track!r}", segment=taken,
                                track=track.name)
    now, by = utcnow(), author_fields(author)
    status, origin = Status.parse(status), Origin(origin or track.origin)
    stored: list[int] = []
    for start in range(0, len(texts), INSERT_BATCH_ROWS):
        batch = texts[start:start + INSERT_BATCH_ROWS]
        rows = [{"segment_id": segment_id, "track_id": track.id, "segment_count": 1,
                 "lang": lang, "text": text, "status": status, "origin": origin,
                 **by, "created_at": now, "updated_at": now, "version": 1}
                for segment_id, text in batch]
        translation_ids = list(session.scalars(
            insert(Translation).returning(Translation.id, sort_by_parameter_order=True), rows))
        session.execute(insert(TranslationRevision), [
            {"translation_id": translation_id, "number": 1, "text": text, "status": status,
             **by, "action": RevisionAction.CREATE, "changed_at": now}
            for translation_id, (_, text) in zip(translation_ids, batch, strict=True)])
        stored.extend(translation_ids)
    if status is Status.APPROVED:
        for translation_id in stored:
            sync_translation(session, session.get_one(Translation, translation_id))
    for start in range(0, len(ids), INSERT_BATCH_ROWS):
        touch(session, ids[start:start + INSERT_BATCH_ROWS])
    return len(texts)


def delete_translations(session: Session, translations: Sequence[Translation]) -> None:
    """Delete ``translations`` with their history; their units leave the memory."""
    forget_translations(session, [t.id for t in translations])
    touch(session, [t.segment_id for t in translations])
    for translation in translations:
        session.delete(translation)


def edit_translation(session: Session, translation: Translation, *, author: Author,
                     text: str | None = None, status: Status | str | None = None,
                     expected_version: int | None = None,
                     action: RevisionAction | None = None,
                     origin: Origin | None = None) -> Translation:
    """Change the text and/or status of ``translation``, keeping the earlier version in history.

    ``expected_version`` is the version the editor saw; if the translation has changed since,
    ConflictError is raised and nothing changes (no lost updates). ``action`` names the
    change in history (default: EDIT or STATUS; the alignment editor says ALIGN).
    ``origin`` is where a changed text now comes from (a translator's file: human).
    """
    _check_version(translation, expected_version)
    new_text = translation.text if text is None else _clean_text(text)
    new_status = translation.status if status is None else Status.parse(status)
    if new_text == translation.text and new_status == translation.status:
        return translation  # nothing changed: no revision
    action = action or (RevisionAction.EDIT if new_text != translation.text
                        else RevisionAction.STATUS)
    was_approved = translation.status is Status.APPROVED
    if origin is not None and new_text != translation.text:
        translation.origin = origin
    translation.text, translation.status = new_text, new_status
    _set_author(translation, author)
    translation.updated_at = utcnow()
    _record(translation, action)
    session.flush()
    _sync_memory(session, translation, was_approved=was_approved)
    touch(session, [translation.segment_id])
    return translation


def record_change(session: Session, translation: Translation, *, action: RevisionAction,
                  author: Author, status: Status | None = None,
                  at: dt.datetime | None = None) -> Translation:
    """Record a change around ``translation`` that is not to its text in its history.

    Used when its source segment was split or edited: the revision keeps the same text under
    ``action`` (with ``status`` if the change voids the old one), so the history shows who
    changed the source, and when (``at``: the source change's own time, default now).
    """
    was_approved = translation.status is Status.APPROVED
    if status is not None:
        translation.status = Status.parse(status)
    _set_author(translation, author)
    translation.updated_at = at or utcnow()
    _record(translation, action)
    session.flush()
    _sync_memory(session, translation, was_approved=was_approved)  # its source changed
    touch(session, [translation.segment_id])
    return translation


def _check_version(translation: Translation, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != translation.version:
        raise ConflictError("translation-changed", "translation {id} was changed by someone "
                            "else (version {version}, you edited {edited})", id=translation.id,
                            version=translation.version, edited=expected_version)


NOTE_MAX = 2000


def set_note(session: Session, translation: Translation, note: str | None, *,
             expected_version: int | None = None) -> Translation:
    """Set (or with an empty ``note``, clear) the translator's note on ``translation``."""
    _check_version(translation, expected_version)
    cleaned = (note or "").strip() or None
    if cleaned is not None and len(cleaned) > NOTE_MAX:
        raise ValidationError("note-too-long", "a note can have at most {max} characters",
                              max=NOTE_MAX)
    if cleaned != translation.note:
        translation.note = cleaned
        session.flush()
        touch(session, [translation.segment_id])
    return translation


def history(session: Session, translation: Translation) -> list[TranslationRevision]:
    """Return every revision of ``translation``, oldest first."""
    return list(session.scalars(select(TranslationRevision)
                                .where(TranslationRevision.translation_id == translation.id)
                                .order_by(TranslationRevision.number)))


def restore_revision(session: Session, translation: Translation, number: int, *,
                     author: Author, expected_version: int | None = None) -> Translation:
    """Make revision ``number`` the current text and status again (recorded as a new revision)."""
    _check_version(translation, expected_version)
    revision = session.scalar(select(TranslationRevision).where(
        TranslationRevision.translation_id == translation.id,
        TranslationRevision.number == number))
    if revision is None:
        raise NotFoundError("revision-missing", "translation {id} has no revision {number}",
                            id=translation.id, number=number)
    was_approved = translation.status is Status.APPROVED
    translation.text, translation.status = revision.text, revision.status
    _set_author(translation, author)
    translation.updated_at = utcnow()
    _record(translation, RevisionAction.RESTORE)
    session.flush()
    _sync_memory(session, translation, was_approved=was_approved)
    touch(session, [translation.segment_id])
    return translation
