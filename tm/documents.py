"""Read documents back: summaries for lists (paged, filtered), bilingual rows for display, a
segment in context; and mark a document active when one of its translations changes."""
from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Exists, Select, func, literal, or_, select, update
from sqlalchemy.orm import Session, selectinload

from tm.db import get_by_id
from tm.models import (
    Document,
    Segment,
    Status,
    TestSet,
    TestSetDocument,
    Track,
    Translation,
    utcnow,
)
from tm.paging import checked_page, page_count, within

# A document's activity is kept to this many seconds: a save within them of the last one
# changes nothing, so translators saving in one document do not queue on its row.
ACTIVITY_RESOLUTION_S = 60
PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


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
    active_at: dt.datetime | None = None
    # The test sets it belongs to (names); empty for an article.
    test_sets: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        """Return a JSON-ready dict."""
        return {"id": self.id, "title": self.title, "src_lang": self.src_lang,
                "tgt_lang": self.tgt_lang,
                "published_on": self.published_on.isoformat() if self.published_on else None,
                "imported_at": self.imported_at.isoformat(),
                "active_at": self.active_at.isoformat() if self.active_at else None,
                "kind": DocumentKind.TEST_SET.value if self.test_sets
                else DocumentKind.ARTICLE.value,
                "test_sets": list(self.test_sets), "segments": self.segments,
                "tracks": self.tracks}


class DocumentKind(enum.StrEnum):
    """What a document is to the desk: an article of its own, or one of a test set's."""

    ARTICLE = "article"
    TEST_SET = "testset"


class Progress(enum.StrEnum):
    """How far a track has come in a document (merged translations count every segment
    they cover)."""

    UNTRANSLATED = "untranslated"  # some segment has nothing translated, reviewed or approved
    UNREVIEWED = "unreviewed"  # all translated, some not yet reviewed or approved
    UNAPPROVED = "unapproved"  # all reviewed or beyond, some not approved
    APPROVED = "approved"  # every segment approved


_AT_LEAST = {
    Progress.UNTRANSLATED: (Status.TRANSLATED, Status.REVIEWED, Status.APPROVED),
    Progress.UNREVIEWED: (Status.REVIEWED, Status.APPROVED),
    Progress.UNAPPROVED: (Status.APPROVED,),
}


@dataclass(frozen=True, slots=True)
class DocumentFilter:
    """Which documents a list shows; every field optional (None: no condition)."""

    query: str | None = None
    text: bool = False  # search the source text too, not only titles
    kind: DocumentKind | None = None
    track: str | None = None  # has translations in this track
    progress: Progress | None = None  # of ``track``, or of any of its tracks
    test_set: int | None = None  # a test set's documents, in its order


@dataclass(frozen=True, slots=True)
class DocumentPage:
    """One page of a document list, and where it stands among the others."""

    documents: list[DocumentSummary]
    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        """How many pages the list has (at least one, empty or not)."""
        return page_count(self.total, self.size)


@dataclass(frozen=True, slots=True)
class TestSetSummary:
    """A test set, as the documents list shows it above its documents."""

    __test__ = False  # not a pytest test class, despite the name

    id: int
    name: str
    documents: int
    active_at: dt.datetime | None


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


def _in_a_test_set() -> Exists:
    return (select(TestSetDocument.id).where(TestSetDocument.document_id == Document.id)
            .correlate(Document).exists())


def _covered(statuses: Iterable[Status]) -> ColumnElement[int]:
    """Segments a track's translations in ``statuses`` cover (a merge covers several)."""
    return func.coalesce(func.sum(Translation.segment_count).filter(
        Translation.status.in_(list(statuses))), 0)


def _in_progress(progress: Progress, track: str | None) -> Select[Any]:
    """The ids of the documents that ``track`` (or some track of theirs) has brought exactly
    this far: one pass over the translations and one over the segments, grouped, whatever
    the number of documents (a condition correlated to each document was a query each)."""
    stages = [Progress.UNTRANSLATED, Progress.UNREVIEWED, Progress.UNAPPROVED]
    at = stages.index(progress) if progress in stages else len(stages)
    tracks = (select(Segment.document_id.label("document_id"),
                     (_covered(_AT_LEAST[progress]) if progress is not Progress.APPROVED
                      else literal(0)).label("this"),
                     (_covered(_AT_LEAST[stages[at - 1]]) if at else literal(0)).label("before"))
              .join(Translation, Translation.segment_id == Segment.id))
    if track is not None:
        tracks = tracks.join(Track, Track.id == Translation.track_id).where(Track.name == track)
    per_track = tracks.group_by(Segment.document_id, Translation.track_id).subquery()
    sizes = (select(Segment.document_id.label("document_id"), func.count().label("segments"))
             .group_by(Segment.document_id).subquery())
    conditions = []
    if progress is not Progress.APPROVED:  # short of this stage
        conditions.append(per_track.c.this < sizes.c.segments)
    if at:  # but past the stage before
        conditions.append(per_track.c.before >= sizes.c.segments)
    return (select(per_track.c.document_id)
            .join(sizes, sizes.c.document_id == per_track.c.document_id)
            .where(*conditions))


