"""A document's stored source segments: splitting one sentence into consecutive segments.

Source segments are shared by every translation track of a document, so changing them keeps
all tracks consistent and records the change in their translations' history. Functions take
the caller's session and never commit.
"""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tm.errors import ValidationError
from tm.models import Segment, Translation
from tm.translations import record_change

# The history action of a translation whose source segment was split.
SPLIT_ACTION = "split"


def split_segment(session: Session, segment: Segment, texts: Sequence[str], *,
                  author: str | None) -> list[Segment]:
    """Split ``segment`` into consecutive segments with ``texts``; return the parts in order.

    The first part stays ``segment`` (its id, so its translations and their history stay
    with it); the others are new segments of the same paragraph and kind right after it,
    and every later segment of the document moves down.

    A translation, in any track, that covered the segment goes on covering all of its
    parts (its ``segment_count`` grows): the translation of the whole sentence is still
    the translation of its halves together. That is what a translator of another track
    expects to find — nothing lost, nothing attached to the wrong half — and their
    alignment editor shows it as a 2-1 link they can split in turn. Each such translation
    records the split in its history (action ``split``, by ``author``).
    """
    cleaned = [text.strip() for text in texts]
    if len(cleaned) < 2 or not all(cleaned):
        raise ValidationError("a segment splits into two or more non-empty parts")
    session.flush()
    document_id, position, shift = segment.document_id, segment.position, len(cleaned) - 1
    covering = list(session.scalars(
        select(Translation).join(Segment, Segment.id == Translation.segment_id)
        .where(Segment.document_id == document_id, Segment.position <= position,
               Segment.position + Translation.segment_count > position)
        .order_by(Translation.id)))
    spans = _spans(segment, cleaned)
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
        record_change(session, translation, action=SPLIT_ACTION, author=author)
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
