"""The bilingual editor's view of a document: units of work, their QA, filters, pages, history.

A unit is one translation of a track with the source segments it covers (or one untranslated
segment). Pure reading: nothing here writes.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import String, select, type_coerce
from sqlalchemy.orm import Session

from tm.diff import Change, word_diff
from tm.documents import get_document
from tm.models import RevisionAction, Segment, SegmentRevision, Status, Track, Translation
from tm.qa import QaWarning, check
from tm.source_edits import source_history
from tm.translations import history

# Rows per page: a page of a 5,000-segment document renders in a blink and keeps the
# browser responsive; filters narrow the whole document before paging.
PAGE_SIZE = 100
UNTRANSLATED = "none"  # the status filter's value for units without a translation


@dataclass(frozen=True, slots=True)
class SourceSegment:
    """The parts of a source segment the editor shows (no ORM object: 5,000 load fast)."""

    id: int
    position: int
    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class TranslationRef:
    """The parts of a translation that filters and checks need."""

    id: int
    segment_id: int
    segment_count: int
    status: str
    text: str


@dataclass(slots=True)
class Unit:
    """Source segments and their translation in the edited track (and a compared one).

    ``translation`` (the full ORM object) is loaded only for the units a page shows.
    """

    index: int  # position among the document's units, from 0
    segments: list[SourceSegment]
    ref: TranslationRef | None
    translation: Translation | None = None
    compare: list[str] = field(default_factory=list)
    warnings: list[QaWarning] = field(default_factory=list)

    @property
    def source(self) -> str:
        """Return the source text of the unit."""
        return " ".join(s.text for s in self.segments)

    @property
    def status(self) -> str:
        """Return the unit's status, ``none`` when it has no translation."""
        return self.ref.status if self.ref else UNTRANSLATED


@dataclass(slots=True)
class Page:
    """One page of a document's units after filtering, with counts for the filter bar."""

    units: list[Unit]
    number: int
    pages: int
    total: int  # units after filtering
    statuses: Counter[str]
    warnings: Counter[str] | None  # None when only the page's units were checked


def _refs(session: Session, document_id: int, track: str) -> dict[int, TranslationRef]:
    rows = session.execute(
        select(Translation.id, Translation.segment_id, Translation.segment_count,
               type_coerce(Translation.status, String).label("status"), Translation.text)
        .join(Track, Track.id == Translation.track_id)
        .join(Segment, Segment.id == Translation.segment_id)
        .where(Segment.document_id == document_id, Track.name == track))
    return {r.segment_id: TranslationRef(r.id, r.segment_id, r.segment_count, r.status, r.text)
            for r in rows}


def editor_units(session: Session, document_id: int, track: str, *,
                 compare: str | None = None, checked: bool = True) -> list[Unit]:
    """Return the document's units for ``track``, with QA warnings unless ``checked`` is off.

    Checking every unit of a 5,000-segment document costs a few hundred milliseconds; the
    editor checks only the page it shows unless it filters by warning.
    """
    get_document(session, document_id)
    # Enum columns read as their stored strings: converting 5,000 of them costs more than
    # the query.
    segments = [SourceSegment(r.id, r.position, r.kind, r.text)
                for r in session.execute(
                    select(Segment.id, Segment.position,
                           type_coerce(Segment.kind, String).label("kind"), Segment.text)
                    .where(Segment.document_id == document_id).order_by(Segment.position))]
    edited = _refs(session, document_id, track)
    compared = _refs(session, document_id, compare) if compare else {}
    units: list[Unit] = []
    covered_until = -1
    for segment in segments:
        ref = edited.get(segment.id)
        if ref is None and segment.position <= covered_until and units:
            units[-1].segments.append(segment)
        else:
            units.append(Unit(index=len(units), segments=[segment], ref=ref))
            if ref is not None:
                covered_until = segment.position + ref.segment_count - 1
        if segment.id in compared:
            units[-1].compare.append(compared[segment.id].text)
    if checked:
        check_units(units)
    return units


def load_translations(session: Session, units: list[Unit]) -> None:
    """Load the full translations of ``units`` (the ones a page shows)."""
    ids = [u.ref.id for u in units if u.ref is not None]
    found = {t.id: t for t in session.scalars(select(Translation).where(Translation.id.in_(ids)))}
    for unit in units:
        unit.translation = found.get(unit.ref.id) if unit.ref is not None else None


def check_units(units: list[Unit]) -> None:
    """Fill in the QA warnings of ``units``."""
    for unit in units:
        unit.warnings = check(unit.source, unit.ref.text if unit.ref else None)


