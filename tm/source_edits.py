"""A document's stored source segments: editing one's text, splitting one into several.

Source segments are shared by every translation track of a document, so changing them keeps
all tracks consistent and records the change in their translations' history. Functions take
the caller's session and never commit.
"""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from tm.accounts.authorship import Author, author_fields
from tm.errors import ValidationError
from tm.memory.flow import keep_as_approved, sync_translation
from tm.models import (
    RevisionAction,
    Segment,
    SegmentRevision,
    Status,
    Translation,
    utcnow,
)
from tm.translations import record_change

# Statuses that vouch for a translation against the source it was checked with: a new
# source text voids them. Such a translation drops to RECHECK_STATUS: its text still
# stands (most source edits are typo fixes), but a reviewer has to look again.
CHECKED_STATUSES = (Status.REVIEWED, Status.APPROVED)
RECHECK_STATUS = Status.TRANSLATED


def _covering(session: Session, segment: Segment) -> list[Translation]:
    """Return the translations, in any track, whose source includes ``segment``."""
    return list(session.scalars(
        select(Translation).join(Segment, Segment.id == Translation.segment_id)
        .where(Segment.document_id == segment.document_id,
               Segment.position <= segment.position,
               Segment.position + Translation.segment_count > segment.position)
        .order_by(Translation.id)))


def edit_source(session: Session, segment: Segment, text: str, *,
                author: Author) -> SegmentRevision | None:
    """Change the text of ``segment``, keeping the old one in its history (None: unchanged).

    The history of a source text lives on the segment, one :class:`SegmentRevision` per
    change (old and new text, author, time), not as a copy in each translation. The source
    is one text shared by every track, so a segment-level record is written once whatever
    the number of tracks, exists for a sentence nobody has translated yet, and survives a
    translation being deleted when an alignment is saved. That is what memoQ and Weblate
    users know: the source row has its own history, and each translation shows "source
    changed" in its timeline. So, as well, every translation covering the segment records a
    revision with the action SOURCE_EDIT at the same time, which the bilingual editor
    shows with the source's diff (:func:`source_history`).

    A reviewed or approved translation was checked against the old source; like Weblate's
    "needs editing", it drops to ``translated`` for a reviewer to confirm against the new
    one. An approved translation's memory unit stays in the memory as the pair that was
    approved (old source, its translation), no longer tied to the translation; confirming
    the translation again puts the new pair in beside it. Nothing already in a memory is
    changed or lost, and no unchecked pair enters it.
    """
    cleaned = text.strip()
    if not cleaned:
        raise ValidationError("source-empty", "a source segment cannot be empty")
    if cleaned == segment.text:
        return None
    session.flush()
    now = utcnow()
    revision = SegmentRevision(segment=segment, old_text=segment.text, text=cleaned,
                               **author_fields(author), action=RevisionAction.EDIT,
                               changed_at=now)
    session.add(revision)
    session.flush()
    segment.text = cleaned
    for translation in _covering(session, segment):
        if translation.status is Status.APPROVED:
            # Its own tuid: approving the translation again adds a unit with the old one.
            keep_as_approved(session, translation, tuid_suffix=f"-source{revision.id}")
        recheck = RECHECK_STATUS if translation.status in CHECKED_STATUSES else None
        record_change(session, translation, action=RevisionAction.SOURCE_EDIT,
                      author=author, status=recheck, at=now)
    _refresh_neighbours(session, segment.document_id, segment.position, segment.position)
    return revision


def _refresh_neighbours(session: Session, document_id: int, first: int, last: int) -> None:
    """Renew the context of the memory units of the translations just before and after
    segments ``first``..``last`` (by position), whose neighbouring sentence changed.

    A unit keeps the sentences around its source for context (101%) matches; they must be
    the document's sentences as they are now, or a match would be offered on a context
    that no longer exists.
    """
    session.flush()
    start = Segment.position
    end = Segment.position + Translation.segment_count
    around = session.scalars(
        select(Translation).join(Segment, Segment.id == Translation.segment_id)
        .where(Segment.document_id == document_id, Translation.status == Status.APPROVED,
               or_(end == first, start == last + 1))
        .order_by(Translation.id))
    for translation in around:
        sync_translation(session, translation)


