"""Take a document's translations back from an XLIFF file, all or nothing.

Each unit's id names the segments it translates (``tm.handoff.xliff_export``); its source
must still be theirs. The import is refused as a whole, saying which units and why, when a
unit names no segment of the document, when its source differs from the stored segments'
(the document changed since the export: export again), or when the file's languages are not
the document's. A unit without a target (or, from OmegaT, one left as the source) is
counted as untranslated and changes nothing. The others become revisions of the track:
their state mapped to a status (``tm.formats.xliff.states``), origin human, the importing
user their author; a target identical to the track's is left as it is.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tm.accounts.authorship import Author
from tm.accounts.permissions import check_status_change
from tm.documents import get_document
from tm.errors import InputError
from tm.formats.xliff.reader import read_xliff
from tm.formats.xliff.states import status_of
from tm.formats.xliff.units import XliffHeader, XliffUnit
from tm.lang import primary_language
from tm.messages import Message, Plural
from tm.models import Origin, Role, Segment, Status, Translation
from tm.translations import add_translation, edit_translation, find_track, get_or_create_track

_UNIT_ID = re.compile(r"^(\d{1,18})(?:-(\d{1,18}))?$")
# Units a file may hold: this many a segment of the document (a tool may split a unit into
# segments), and this many more.
UNITS_PER_SEGMENT = 4
EXTRA_UNITS = 100
# Refused units named in the error; the rest are counted.
REFUSALS_SHOWN = 3
# Characters of a text quoted in a refusal.
QUOTE_CHARS = 60


@dataclass(frozen=True)
class Refusal:
    """A unit that does not fit the document, and why."""

    unit_id: str
    line: int | None
    reason: Message

    def message(self) -> Message:
        if self.line is None:
            return Message("xliff-unit-refused", "unit {id}: {reason}", id=self.unit_id,
                           reason=self.reason)
        return Message("xliff-unit-refused-line", "unit {id} (line {line}): {reason}",
                       id=self.unit_id, line=self.line, reason=self.reason)


@dataclass
class XliffImportReport:
    """What an XLIFF import read and did."""

    file: str
    document_id: int
    track: str
    version: str = ""
    read: int = 0
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    untranslated: int = 0
    statuses: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {"file": self.file, "document_id": self.document_id, "track": self.track,
                "version": self.version, "read": self.read, "imported": self.imported,
                "updated": self.updated, "unchanged": self.unchanged,
                "untranslated": self.untranslated, "statuses": dict(self.statuses)}


@dataclass(frozen=True)
class _Planned:
    segments: tuple[Segment, ...]
    text: str
    status: Status


def _plain(text: str) -> str:
    return " ".join(text.split())


def _quoted(text: str) -> str:
    return text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS - 1] + "…"


def _check_languages(header: XliffHeader | None, *, name: str, src: str, tgt: str) -> None:
    if header is None:
        return
    found = (primary_language(header.source_language),
             primary_language(header.target_language) if header.target_language else None)
    if found[0] != primary_language(src) or found[1] not in (None, primary_language(tgt)):
        raise InputError("xliff-languages-differ", "{name}: the file is {found}, the document "
                         "{expected}; nothing imported", name=name,
                         found=f"{header.source_language}→{header.target_language or '?'}",
                         expected=f"{src}→{tgt}")


def _grouped(units: Sequence[XliffUnit]) -> dict[str, list[XliffUnit]]:
    """The file's units by unit id: a unit split into segments by a tool is one again."""
    grouped: dict[str, list[XliffUnit]] = defaultdict(list)
    for unit in units:
        grouped[unit.unit_id].append(unit)
    return grouped


def _covered(unit_id: str, by_id: dict[int, Segment],
             ordered: list[Segment]) -> tuple[Segment, ...] | Message:
    match = _UNIT_ID.match(unit_id.strip())
    if match is None:
        return Message("xliff-id-foreign", "its id is not one Sverka wrote (a segment id)")
    first = by_id.get(int(match.group(1)))
    last = by_id.get(int(match.group(2) or match.group(1)))
    if first is None or last is None or last.position < first.position:
        return Message("xliff-id-unknown", "the document has no such segment")
    at = ordered.index(first)
    return tuple(ordered[at:at + ordered.index(last) - at + 1])


def _plan(grouped: dict[str, list[XliffUnit]], segments: list[Segment], *, version: str,
          omegat: bool, report: XliffImportReport) -> tuple[list[_Planned], list[Refusal]]:
    by_id = {s.id: s for s in segments}
    planned, refused = [], []
    for unit_id, parts in grouped.items():
        report.read += 1
        covered = _covered(unit_id, by_id, segments)
        if isinstance(covered, Message):
            refused.append(Refusal(unit_id, parts[0].line, covered))
            continue
        source = _plain(" ".join(p.source for p in parts))
        stored = _plain(" ".join(s.text for s in covered))
        if source != stored:
            refused.append(Refusal(unit_id, parts[0].line, Message(
                "xliff-source-changed", "its source {found!r} is not the segment's {stored!r} "
                "any more", found=_quoted(source), stored=_quoted(stored))))
            continue
        targets = [p.target for p in parts]
        text = " ".join(t.strip() for t in targets if t)
        if not text or None in targets or (omegat and _plain(text) == source):
            report.untranslated += 1
            continue
        status = Status.TRANSLATED if omegat else min(
            (status_of(version, p.state, approved=p.approved, confirmation=p.confirmation)
             for p in parts), key=list(Status).index)
        planned.append(_Planned(covered, text, status))
    return planned, refused


