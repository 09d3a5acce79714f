"""Test sets: line-aligned source, references and system outputs stored as documents and tracks.

One line of the source is one segment (kind body) in its own paragraph, never re-segmented;
with document ids (WMT's ``segments.tsv``) each document id becomes a document, else the
whole file is one. Every reference and system line becomes that segment's translation in
its track, character for character, so what Sverka scores is exactly what was given.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tm.db import get_by_name
from tm.errors import ConflictError, InputError, NotFoundError, ValidationError
from tm.ingest.importer import IMPORT_STATUS, create_line_documents
from tm.lang import SOURCE_LANG, TARGET_LANG, language_pair
from tm.messages import Message, Plural
from tm.models import (
    Document,
    Origin,
    Segment,
    TestSet,
    TestSetDocument,
    Track,
    Translation,
    TranslationRevision,
)
from tm.translations import add_track_texts, get_or_create_track

TESTSET_NAME_MAX = 200
SOURCE_FORMAT = "lines"  # Document.source_format of test-set documents


@dataclass(frozen=True, slots=True)
class TrackLines:
    """A reference or a system output: a track name and one line per source segment."""

    name: str
    lines: Sequence[str]
    origin: Origin
    source_name: str = "-"


@dataclass(frozen=True, slots=True)
class TestSetImport:
    """What an import stored, for reports and ``--json``."""

    __test__ = False  # not a pytest test class

    test_set: TestSet
    documents: int
    segments: int
    tracks: dict[str, int] = field(default_factory=dict)  # track name → translations


@dataclass(frozen=True, slots=True)
class SegmentRow:
    """One segment of a test set, in test-set order."""

    id: int
    document_id: int
    text: str


def _check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > TESTSET_NAME_MAX or any(c.isspace() for c in name):
        raise ValidationError("testset-name-invalid", "invalid test set name {name!r}: use "
                              "1–{max} characters without spaces, e.g. wmt21-ru-en",
                              name=name, max=TESTSET_NAME_MAX)
    if name.isdigit():
        raise ValidationError("testset-name-number",
                              "invalid test set name {name!r}: a number names a document",
                              name=name)
    return name


def _check_length(lines: Sequence[str], expected: int, what: Message) -> None:
    if len(lines) != expected:
        raise InputError(Plural(
            "testset-lengths-differ",
            "{what} has {count} line, the source has {expected}; test-set files must be "
            "line-aligned",
            "{what} has {count} lines, the source has {expected}; test-set files must be "
            "line-aligned", count=len(lines), what=what, expected=expected))


def _track_file(lines: TrackLines) -> Message:
    return Message("testset-track-file", "{file} (track {track})", file=lines.source_name,
                   track=lines.name)


def document_runs(doc_ids: Sequence[str] | None, count: int) -> list[tuple[str | None, int]]:
    """Group ``count`` lines into (document id, number of lines) runs, in order."""
    if doc_ids is None:
        return [(None, count)]
    _check_length(doc_ids, count, Message("testset-docid-file", "the document-id file"))
    runs: list[tuple[str | None, int]] = []
    seen: set[str] = set()
    for doc_id in doc_ids:
        if runs and runs[-1][0] == doc_id:
            runs[-1] = (doc_id, runs[-1][1] + 1)
            continue
        if doc_id in seen:
            raise InputError("testset-document-scattered",
                             "the lines of document {doc_id!r} are not consecutive",
                             doc_id=doc_id)
        seen.add(doc_id)
        runs.append((doc_id, 1))
    return runs


def import_testset(session: Session, name: str, *, source: Sequence[str],
                   source_name: str = "-", tracks: Sequence[TrackLines] = (),
                   doc_ids: Sequence[str] | None = None, src_lang: str = SOURCE_LANG,
                   tgt_lang: str = TARGET_LANG, description: str | None = None) -> TestSetImport:
    """Store a line-aligned test set: documents of one segment a line, and a track per file."""
    name = _check_name(name)
    if session.scalar(select(TestSet.id).where(TestSet.name == name)) is not None:
        raise ConflictError("testset-exists", "a test set named {name!r} already exists",
                            name=name)
    if not source:
        raise InputError("testset-source-empty", "{name}: the source is empty",
                         name=source_name)
    for track in tracks:
        _check_length(track.lines, len(source), _track_file(track))
    if len({track.name for track in tracks}) != len(tracks):
        raise InputError("testset-track-repeated", "two files were given the same track name")
    src_lang, tgt_lang = language_pair(src_lang, tgt_lang)

    test_set = TestSet(name=name, src_lang=src_lang, tgt_lang=tgt_lang, description=description)
    session.add(test_set)
    runs = document_runs(doc_ids, len(source))
    documents, segment_ids = create_line_documents(
        session, [(name if key is None else f"{name} · {key}", count) for key, count in runs],
        source, src_lang=src_lang, tgt_lang=tgt_lang, source_format=SOURCE_FORMAT,
        source_name=source_name)
    for position, (document, (doc_key, _)) in enumerate(zip(documents, runs, strict=True)):
        test_set.members.append(TestSetDocument(document=document, position=position,
                                                doc_key=doc_key))
    session.flush()
    result = TestSetImport(test_set=test_set, documents=len(documents), segments=len(source))
    for lines in tracks:
        result.tracks[lines.name] = _add(session, segment_ids, lines, tgt_lang)
    return result


def get_testset(session: Session, name: str) -> TestSet:
    """Return the test set called ``name`` or raise NotFoundError."""
    return get_by_name(session, TestSet, name, what="test set")


def list_testsets(session: Session) -> list[TestSet]:
    """Return every test set, by name."""
    return list(session.scalars(select(TestSet).order_by(TestSet.name)))


def ordered_segments(session: Session, test_set: TestSet) -> list[SegmentRow]:
    """Return the test set's segments in order: its documents in turn, each in its order."""
    rows = session.execute(
        select(Segment.id, Segment.document_id, Segment.text)
        .join(TestSetDocument, TestSetDocument.document_id == Segment.document_id)
        .where(TestSetDocument.test_set_id == test_set.id)
        .order_by(TestSetDocument.position, Segment.position))
    return [SegmentRow(id=i, document_id=d, text=t) for i, d, t in rows]


