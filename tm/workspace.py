"""The bilingual editor's view of a document: units of work, their QA, filters and pages.

A unit is one translation of a track with the source segments it covers (or one untranslated
segment). Pure reading: nothing here writes.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from tm.documents import get_document
from tm.models import Segment, Track, Translation
from tm.qa import Warning_, check

# Rows per page: a page of a 5,000-segment document renders in a blink and keeps the
# browser responsive; filters narrow the whole document before paging.
PAGE_SIZE = 100
UNTRANSLATED = "none"  # the status filter's value for units without a translation


@dataclass(slots=True)
class Unit:
    """Source segments and their translation in the edited track (and a compared one)."""

    index: int  # position among the document's units, from 0
    segments: list[Segment]
    translation: Translation | None
    compare: list[Translation] = field(default_factory=list)
    warnings: list[Warning_] = field(default_factory=list)

    @property
    def source(self) -> str:
        """Return the source text of the unit."""
        return " ".join(s.text for s in self.segments)

    @property
    def status(self) -> str:
        """Return the unit's status, ``none`` when it has no translation."""
        return self.translation.status.value if self.translation else UNTRANSLATED


@dataclass(slots=True)
class Page:
    """One page of a document's units after filtering, with counts for the filter bar."""

    units: list[Unit]
    number: int
    pages: int
    total: int  # units after filtering
    statuses: Counter[str]
    warnings: Counter[str]


def _translations(session: Session, document_id: int, track: str) -> dict[int, Translation]:
    return {t.segment_id: t for t in session.scalars(
        select(Translation).join(Track, Track.id == Translation.track_id)
        .join(Segment, Segment.id == Translation.segment_id)
        .where(Segment.document_id == document_id, Track.name == track))}


def document_units(session: Session, document_id: int, track: str, *,
                   compare: str | None = None) -> list[Unit]:
    """Return the document's units for ``track``, each with its QA warnings."""
    get_document(session, document_id)
    segments = list(session.scalars(
        select(Segment).where(Segment.document_id == document_id).order_by(Segment.position)
        .options(selectinload(Segment.paragraph))))
    edited = _translations(session, document_id, track)
    compared = _translations(session, document_id, compare) if compare else {}
    units: list[Unit] = []
    covered_until = -1
    for segment in segments:
        translation = edited.get(segment.id)
        if translation is None and segment.position <= covered_until and units:
            units[-1].segments.append(segment)
        else:
            units.append(Unit(index=len(units), segments=[segment], translation=translation))
            if translation is not None:
                covered_until = segment.position + translation.segment_count - 1
        if segment.id in compared:
            units[-1].compare.append(compared[segment.id])
    for unit in units:
        unit.warnings = check(unit.source, unit.translation.text if unit.translation else None)
    return units


def page_of(units: list[Unit], *, number: int = 1, status: str | None = None,
            warning: str | None = None, page_size: int = PAGE_SIZE) -> Page:
    """Filter ``units`` by status and/or warning code (``any``), and return page ``number``."""
    statuses = Counter(u.status for u in units)
    warnings = Counter(w.code for u in units for w in u.warnings)
    chosen = [u for u in units
              if (not status or u.status == status)
              and (not warning or (u.warnings if warning == "any"
                                   else any(w.code == warning for w in u.warnings)))]
    pages = max(1, -(-len(chosen) // page_size))
    number = min(max(1, number), pages)
    return Page(units=chosen[(number - 1) * page_size: number * page_size], number=number,
                pages=pages, total=len(chosen), statuses=statuses, warnings=warnings)


def find_unit(units: list[Unit], segment_id: int) -> Unit | None:
    """Return the unit that contains segment ``segment_id``."""
    return next((u for u in units if any(s.id == segment_id for s in u.segments)), None)