def import_xliff(session: Session, path: str | Path, *, document_id: int, track: str,
                 author: Author = None, role: Role = Role.ADMIN, name: str | None = None,
                 omegat: bool = False, max_bytes: int | None = None) -> XliffImportReport:
    """Write the targets of the XLIFF file at ``path`` into ``track`` of the document, in
    the caller's transaction; ``omegat``: the file came back from OmegaT (its targets
    began as the source, its states are as Sverka wrote them: what changed is translated).

    ``role`` is the importing user's: a status it may not set refuses the import.
    """
    label = name or str(path)
    reader = read_xliff(path, max_bytes=max_bytes, name=label)
    document = get_document(session, document_id)
    # A file for this document has a unit (a few segments, once split by a tool) a segment:
    # one far larger is not this document's, and is not read into memory whole.
    limit = EXTRA_UNITS + UNITS_PER_SEGMENT * (session.scalar(
        select(func.count()).select_from(Segment).where(Segment.document_id == document.id))
        or 0)
    units = []
    for unit in reader.units():
        units.append(unit)
        if len(units) > limit:
            raise InputError("xliff-too-many-units", "{name}: more units than document "
                             "{document} could have ({max:,}); nothing imported", name=label,
                             document=document.id, max=limit)
    _check_languages(reader.header, name=label, src=document.src_lang, tgt=document.tgt_lang)
    return import_units(session, units, document_id=document_id, track=track, author=author,
                        role=role, name=label, omegat=omegat,
                        version=reader.header.version if reader.header else "")


def import_units(session: Session, units: Sequence[XliffUnit], *, document_id: int,
                 track: str, author: Author, role: Role, name: str, omegat: bool,
                 version: str) -> XliffImportReport:
    """Write ``units`` (read from the file ``name``) into ``track``, all or nothing."""
    document = get_document(session, document_id)
    label = name
    report = XliffImportReport(label, document.id, track, version=version)
    segments = list(session.scalars(select(Segment).where(Segment.document_id == document.id)
                                    .order_by(Segment.position)))
    planned, refused = _plan(_grouped(units), segments, version=report.version,
                             omegat=omegat, report=report)
    existing = _existing(session, track, [p.segments[0].id for p in planned])
    for plan in planned:
        current = existing.get(plan.segments[0].id)
        if current is not None and current.segment_count != len(plan.segments):
            refused.append(Refusal(_unit_id(plan.segments), None, Message(
                "xliff-span-differs", "the track's translation covers other segments")))
    if refused:
        raise InputError(Plural(
            "xliff-units-refused", "{name}: {count} unit does not fit document {document}: "
            "{first}; nothing imported", "{name}: {count} units do not fit document "
            "{document}: {first}; nothing imported", count=len(refused), name=label,
            document=document.id, first=_listed(refused)))
    target = get_or_create_track(session, track, origin=Origin.HUMAN)
    for plan in planned:
        current = existing.get(plan.segments[0].id)
        report.statuses[plan.status.value] = report.statuses.get(plan.status.value, 0) + 1
        if current is None:
            check_status_change(role, None, plan.status)
            add_translation(session, plan.segments[0], target, plan.text,
                            lang=document.tgt_lang, status=plan.status, origin=Origin.HUMAN,
                            author=author, segment_count=len(plan.segments))
            report.imported += 1
        elif current.text == plan.text.strip() and current.status is plan.status:
            report.unchanged += 1
        else:
            check_status_change(role, current.status,
                                plan.status if plan.status is not current.status else None)
            edit_translation(session, current, author=author, text=plan.text,
                             status=plan.status, origin=Origin.HUMAN)
            report.updated += 1
    session.flush()
    return report


def _unit_id(segments: tuple[Segment, ...]) -> str:
    first, last = segments[0].id, segments[-1].id
    return str(first) if first == last else f"{first}-{last}"


def _listed(refused: list[Refusal]) -> Message:
    shown = [r.message() for r in refused[:REFUSALS_SHOWN]]
    listed = shown[0]
    for more in shown[1:]:
        listed = Message("list-more", "{first}; {rest}", first=listed, rest=more)
    return listed


def _existing(session: Session, track: str, segment_ids: list[int]) -> dict[int, Translation]:
    found = find_track(session, track)
    if found is None or not segment_ids:
        return {}
    return {t.segment_id: t for t in session.scalars(select(Translation).where(
        Translation.track_id == found.id, Translation.segment_id.in_(segment_ids)))}
