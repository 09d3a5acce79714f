"""Bulk storage of whole tracks: thousands of translations with their first revisions at once.

``tm.translations.add_translation`` stores one translation per call (a query and a flush
each); a test set brings tens of thousands, so this module inserts them in a few
statements, with exactly what ``add_translation`` would have stored, text untouched.
"""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from tm.errors import ConflictError
from tm.models import (
    Origin,
    RevisionAction,
    Status,
    Track,
    Translation,
    TranslationRevision,
    utcnow,
)

# Rows per INSERT statement: large enough that the round trips do not matter, small enough
# to stay far below PostgreSQL's 65,535 bind parameters per statement.
BATCH_ROWS = 2000


def add_track_texts(session: Session, track: Track, texts: Sequence[tuple[int, str]], *,
                    lang: str, status: Status, origin: Origin | None = None,
                    author: str | None = None) -> int:
    """Store (segment id, text) pairs as ``track``'s translations, each with revision 1.

    Texts are stored exactly as given (empty lines of a system's output included).
    Raises ConflictError if a segment already has a translation in ``track``.
    """
    ids = [segment_id for segment_id, _ in texts]
    for start in range(0, len(ids), BATCH_ROWS):
        taken = session.scalar(select(Translation.segment_id).where(
            Translation.track_id == track.id,
            Translation.segment_id.in_(ids[start:start + BATCH_ROWS])).limit(1))
        if taken is not None:
            raise ConflictError(f"segment {taken} already has a translation in track "
                                f"{track.name!r}")
    now = utcnow()
    origin = Origin(origin or track.origin)
    for start in range(0, len(texts), BATCH_ROWS):
        batch = texts[start:start + BATCH_ROWS]
        rows = [{"segment_id": segment_id, "track_id": track.id, "segment_count": 1,
                 "lang": lang, "text": text, "status": status, "origin": origin,
                 "author": author, "created_at": now, "updated_at": now, "version": 1}
                for segment_id, text in batch]
        translation_ids = session.scalars(
            insert(Translation).returning(Translation.id, sort_by_parameter_order=True), rows)
        session.execute(insert(TranslationRevision), [
            {"translation_id": translation_id, "number": 1, "text": text, "status": status,
             "author": author, "action": RevisionAction.CREATE, "changed_at": now}
            for translation_id, (_, text) in zip(translation_ids, batch, strict=True)])
    return len(texts)
