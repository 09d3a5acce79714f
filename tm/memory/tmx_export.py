"""Export a memory or a document's translations as TMX 1.4, streaming."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tm.documents import get_document
from tm.formats.tmx import Meta, TmxHeader, TmxUnit, TmxWriter, Variant, format_tmx_date
from tm.memory.memories import get_memory
from tm.memory.tmx_import import CONTEXT_POST, CONTEXT_PRE
from tm.models import (
    MemoryUnit,
    Segment,
    SegmentKind,
    Status,
    Track,
    Translation,
)

# Rows fetched per round trip while streaming an export.
FETCH_ROWS = 5000


@dataclass
class TmxExportReport:
    """What an export wrote, and what it left out and why."""

    file: str
    units: int = 0
    skipped_empty: int = 0

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {"file": self.file, "units": self.units, "skipped_empty": self.skipped_empty}


def _meta_list(data: list[dict[str, Any]] | None) -> tuple[Meta, ...]:
    return tuple(Meta.from_json(m) for m in data or ())


def memory_unit_to_tmx(row: Any) -> TmxUnit:
    """Rebuild the TMX unit a memory row came from (or describes)."""
    extra = row.extra or {}
    attrs: dict[str, str] = {}
    if row.tuid:
        attrs["tuid"] = row.tuid
    for key, value in (("creationdate", row.created_at), ("changedate", row.changed_at),
                       ("lastusagedate", row.last_used_at)):
        if value is not None:
            attrs[key] = format_tmx_date(value)
    for key, value in (("creationid", row.created_by), ("changeid", row.changed_by)):
        if value:
            attrs[key] = value
    if row.usage_count is not None:
        attrs["usagecount"] = str(row.usage_count)
    attrs.update(extra.get("tu_attrs") or {})
    meta = list(_meta_list(extra.get("tu_meta")))
    if row.context_before is not None:
        meta.append(Meta(kind="prop", type=CONTEXT_PRE, text=row.context_before))
    if row.context_after is not None:
        meta.append(Meta(kind="prop", type=CONTEXT_POST, text=row.context_after))
    src, tgt = extra.get("src") or {}, extra.get("tgt") or {}
    variants = [
        Variant(lang=row.src_lang, raw_lang=src.get("lang", row.src_lang), text=row.source,
                markup=row.source_markup, attrs=dict(src.get("attrs") or {}),
                meta=_meta_list(src.get("meta"))),
        Variant(lang=row.tgt_lang, raw_lang=tgt.get("lang", row.tgt_lang), text=row.target,
                markup=row.target_markup, attrs=dict(tgt.get("attrs") or {}),
                meta=_meta_list(tgt.get("meta"))),
    ]
    variants.extend(Variant.from_json(v, _lang_of(v["lang"])) for v in extra.get("others", ()))
    return TmxUnit(variants=tuple(variants), attrs=attrs, meta=tuple(meta))


def _lang_of(raw: str) -> str:
    from tm.errors import ValidationError
    from tm.lang import normalize_lang

    try:
        return normalize_lang(raw)
    except ValidationError:
        return raw


def _usable(unit: TmxUnit) -> bool:
    """Never export an empty or whitespace-only segment (OmegaT would apply it)."""
    return all(v.text.strip() for v in unit.variants[:2])


def export_memory(session: Session, out: str | Path | IO[bytes], *, memory: str,
                  since: dt.datetime | None = None) -> TmxExportReport:
    """Write every unit of ``memory`` (changed since ``since``) to ``out``."""
    target = get_memory(session, memory)
    stmt = select(MemoryUnit).where(MemoryUnit.memory_id == target.id).order_by(MemoryUnit.id)
    if since is not None:
        stmt = stmt.where((MemoryUnit.changed_at >= since) | (MemoryUnit.imported_at >= since))
    report = TmxExportReport(file=str(out))
    header = TmxHeader.from_json(target.header)
    with TmxWriter(out, srclang=target.src_lang, header=header) as writer:
        for row in session.execute(stmt.execution_options(yield_per=FETCH_ROWS)).scalars():
            unit = memory_unit_to_tmx(row)
            if _usable(unit):
                writer.write(unit)
                report.units += 1
            else:
                report.skipped_empty += 1
            session.expunge(row)
    return report


def document_units(session: Session, document_id: int, *, track: str | None = None,
                   status: Status | None = None,
                   include_boilerplate: bool = False) -> Iterator[TmxUnit]:
    """Yield a document's translations as TMX units with document, track and context props."""
    document = get_document(session, document_id)
    segments = list(session.scalars(select(Segment).where(Segment.document_id == document_id)
                                    .order_by(Segment.position)))
    stmt = (select(Translation, Track.name).join(Track, Track.id == Translation.track_id)
            .join(Segment, Segment.id == Translation.segment_id)
            .where(Segment.document_id == document_id).order_by(Segment.position, Track.name))
    if track is not None:
        stmt = stmt.where(Track.name == track)
    if status is not None:
        stmt = stmt.where(Translation.status == status)
    by_position = {s.position: i for i, s in enumerate(segments)}
    for translation, track_name in session.execute(stmt):
        first = by_position[translation.segment.position]
        covered = segments[first:first + translation.segment_count]
        if not include_boilerplate and any(s.kind is SegmentKind.BOILERPLATE for s in covered):
            continue
        source = " ".join(s.text for s in covered)
        before = segments[first - 1].text if first > 0 else None
        after_index = first + translation.segment_count
        after = segments[after_index].text if after_index < len(segments) else None
        meta = [Meta(kind="prop", type="x-document", text=document.title),
                Meta(kind="prop", type="x-document-id", text=str(document.id)),
                Meta(kind="prop", type="x-track", text=track_name),
                Meta(kind="prop", type="x-origin", text=translation.origin.value),
                Meta(kind="prop", type="x-status", text=translation.status.value)]
        if before is not None:
            meta.append(Meta(kind="prop", type=CONTEXT_PRE, text=before))
        if after is not None:
            meta.append(Meta(kind="prop", type=CONTEXT_POST, text=after))
        if translation.note:
            meta.append(Meta(kind="note", text=translation.note))
        attrs = {"tuid": f"sverka-{document.id}-{translation.id}",
                 "creationdate": format_tmx_date(translation.created_at),
                 "changedate": format_tmx_date(translation.updated_at)}
        if translation.author:
            attrs["changeid"] = translation.author
        yield TmxUnit(variants=(Variant(lang=document.src_lang, raw_lang=document.src_lang,
                                        text=source),
                                Variant(lang=translation.lang, raw_lang=translation.lang,
                                        text=translation.text)),
                      attrs=attrs, meta=tuple(meta))


def export_document(session: Session, out: str | Path | IO[bytes], *, document_id: int,
                    track: str | None = None, status: Status | None = None,
                    include_boilerplate: bool = False) -> TmxExportReport:
    """Write a document's translations to ``out`` as TMX."""
    document = get_document(session, document_id)
    report = TmxExportReport(file=str(out))
    with TmxWriter(out, srclang=document.src_lang) as writer:
        for unit in document_units(session, document_id, track=track, status=status,
                                   include_boilerplate=include_boilerplate):
            if _usable(unit):
                writer.write(unit)
                report.units += 1
            else:
                report.skipped_empty += 1
    return report