def track_origins(session: Session, test_set: TestSet) -> dict[str, Origin]:
    """Return the tracks with translations in the test set, by name, each with the origin
    most of its translations there have (human, supplied, machine, tm)."""
    counts = session.execute(
        select(Track.name, Translation.origin, func.count())
        .join(Translation, Translation.track_id == Track.id)
        .join(Segment, Segment.id == Translation.segment_id)
        .join(TestSetDocument, TestSetDocument.document_id == Segment.document_id)
        .where(TestSetDocument.test_set_id == test_set.id)
        .group_by(Track.name, Translation.origin)).all()
    origins: dict[str, tuple[int, Origin]] = {}
    for name, origin, count in counts:
        if name not in origins or count > origins[name][0]:
            origins[name] = (count, origin)
    return {name: origins[name][1] for name in sorted(origins)}


def track_lines(session: Session, test_set: TestSet, track: Track,
                segments: Sequence[SegmentRow] | None = None) -> list[str]:
    """Return ``track``'s translation of every test-set segment, in order, exactly as stored."""
    return track_texts(session, test_set, track, segments)[0]


def track_texts(session: Session, test_set: TestSet, track: Track,
                segments: Sequence[SegmentRow] | None = None
                ) -> tuple[list[str], list[int | None]]:
    """Return ``track``'s text of every test-set segment and the revision holding that text.

    Both come from one query, so the revision is the one whose text is returned (None if
    the latest revision somehow differs from the translation's text).
    """
    segments = ordered_segments(session, test_set) if segments is None else segments

    def latest(column: Any) -> Any:
        # The newest revision of each translation, found through its (translation, number)
        # index; in the select list, as a join condition PostgreSQL scans far more.
        return (select(column).where(TranslationRevision.translation_id == Translation.id)
                .order_by(TranslationRevision.number.desc()).limit(1)
                .correlate(Translation).scalar_subquery())

    rows: dict[int, tuple[str, int | None]] = {
        segment_id: (text, revision_id if revision_text == text else None)
        for segment_id, text, revision_id, revision_text in session.execute(
            select(Translation.segment_id, Translation.text, latest(TranslationRevision.id),
                   latest(TranslationRevision.text))
            .join(Segment, Segment.id == Translation.segment_id)
            .join(TestSetDocument, TestSetDocument.document_id == Segment.document_id)
            .where(TestSetDocument.test_set_id == test_set.id,
                   Translation.track_id == track.id))}
    missing = sum(1 for s in segments if s.id not in rows)
    if missing:
        raise NotFoundError(Plural(
            "testset-track-incomplete",
            "track {track!r} has no translation for {missing} of the {count} segment of test "
            "set {name!r}",
            "track {track!r} has no translation for {missing} of the {count} segments of test "
            "set {name!r}", count=len(segments), missing=missing, track=track.name,
            name=test_set.name))
    ordered = [rows[s.id] for s in segments]
    return [text for text, _ in ordered], [revision_id for _, revision_id in ordered]


def add_lines_to_testset(session: Session, test_set: TestSet, lines: TrackLines) -> int:
    """Store one more track (a system's output) for every segment of ``test_set``."""
    segments = ordered_segments(session, test_set)
    _check_length(lines.lines, len(segments), _track_file(lines))
    return _add(session, [s.id for s in segments], lines, test_set.tgt_lang)


def add_lines_to_document(session: Session, document: Document, lines: TrackLines) -> int:
    """Store one more track for every segment of ``document``, one line per segment."""
    segment_ids = list(session.scalars(select(Segment.id).where(
        Segment.document_id == document.id).order_by(Segment.position)))
    _check_length(lines.lines, len(segment_ids), _track_file(lines))
    return _add(session, segment_ids, lines, document.tgt_lang)


def _add(session: Session, segment_ids: Sequence[int], lines: TrackLines, lang: str) -> int:
    track = get_or_create_track(session, lines.name, origin=lines.origin)
    return add_track_texts(session, track, list(zip(segment_ids, lines.lines, strict=True)),
                           lang=lang, status=IMPORT_STATUS[lines.origin], origin=lines.origin)


def count_segments(session: Session, test_set: TestSet) -> int:
    """Return the number of segments in ``test_set``."""
    return session.scalar(
        select(func.count(Segment.id))
        .join(TestSetDocument, TestSetDocument.document_id == Segment.document_id)
        .where(TestSetDocument.test_set_id == test_set.id)) or 0