def source_history(session: Session, translation: Translation) -> list[SegmentRevision]:
    """Return the revisions of the source segments ``translation`` covers, oldest first."""
    first = translation.segment
    covered = select(Segment.id).where(
        Segment.document_id == first.document_id, Segment.position >= first.position,
        Segment.position < first.position + translation.segment_count)
    return list(session.scalars(select(SegmentRevision)
                                .where(SegmentRevision.segment_id.in_(covered))
                                .order_by(SegmentRevision.changed_at, SegmentRevision.id)))


def split_segment(session: Session, segment: Segment, texts: Sequence[str], *,
                  author: Author) -> list[Segment]:
    """Split ``segment`` into consecutive segments with ``texts``; return the parts in order.

    The first part stays ``segment`` (its id, so its translations and their history stay
    with it); the others are new segments of the same paragraph and kind right after it,
    and every later segment of the document moves down.

    A translation, in any track, that covered the segment goes on covering all of its
    parts (its ``segment_count`` grows): the translation of the whole sentence is still
    the translation of its halves together. That is what a translator of another track
    expects to find — nothing lost, nothing attached to the wrong half — and their
    alignment editor shows it as a 2-1 link they can split in turn. Each such translation
    records the split in its history (action SPLIT, by ``author``), and so does the
    segment, as for an edit (:func:`edit_source`): a revision SPLIT whose text is the
    parts, one a line.
    """
    cleaned = [text.strip() for text in texts]
    if len(cleaned) < 2 or not all(cleaned):
        raise ValidationError("source-split-parts",
                              "a segment splits into two or more non-empty parts")
    session.flush()
    document_id, position, shift = segment.document_id, segment.position, len(cleaned) - 1
    covering = _covering(session, segment)
    spans = _spans(segment, cleaned)
    now = utcnow()
    session.add(SegmentRevision(segment=segment, old_text=segment.text, text="\n".join(cleaned),
                                **author_fields(author), action=RevisionAction.SPLIT,
                                changed_at=now))
    _make_room(session, document_id, position, shift)
    segment.text, (segment.start, segment.end) = cleaned[0], spans[0]
    parts = [segment]
    for offset, (text, (start, end)) in enumerate(zip(cleaned[1:], spans[1:], strict=True), 1):
        part = Segment(document_id=document_id, paragraph_id=segment.paragraph_id,
                       position=position + offset, kind=segment.kind, text=text,
                       start=start, end=end)
        session.add(part)
        parts.append(part)
    session.flush()
    # The document's and paragraph's segment lists, if loaded, miss the new parts.
    session.expire(segment.document, ["segments"])
    session.expire(segment.paragraph, ["segments"])
    for translation in covering:
        translation.segment_count += shift
        record_change(session, translation, action=RevisionAction.SPLIT, author=author,
                      at=now)
    _refresh_neighbours(session, document_id, position, position + shift)
    return parts


def _make_room(session: Session, document_id: int, after: int, count: int) -> None:
    """Move the document's segments after position ``after`` down by ``count``.

    Through negative positions: PostgreSQL checks the unique (document, position)
    constraint row by row, so ``position + count`` in one go can hit a row not yet moved.
    """
    moving = update(Segment).where(Segment.document_id == document_id,
                                   Segment.position > after)
    session.execute(moving.values(position=-(Segment.position + count)),
                    execution_options={"synchronize_session": False})
    back = update(Segment).where(Segment.document_id == document_id, Segment.position < 0)
    session.execute(back.values(position=-Segment.position),
                    execution_options={"synchronize_session": False})
    for instance in list(session.identity_map.values()):
        if isinstance(instance, Segment):
            session.expire(instance, ["position"])  # reloaded when next read


def _spans(segment: Segment, texts: Sequence[str]) -> list[tuple[int, int]]:
    """Return each part's character offsets within the paragraph.

    The parts are found in the segment's text in order; if they were edited and are not
    there, the first part keeps the segment's span and the others sit at its end.
    """
    spans: list[tuple[int, int]] = []
    at = 0
    for text in texts:
        found = segment.text.find(text, at)
        if found < 0:
            return [(segment.start, segment.end)] + [(segment.end, segment.end)] * (
                len(texts) - 1)
        spans.append((segment.start + found, segment.start + found + len(text)))
        at = found + len(text)
    return spans
