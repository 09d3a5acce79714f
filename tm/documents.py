"""Read documents back: summaries for lists, bilingual rows for display, a segment in context."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from tm.db import get_by_id
from tm.models import Document, Segment, Track, Translation


@dataclass(frozen=True, slots=True)
class DocumentSummary:
    """A document with its counts, for lists."""

    id: int
    title: str
    src_lang: str
    tgt_lang: str
    published_on: dt.date | None
    imported_at: dt.datetime
    segments: int
    # track name → status → number of translations
    tracks: dict[str, dict[str, int]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        """Return a JSON-ready dict."""
        return {"id": self.id, "title": self.title, "src_lang": self.src_lang,
                "tgt_lang": self.tgt_lang,
                "published_on": self.published_on.isoformat() if self.published_on else None,
                "imported_at": self.imported_at.isoformat(), "segments": self.segments,
                "tracks": self.tracks}


@dataclass(frozen=True, slots=True)
class Row:
    """One source segment and its translation in each track (None where there is none)."""

    segment: Segment
    translations: dict[str, Translation | None]
    covered: bool = False  # True when an earlier segment's translation covers this one

    def as_dict(self) -> dict[str, object]:
        """Return a JSON-ready dict: the segment, and each track's translation or None."""
        segment = self.segment
        return {"id": segment.id, "position": segment.position,
                "paragraph": segment.paragraph.position, "kind": segment.kind.value,
                "text": segment.text,
                "translations": {name: None if t is None else _translation_dict(t)
                                 for name, t in self.translations.items()}}


def _translation_dict(translation: Translation) -> dict[str, object]:
    return {"id": translation.id, "text": translation.text,
            "status": translation.status.value, "origin": translation.origin.value,
            "author": translation.author, "segment_count": translation.segment_count,
            "align_score": translation.align_score, "version": translation.version}


@dataclass(frozen=True, slots=True)
class DocumentView:
    """A document with its segments in order and their translations in ``tracks``."""

    document: Document
    tracks: list[str]
    rows: list[Row]

    def as_dict(self) -> dict[str, object]:
        """Return a JSON-ready dict: the document's fields and its segments (``Row.as_dict``)."""
        document = self.document
        return {"id": document.id, "title": document.title, "src_lang": document.src_lang,
                "tgt_lang": document.tgt_lang, "url": document.url,
                "published_on": (document.published_on.isoformat()
                                 if document.published_on else None),
                "segments": [row.as_dict() for row in self.rows]}


@dataclass(frozen=True, slots=True)
class SegmentContext:
    """The source of a unit (one or more consecutive segments) and the sentences around it."""

    text: str
    before: str | None  # the segment before the unit, None at the document's start
    after: str | None  # the segment after the unit, None at its end


def _text_matches(query: str) -> Exists:
    """Return a condition: the document has a segment containing ``query``, roughly ignoring case.

    SQLite folds ASCII case only, so the usual case variants of the query are tried too.
    """
    variants = {query, query.lower(), query.upper(), query.capitalize()}
    return select(Segment.id).where(
        Segment.document_id == Document.id,
        or_(*(Segment.text.contains(v, autoescape=True) for v in variants))).exists()


def list_documents(session: Session, *, query: str | None = None,
                   text: bool = False) -> list[DocumentSummary]:
    """Return all documents, newest import first, optionally those whose title has ``query``.

    With ``text``, documents whose source text contains ``query`` are found as well.
    """
    stmt = select(Document).order_by(Document.imported_at.desc(), Document.id.desc())
    if query:
        in_title = Document.title_folded.contains(query.casefold(), autoescape=True)
        stmt = stmt.where(or_(in_title, _text_matches(query)) if text else in_title)
    documents = list(session.scalars(stmt))
    ids = [d.id for d in documents]
    seg_counts = dict(session.execute(
        select(Segment.document_id, func.count()).where(Segment.document_id.in_(ids))
        .group_by(Segment.document_id)).all())
    tracks: dict[int, dict[str, dict[str, int]]] = {}
    for doc_id, track, status, count in session.execute(
            select(Segment.document_id, Track.name, Translation.status, func.count())
            .join(Translation, Translation.segment_id == Segment.id)
            .join(Track, Track.id == Translation.track_id)
            .where(Segment.document_id.in_(ids))
            .group_by(Segment.document_id, Track.name, Translation.status)):
        tracks.setdefault(doc_id, {}).setdefault(track, {})[status.value] = count
    return [DocumentSummary(id=d.id, title=d.title, src_lang=d.src_lang, tgt_lang=d.tgt_lang,
                            published_on=d.published_on, imported_at=d.imported_at,
                            segments=seg_counts.get(d.id, 0), tracks=tracks.get(d.id, {}))
            for d in documents]


def get_document(session: Session, document_id: int) -> Document:
    """Return the document with ``document_id`` or raise NotFoundError."""
    return get_by_id(session, Document, document_id, what="document")


def get_segment(session: Session, segment_id: int) -> Segment:
    """Return the segment with ``segment_id`` or raise NotFoundError."""
    return get_by_id(session, Segment, segment_id, what="segment")


def segment_context(session: Session, segment: Segment, *, count: int = 1) -> SegmentContext:
    """Return the source of ``count`` segments from ``segment`` on, and the segments around them.

    That is what a memory lookup for the unit asks for: its text, and its neighbours for
    context (101%) matches.
    """
    rows = session.execute(select(Segment.position, Segment.text).where(
        Segment.document_id == segment.document_id,
        Segment.position >= segment.position - 1,
        Segment.position <= segment.position + count))
    by_position = {position: text for position, text in rows}
    text = " ".join(by_position[p] for p in range(segment.position, segment.position + count)
                    if p in by_position)
    return SegmentContext(text=text, before=by_position.get(segment.position - 1),
                          after=by_position.get(segment.position + count))


def document_tracks(session: Session, document_id: int) -> list[str]:
    """Return the names of the tracks that have translations in the document."""
    return list(session.scalars(
        select(Track.name).join(Translation, Translation.track_id == Track.id)
        .join(Segment, Segment.id == Translation.segment_id)
        .where(Segment.document_id == document_id).distinct().order_by(Track.name)))


def document_rows(session: Session, document_id: int,
                  tracks: list[str] | None = None) -> list[Row]:
    """Return the document's segments in order with their translations in ``tracks``."""
    get_document(session, document_id)
    names = tracks if tracks is not None else document_tracks(session, document_id)
    segments = list(session.scalars(
        select(Segment).where(Segment.document_id == document_id).order_by(Segment.position)
        .options(selectinload(Segment.translations).selectinload(Translation.track))))
    rows, covered_until = [], {name: -1 for name in names}
    for segment in segments:
        by_track = {t.track.name: t for t in segment.translations}
        translations: dict[str, Translation | None] = {}
        covered = False
        for name in names:
            translation = by_track.get(name)
            translations[name] = translation
            if translation is not None:
                covered_until[name] = segment.position + translation.segment_count - 1
            elif segment.position <= covered_until[name]:
                covered = True
        rows.append(Row(segment=segment, translations=translations, covered=covered))
    return rows


def document_view(session: Session, document_id: int,
                  tracks: list[str] | None = None) -> DocumentView:
    """Return the document with its rows in ``tracks`` (default: every track it has)."""
    document = get_document(session, document_id)
    names = tracks if tracks is not None else document_tracks(session, document_id)
    return DocumentView(document=document, tracks=names,
                        rows=document_rows(session, document_id, names))