def _filtered(stmt: Select[Any], filters: DocumentFilter) -> Select[Any]:
    if filters.query:
        in_title = Document.title_folded.contains(filters.query.casefold(), autoescape=True)
        stmt = stmt.where(or_(in_title, _text_matches(filters.query)) if filters.text
                          else in_title)
    if filters.kind is DocumentKind.ARTICLE:
        stmt = stmt.where(~_in_a_test_set())
    elif filters.kind is DocumentKind.TEST_SET:
        stmt = stmt.where(_in_a_test_set())
    if filters.track is not None:
        stmt = stmt.where(select(Translation.id)
                          .join(Segment, Segment.id == Translation.segment_id)
                          .join(Track, Track.id == Translation.track_id)
                          .where(Segment.document_id == Document.id,
                                 Track.name == filters.track).correlate(Document).exists())
    if filters.progress is not None:
        stmt = stmt.where(Document.id.in_(_in_progress(filters.progress, filters.track)))
    if filters.test_set is not None:
        stmt = (stmt.join(TestSetDocument, TestSetDocument.document_id == Document.id)
                .where(TestSetDocument.test_set_id == filters.test_set)
                .order_by(TestSetDocument.position))
    return stmt.order_by(Document.active_at.desc(), Document.id.desc())


def _summaries(session: Session, documents: list[Document]) -> list[DocumentSummary]:
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
    test_sets: dict[int, list[str]] = {}
    for doc_id, name in session.execute(
            select(TestSetDocument.document_id, TestSet.name)
            .join(TestSet, TestSet.id == TestSetDocument.test_set_id)
            .where(TestSetDocument.document_id.in_(ids)).order_by(TestSet.name)):
        test_sets.setdefault(doc_id, []).append(name)
    return [DocumentSummary(id=d.id, title=d.title, src_lang=d.src_lang, tgt_lang=d.tgt_lang,
                            published_on=d.published_on, imported_at=d.imported_at,
                            segments=seg_counts.get(d.id, 0), tracks=tracks.get(d.id, {}),
                            active_at=d.active_at, test_sets=tuple(test_sets.get(d.id, ())))
            for d in documents]


def list_documents(session: Session, filters: DocumentFilter | None = None,
                   ) -> list[DocumentSummary]:
    """Return every document that ``filters`` admits, the most recently active first.

    A test set's documents (``filters.test_set``) come in the test set's order.
    """
    stmt = _filtered(select(Document), filters or DocumentFilter())
    return _summaries(session, list(session.scalars(stmt)))


def page_documents(session: Session, filters: DocumentFilter | None = None, *,
                   number: int = 1, size: int = PAGE_SIZE) -> DocumentPage:
    """Return page ``number`` (from 1; past the last, the last) of :func:`list_documents`."""
    checked_page(number, size, max_size=MAX_PAGE_SIZE, what="documents")
    stmt = _filtered(select(Document), filters or DocumentFilter())
    total = session.scalar(select(func.count()).select_from(
        stmt.order_by(None).subquery())) or 0
    number = within(number, total, size)
    documents = list(session.scalars(stmt.limit(size).offset((number - 1) * size)))
    return DocumentPage(documents=_summaries(session, documents), number=number, size=size,
                        total=total)


def test_set_summaries(session: Session) -> list[TestSetSummary]:
    """Every test set with its number of documents and their last activity, by name."""
    rows = session.execute(
        select(TestSet.id, TestSet.name, func.count(TestSetDocument.id),
               func.max(Document.active_at))
        .outerjoin(TestSetDocument, TestSetDocument.test_set_id == TestSet.id)
        .outerjoin(Document, Document.id == TestSetDocument.document_id)
        .group_by(TestSet.id, TestSet.name).order_by(TestSet.name))
    return [TestSetSummary(id=i, name=name, documents=n, active_at=at)
            for i, name, n, at in rows]


def touch(session: Session, segment_ids: Iterable[int]) -> None:
    """Mark the documents of ``segment_ids`` active now (their translations changed).

    To :data:`ACTIVITY_RESOLUTION_S`: a document marked within that is left alone, so the
    statement writes (and locks) its row about once a minute however often it is saved.
    """
    ids = sorted(set(segment_ids))
    if not ids:
        return
    now = utcnow()
    session.execute(
        update(Document)
        .where(Document.id.in_(select(Segment.document_id).where(Segment.id.in_(ids))),
               Document.active_at < now - dt.timedelta(seconds=ACTIVITY_RESOLUTION_S))
        .values(active_at=now).execution_options(synchronize_session=False))


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
