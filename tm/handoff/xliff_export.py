"""A document's track as XLIFF: one unit per segment, in document order, paragraphs as groups.

A unit's id is its segment's id, stable across exports; a translation that covers several
segments (a 2-1 link of the alignment) is one unit, ``FIRST-LAST``, whose source is the
segments' text joined, as the TMX export joins them. Statuses become states
(``tm.formats.xliff.states``), notes notes, and the memories' best matches ``<alt-trans>``
(1.2) or ``<mtc:match>`` (2.0).

Two flavours, for two kinds of CAT tool:

- ``default`` (Trados, memoQ, translate-toolkit, Okapi): an untranslated segment has no
  ``<target>``; a translated one has its text and state.
- ``omegat``: OmegaT 3.6's XLIFF filter translates the text *inside* ``<target>`` and
  skips a unit without one, so every target holds the Russian source, state
  ``needs-translation``; the track's own translations travel in the OmegaT project's
  ``omegat/project_save.tmx`` (``tm.handoff.omegat``). XLIFF 1.2 only.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tm.documents import get_document
from tm.errors import ValidationError
from tm.formats.xliff.states import STATE_12, STATE_20
from tm.formats.xliff.units import VERSIONS, XliffMatch, XliffUnit
from tm.formats.xliff.writer import XliffWriter
from tm.models import Segment, SegmentKind, Status, Track, Translation
from tm.search.fuzzy import fuzzy

FLAVOURS = ("default", "omegat")
# Memory matches offered with each unit: the best few from this score on.
MATCH_MIN_SCORE = 75
MATCH_LIMIT = 3


@dataclass
class XliffExportReport:
    """What an XLIFF export wrote."""

    file: str
    document_id: int
    track: str
    version: str
    flavour: str
    units: int = 0
    translated: int = 0
    matches: int = 0

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {"file": self.file, "document_id": self.document_id, "track": self.track,
                "version": self.version, "flavour": self.flavour, "units": self.units,
                "translated": self.translated, "matches": self.matches}


@dataclass(frozen=True)
class HandoffUnit:
    """A unit to hand off: the segments it covers and the track's translation of them."""

    segments: tuple[Segment, ...]
    translation: Translation | None

    @property
    def unit_id(self) -> str:
        """The segment's id, or ``FIRST-LAST`` for a translation covering several."""
        first, last = self.segments[0].id, self.segments[-1].id
        return str(first) if first == last else f"{first}-{last}"

    @property
    def source(self) -> str:
        return " ".join(s.text for s in self.segments)

    @property
    def kind(self) -> SegmentKind:
        kinds = {s.kind for s in self.segments}
        return next(iter(kinds)) if len(kinds) == 1 else SegmentKind.BODY


def handoff_units(session: Session, document_id: int, track: str) -> Iterator[HandoffUnit]:
    """Yield the document's units in order, each with ``track``'s translation (or None)."""
    segments = list(session.scalars(select(Segment).where(Segment.document_id == document_id)
                                    .order_by(Segment.position)))
    translations = {t.segment_id: t for t in session.scalars(
        select(Translation).join(Track, Track.id == Translation.track_id)
        .join(Segment, Segment.id == Translation.segment_id)
        .where(Segment.document_id == document_id, Track.name == track))}
    at = 0
    while at < len(segments):
        translation = translations.get(segments[at].id)
        count = max(1, translation.segment_count) if translation is not None else 1
        yield HandoffUnit(tuple(segments[at:at + count]), translation)
        at += count


def _matches(session: Session, unit: HandoffUnit, *, src: str, tgt: str,
             memories: Iterable[str] | None, before: str | None,
             after: str | None) -> tuple[XliffMatch, ...]:
    own = unit.translation.id if unit.translation is not None else None
    found = fuzzy(session, unit.source, src=src, tgt=tgt, memories=memories,
                  min_score=MATCH_MIN_SCORE, limit=MATCH_LIMIT + 1, before=before, after=after)
    return tuple(XliffMatch(m.source, m.suggestion, m.score, m.memory) for m in found
                 if own is None or m.provenance.translation_id != own)[:MATCH_LIMIT]


def xliff_unit(unit: HandoffUnit, *, version: str, flavour: str,
               matches: tuple[XliffMatch, ...] = ()) -> XliffUnit:
    """``unit`` as written in an XLIFF file of ``version`` and ``flavour``."""
    translation = unit.translation
    kind = None if unit.kind is SegmentKind.BODY else unit.kind.value
    notes = (translation.note,) if translation is not None and translation.note else ()
    if flavour == "omegat":
        return XliffUnit(unit.unit_id, unit.source, unit.source, state="needs-translation",
                         kind=kind, notes=notes, matches=matches)
    if translation is None:
        return XliffUnit(unit.unit_id, unit.source, None, kind=kind, matches=matches,
                         state=STATE_20[Status.DRAFT] if version == "2.0" else None)
    states = STATE_12 if version == "1.2" else STATE_20
    return XliffUnit(unit.unit_id, unit.source, translation.text,
                     state=states[translation.status],
                     approved=version == "1.2" and translation.status is Status.APPROVED,
                     kind=kind, notes=notes, matches=matches)


def check_format(version: str, flavour: str) -> None:
    """Refuse a version or flavour Sverka does not write."""
    if version not in VERSIONS:
        raise ValidationError("xliff-version-choice", "unknown XLIFF version {version!r}: "
                              "use 1.2 or 2.0", version=version)
    if flavour not in FLAVOURS:
        raise ValidationError("xliff-flavour-choice", "unknown XLIFF flavour {flavour!r}: "
                              "use default or omegat", flavour=flavour)
    if flavour == "omegat" and version != "1.2":
        raise ValidationError("xliff-omegat-version", "the omegat flavour is XLIFF 1.2 "
                              "(OmegaT 3.6 reads no XLIFF 2.0)")


def export_xliff(session: Session, out: str | Path | IO[bytes], *, document_id: int,
                 track: str, version: str = "1.2", flavour: str = "default",
                 memories: Iterable[str] | None = None,
                 with_matches: bool = True) -> XliffExportReport:
    """Write ``track`` of document ``document_id`` to ``out`` as XLIFF ``version``."""
    check_format(version, flavour)
    document = get_document(session, document_id)
    names = list(memories) if memories is not None else None
    report = XliffExportReport(str(out), document.id, track, version, flavour)
    units = list(handoff_units(session, document.id, track))
    # The file's name only: where it was on the importing machine is nobody's business.
    original = Path(document.source_name).name if document.source_name not in (None, "", "-") \
        else f"sverka-document-{document.id}"
    with XliffWriter(out, version=version, source_language=document.src_lang,
                     target_language=document.tgt_lang, original=str(original),
                     note=f"{document.title} (Sverka document {document.id}, track {track})"
                     ) as writer:
        for paragraph, members in groupby(enumerate(units),
                                          key=lambda item: item[1].segments[0].paragraph_id):
            with writer.group(f"p{paragraph}"):
                for at, unit in members:
                    before = units[at - 1].source if at else None
                    after = units[at + 1].source if at + 1 < len(units) else None
                    matches = _matches(session, unit, src=document.src_lang,
                                       tgt=document.tgt_lang, memories=names, before=before,
                                       after=after) if with_matches else ()
                    writer.write(xliff_unit(unit, version=version, flavour=flavour,
                                            matches=matches))
                    report.units += 1
                    report.translated += unit.translation is not None
                    report.matches += len(matches)
    return report