def page_of(units: list[Unit], *, number: int = 1, status: str | None = None,
            warning: str | None = None, page_size: int = PAGE_SIZE,
            checked: bool = True) -> Page:
    """Filter ``units`` by status and/or warning code (``any``), and return page ``number``.

    With ``checked`` off, the units have no warnings yet: only the page's units are checked.
    """
    statuses = Counter(u.status for u in units)
    if not checked and warning:
        check_units(units)
        checked = True
    warnings = Counter(w.code for u in units for w in u.warnings) if checked else None
    chosen = [u for u in units
              if (not status or u.status == status)
              and (not warning or (u.warnings if warning == "any"
                                   else any(w.code == warning for w in u.warnings)))]
    pages = max(1, -(-len(chosen) // page_size))
    number = min(max(1, number), pages)
    shown = chosen[(number - 1) * page_size: number * page_size]
    if not checked:
        check_units(shown)
    return Page(units=shown, number=number, pages=pages, total=len(chosen), statuses=statuses,
                warnings=warnings)


def find_unit(units: list[Unit], segment_id: int) -> Unit | None:
    """Return the unit that contains segment ``segment_id``."""
    return next((u for u in units if any(s.id == segment_id for s in u.segments)), None)


def covered_unit(session: Session, translation: Translation) -> Unit:
    """Return the unit of ``translation``: the source segments it covers, checked.

    Its ``index`` is -1: the unit stands alone, not at a place in a list of the document's.
    """
    first = translation.segment
    segments = [first] if translation.segment_count == 1 else session.scalars(
        select(Segment).where(Segment.document_id == first.document_id,
                              Segment.position >= first.position,
                              Segment.position < first.position + translation.segment_count)
        .order_by(Segment.position))
    unit = Unit(index=-1, segments=[SourceSegment(s.id, s.position, s.kind.value, s.text)
                                     for s in segments],
                ref=None, translation=translation)
    unit.warnings = check(unit.source, translation.text)
    return unit


@dataclass(frozen=True, slots=True)
class SourceChange:
    """A change to a source segment of a unit: old and new text, their diff, a split's parts."""

    segment_id: int
    old_text: str
    text: str  # the new text; a split's parts joined by spaces
    parts: tuple[str, ...] | None  # a split's parts, None for an edit
    diff: tuple[Change, ...]

    @classmethod
    def of(cls, revision: SegmentRevision) -> SourceChange:
        """Return the change a segment revision records (a split keeps its parts a line each)."""
        split = revision.action is RevisionAction.SPLIT
        parts = tuple(revision.text.split("\n")) if split else None
        text = " ".join(parts) if parts else revision.text
        return cls(segment_id=revision.segment_id, old_text=revision.old_text, text=text,
                   parts=parts, diff=tuple(word_diff(revision.old_text, text)))

    def as_dict(self) -> dict[str, object]:
        """Return a JSON-ready dict."""
        return {"segment_id": self.segment_id, "old_text": self.old_text, "text": self.text,
                "parts": list(self.parts) if self.parts is not None else None,
                "diff": [c.as_dict() for c in self.diff]}


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One event in a unit's history: a revision of its translation or a change to its source.

    A revision has its ``number`` (to restore it), text, status and the word ``diff`` to the
    revision before; one made by a source edit or split also carries that ``source`` change.
    A source change from before the translation covered the segment is an entry of its own,
    with no number, text or status: part of the unit's history, but nothing to restore.
    """

    number: int | None
    text: str | None
    status: Status | None
    author: str | None
    action: RevisionAction
    changed_at: dt.datetime
    diff: tuple[Change, ...] = ()
    source: SourceChange | None = None


def unit_history(session: Session, translation: Translation) -> list[HistoryEntry]:
    """Return the history of ``translation``'s unit, newest first.

    Its revisions, each with the word diff to the one before, merged with the changes to the
    source segments it covers: a revision recorded for a source edit or split (same time)
    carries the change; the others are entries of their own.
    """
    sources = source_history(session, translation)
    entries: list[HistoryEntry] = []
    previous = ""
    for revision in history(session, translation):
        change = None
        if revision.action in (RevisionAction.SOURCE_EDIT, RevisionAction.SPLIT):
            edit = next((s for s in sources if s.changed_at == revision.changed_at), None)
            if edit is not None:
                sources.remove(edit)
                change = SourceChange.of(edit)
        entries.append(HistoryEntry(
            number=revision.number, text=revision.text, status=revision.status,
            author=revision.author, action=revision.action, changed_at=revision.changed_at,
            diff=tuple(word_diff(previous, revision.text)), source=change))
        previous = revision.text
    entries.extend(HistoryEntry(
        number=None, text=None, status=None, author=s.author,
        action=RevisionAction.SPLIT if s.action is RevisionAction.SPLIT
        else RevisionAction.SOURCE_EDIT,
        changed_at=s.changed_at, source=SourceChange.of(s)) for s in sources)
    entries.sort(key=lambda entry: entry.changed_at)
    entries.reverse()
    return entries
