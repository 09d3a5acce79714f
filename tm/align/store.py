"""Alignments of stored documents: read a track's translations as links, save edited links.

Saving turns each link into one translation of the track (on its first source segment,
covering all of its source segments), recording every change in the translation's history
with the action ALIGN. A source sentence split in the editor splits its stored segment
for every track first (:func:`tm.source_edits.split_segment`); an edited one is recorded in
the segment's history (:func:`tm.source_edits.edit_source`). Functions take the caller's
session and never commit.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from tm.accounts.authorship import Author
from tm.align.editing import AlignLink, Alignment, check
from tm.documents import get_document
from tm.errors import ConflictError, ValidationError
from tm.models import (
    Origin,
    RevisionAction,
    Segment,
    SegmentRevision,
    Status,
    Track,
    Translation,
)
from tm.segment import split_units
from tm.source_edits import edit_source, split_segment
from tm.translations import (
    add_translation,
    delete_translations,
    edit_translation,
    get_or_create_track,
)


@dataclass(slots=True)
class AlignmentSaveReport:
    """What saving an alignment changed."""

    created: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    sources_edited: int = 0
    sources_split: int = 0

    def as_dict(self) -> dict[str, int]:
        """Return a JSON-ready dict."""
        return {"created": self.created, "changed": self.changed, "removed": self.removed,
                "unchanged": self.unchanged, "sources_edited": self.sources_edited,
                "sources_split": self.sources_split}


def _segments(session: Session, document_id: int) -> list[Segment]:
    return list(session.scalars(select(Segment).where(Segment.document_id == document_id)
                                .order_by(Segment.position)))


def _translations(session: Session, document_id: int, track_id: int) -> dict[int, Translation]:
    return {t.segment_id: t for t in session.scalars(
        select(Translation).join(Segment, Segment.id == Translation.segment_id)
        .where(Segment.document_id == document_id, Translation.track_id == track_id))}


def track_version(session: Session, document_id: int, track: str) -> str:
    """Return a fingerprint of the track's translations in the document and of its source.

    The alignment editor sends it back when saving: if it changed, someone edited the track
    or the source sentences in between, and saving would overwrite their work. The source
    counts too: an edit of a sentence this track has no translation of changes none of its
    translations, but saving the old text would undo it.
    """
    rows = session.execute(
        select(Translation.id, Translation.version)
        .join(Segment, Segment.id == Translation.segment_id)
        .join(Track, Track.id == Translation.track_id)
        .where(Segment.document_id == document_id, Track.name == track)
        .order_by(Translation.id)).all()
    source = session.execute(  # splits add segments, edits add revisions
        select(func.count(distinct(Segment.id)), func.max(SegmentRevision.id))
        .select_from(Segment)
        .outerjoin(SegmentRevision, SegmentRevision.segment_id == Segment.id)
        .where(Segment.document_id == document_id)).one()
    fingerprint = repr(([tuple(r) for r in rows], tuple(source)))
    return hashlib.sha1(fingerprint.encode()).hexdigest()[:16]


def load_alignment(session: Session, document_id: int, track: str) -> Alignment:
    """Return the document's segments and the track's translations, split into sentences."""
    document = get_document(session, document_id)
    segments = _segments(session, document_id)
    found = session.scalar(select(Track).where(Track.name == track))
    by_segment = _translations(session, document_id, found.id) if found else {}
    tgt: list[str] = []
    links: list[AlignLink] = []
    position = 0
    while position < len(segments):
        translation = by_segment.get(segments[position].id)
        if translation is None:
            links.append(AlignLink((position,), (), None, False))
            position += 1
            continue
        count = min(translation.segment_count, len(segments) - position)
        sentences = [s.text for s in split_units(translation.text, document.tgt_lang)]
        sentences = sentences or [translation.text]
        start = len(tgt)
        tgt.extend(sentences)
        confirmed = translation.status in (Status.REVIEWED, Status.APPROVED)
        links.append(AlignLink(tuple(range(position, position + count)),
                               tuple(range(start, len(tgt))), translation.align_score,
                               confirmed))
        position += count
    alignment = Alignment(tuple(s.text for s in segments), tuple(tgt), tuple(links),
                          tuple(s.id for s in segments))
    check(alignment)
    return alignment


def _groups(alignment: Alignment) -> list[tuple[AlignLink, list[int]]]:
    """Pair each link that has source sentences with its target sentences.

    Unaligned target sentences are kept, not dropped: they join the nearest translated link
    before them (or, if there is none, the first one after), as the importer does.
    """
    groups: list[tuple[AlignLink, list[int]]] = []
    orphans: list[int] = []
    for link in alignment.links:
        if link.src:
            groups.append((link, list(link.tgt)))
            continue
        host = next((g for g in reversed(groups) if g[1]), None)
        if host is None:
            orphans.extend(link.tgt)
        else:
            host[1].extend(link.tgt)
    if orphans:
        host = next((g for g in groups if g[1]), groups[0] if groups else None)
        if host is not None:
            host[1][:0] = orphans
    return groups


def _source_parts(alignment: Alignment, segments: list[Segment]) -> list[list[str]]:
    """Return, per stored segment, the alignment's source sentences it now is (split: several).

    ValidationError if the alignment's sentences are not the document's segments in order,
    as when someone else split or removed one since the alignment was loaded.
    """
    if not alignment.src_keys:
        if len(segments) != len(alignment.src):
            raise ValidationError("alignment-segments-count",
                                  "the alignment has a different number of source segments "
                                  "than the document; reload the page")
        return [[text] for text in alignment.src]
    keys: list[int] = []
    parts: list[list[str]] = []
    for key, text in zip(alignment.src_keys, alignment.src, strict=True):
        if keys and keys[-1] == key:
            parts[-1].append(text)
        else:
            keys.append(key)
            parts.append([text])
    if keys != [s.id for s in segments]:
        raise ValidationError("alignment-segments-changed",
                              "the alignment's source sentences are not the document's "
                              "segments any more; reload the page")
    return parts


def _letters(text: str) -> str:
    """Return ``text`` without whitespace: splitting a sentence may drop the space it cut."""
    return "".join(text.split())


_WORKFLOW = (Status.DRAFT, Status.TRANSLATED, Status.REVIEWED, Status.APPROVED)


def _further(current: Status, asked: Status) -> bool:
    """Whether ``current`` is a later workflow step than ``asked`` (rejected is no step)."""
    return (current in _WORKFLOW and asked in _WORKFLOW
            and _WORKFLOW.index(current) > _WORKFLOW.index(asked))


def save_alignment(session: Session, document_id: int, track: str, alignment: Alignment, *,
                   status: Status, author: Author,
                   expected_version: str | None = None) -> AlignmentSaveReport:
    """Store ``alignment`` as the track's translations; confirmed links get ``status``.

    Links that changed and are not confirmed become drafts; unchanged, unconfirmed links
    keep their translation as it is, and so do unchanged confirmed links whose translation
    is already further along (an approved translation stays approved when the links are
    saved as translated). ``expected_version`` is :func:`track_version` as it
    was when the alignment was loaded; ConflictError if the track changed since. Source
    sentences split in the editor (sharing a key in ``src_keys``) split their stored segment
    for every track, as :func:`tm.source_edits.split_segment` describes, before the links are
    saved; an edited source sentence changes its segment as :func:`tm.source_edits.edit_source`
    describes (a revision on the segment, ``source-edit`` in its translations' history).
    """
    check(alignment)
    if expected_version is not None and expected_version != track_version(
            session, document_id, track):
        raise ConflictError("alignment-track-changed",
                            "track {track!r} of document {document_id} was changed by "
                            "someone else since the alignment was opened; reload it",
                            track=track, document_id=document_id)
    document = get_document(session, document_id)
    report = AlignmentSaveReport()
    segments = _save_sources(session, document_id, alignment, author=author, report=report)
    found = get_or_create_track(session, track, origin=Origin.HUMAN)
    existing = _translations(session, document_id, found.id)
    keep = _save_links(session, alignment, segments, existing, track=found,
                       lang=document.tgt_lang, status=status, author=author, report=report)
    report.removed = _remove_translations(
        session, [t for t in existing.values() if t.id not in keep])
    session.flush()
    return report


def _save_sources(session: Session, document_id: int, alignment: Alignment, *,
                  author: Author, report: AlignmentSaveReport) -> list[Segment]:
    """Split and edit the stored segments as the alignment's source sentences are now.

    Return the document's segments afterwards, one per source sentence of ``alignment``.
    """
    segments = _segments(session, document_id)
    for segment, parts in zip(segments, _source_parts(alignment, segments), strict=True):
        if len(parts) > 1:
            if _letters(" ".join(parts)) != _letters(segment.text):  # edited, then split
                edit_source(session, segment, " ".join(parts), author=author)
                report.sources_edited += 1
            split_segment(session, segment, parts, author=author)
            report.sources_split += 1
    if report.sources_split:
        segments = _segments(session, document_id)
    for segment, text in zip(segments, alignment.src, strict=True):
        if edit_source(session, segment, text, author=author) is not None:
            report.sources_edited += 1
    return segments


def _save_links(session: Session, alignment: Alignment, segments: list[Segment],
                existing: dict[int, Translation], *, track: Track, lang: str, status: Status,
                author: Author, report: AlignmentSaveReport) -> set[int]:
    """Store each link as the translation of its first source segment.

    Return the ids of the ``existing`` translations that are still some link's.
    """
    keep: set[int] = set()
    for link, tgt in _groups(alignment):
        segment = segments[link.src[0]]
        text = " ".join(alignment.tgt[j] for j in tgt)
        translation = existing.get(segment.id)
        if not text:
            continue  # an unaligned source sentence: no translation
        if translation is None:
            add_translation(session, segment, track, text, lang=lang,
                            status=status if link.confirmed else Status.DRAFT,
                            origin=track.origin, author=author, segment_count=len(link.src),
                            align_score=link.score)
            report.created += 1
            continue
        keep.add(translation.id)
        if _update_translation(session, translation, link, text, status=status,
                               author=author):
            report.changed += 1
        else:
            report.unchanged += 1
    return keep


def _update_translation(session: Session, translation: Translation, link: AlignLink,
                        text: str, *, status: Status, author: Author) -> bool:
    """Store ``link`` (whose target is ``text``) over ``translation``; return if it changed."""
    same = translation.text == text and translation.segment_count == len(link.src)
    if same and not link.confirmed:
        return False
    new_status = status if link.confirmed else Status.DRAFT
    if same and (translation.status == new_status
                 or _further(translation.status, new_status)):
        return False  # confirming never takes a translation back a step
    translation.segment_count = len(link.src)
    translation.align_score = link.score
    edit_translation(session, translation, author=author, text=text, status=new_status,
                     action=RevisionAction.ALIGN)
    return True


def _remove_translations(session: Session, gone: list[Translation]) -> int:
    """Delete the translations no link has any more; return how many."""
    delete_translations(session, gone)
    return len(gone)
