"""Export a memory or a document's translations as TMX 1.4, streaming."""
from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, NamedTuple

from sqlalchemy import bindparam, func, select, text
from sqlalchemy.orm import Session

from tm.documents import get_document
from tm.formats.tmx import Meta, TmxHeader, TmxUnit, TmxWriter, Variant, format_tmx_date
from tm.formats.tmx.writer import escape_attr, escape_text, pair_xml
from tm.memory.bulk import driver_kind, sqlite_datetime
from tm.memory.memories import get_memory
from tm.memory.tmx_rows import BOILERPLATE, CONTEXT_POST, CONTEXT_PRE, KIND_PROP
from tm.models import (
    MemoryUnit,
    Segment,
    SegmentKind,
    Status,
    Track,
    Translation,
    UTCDateTime,
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


# Distinct stored dates and extras remembered while exporting: units imported together
# share them, and bound caches keep memory flat on memories whose units do not.
DATE_CACHE_SIZE = 1 << 14
EXTRA_CACHE_SIZE = 1 << 10
# Reading the whole memory_unit table in id order beats sorting a memory's rows once the
# memory holds at least 1/SCAN_SHARE of the table (a skipped row costs a fraction of a sort).
SCAN_SHARE = 4
# A stored extra longer than this is parsed every time, not remembered.
EXTRA_CACHE_MAX_CHARS = 200
_TMX_DATE = re.compile(r"^\d{8}T\d{6}Z$")
# What PostgreSQL selects for the columns it formats: TMX dates, extra as text.
_TMX_DATE_SQL = "to_char({0} AT TIME ZONE 'UTC', 'YYYYMMDD\"T\"HH24MISS\"Z\"')"
_POSTGRES_SELECT = {**{c: _TMX_DATE_SQL.format(c) for c in ("created_at", "changed_at",
                                                            "last_used_at")},
                    "extra": "extra::text"}
_SQLITE_STORED = re.compile(r"^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d+)?$")


def _meta_list(data: list[dict[str, Any]] | None) -> tuple[Meta, ...]:
    return tuple(Meta.from_json(m) for m in data or ())


@lru_cache(maxsize=DATE_CACHE_SIZE)
def _tmx_date(value: dt.datetime | str) -> str:
    """Return a stored date (a datetime, SQLite's text in UTC, or a TMX date that
    PostgreSQL formatted) as a TMX date."""
    if isinstance(value, str):
        if _TMX_DATE.match(value):
            return value
        match = _SQLITE_STORED.match(value)
        if match:
            return "{}{}{}T{}{}{}Z".format(*match.groups())
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:  # stored without a zone: UTC, as UTCDateTime writes it
        value = value.replace(tzinfo=dt.UTC)
    return format_tmx_date(value)


@lru_cache(maxsize=EXTRA_CACHE_SIZE)
def _cached_extra(text: str) -> tuple[dict[str, Any], bool]:
    data = json.loads(text) or {}  # JSON null when the ORM stored None
    return data, _plain(data)


def _extra(value: Any) -> tuple[dict[str, Any], bool]:
    """Return a stored extra as a dict, and whether it holds nothing but the two languages."""
    if value is None:
        return {}, True
    if isinstance(value, str):
        if len(value) <= EXTRA_CACHE_MAX_CHARS:
            return _cached_extra(value)
        value = json.loads(value) or {}
    return value, _plain(value)


def _plain(extra: dict[str, Any]) -> bool:
    return (extra.keys() <= {"src", "tgt"}
            and all((extra.get(side) or {}).keys() <= {"lang"} for side in ("src", "tgt")))


def _tu_attrs(row: Any) -> dict[str, str]:
    attrs: dict[str, str] = {}
    if row.tuid:
        attrs["tuid"] = row.tuid
    for key, value in (("creationdate", row.created_at), ("changedate", row.changed_at),
                       ("lastusagedate", row.last_used_at)):
        if value is not None:
            attrs[key] = _tmx_date(value)
    for key, value in (("creationid", row.created_by), ("changeid", row.changed_by)):
        if value:
            attrs[key] = value
    if row.usage_count is not None:
        attrs["usagecount"] = str(row.usage_count)
    return attrs


def memory_unit_to_tmx(row: Any) -> TmxUnit:
    """Rebuild the TMX unit a memory row came from (or describes)."""
    extra, _ = _extra(row.extra)
    attrs = _tu_attrs(row)
    return _unit(row, extra, attrs)


def _unit(row: Any, extra: dict[str, Any], attrs: dict[str, str]) -> TmxUnit:
    attrs = {**attrs, **(extra.get("tu_attrs") or {})}
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


# The stage an export's progress names, and how many units between two reports.
STAGE_WRITE = "write-units"
PROGRESS_EVERY_UNITS = 5000


def export_memory(session: Session, out: str | Path | IO[bytes], *, memory: str,
                  since: dt.datetime | None = None,
                  progress: Callable[[str, int, int], None] | None = None) -> TmxExportReport:
    """Write every unit of ``memory`` (changed since ``since``) to ``out``.

    ``progress(STAGE_WRITE, done, total)`` is told how many of the memory's units are out.
    """
    target = get_memory(session, memory)
    report = TmxExportReport(file=str(out))
    header = TmxHeader.from_json(target.header)
    total = (session.scalar(select(func.count()).select_from(MemoryUnit).where(
        MemoryUnit.memory_id == target.id)) or 0) if progress is not None else 0
    rows = _stored_rows(session, target.id, since)
    try:  # a failed write closes the driver's cursor now, not when the rows are collected
        with TmxWriter(out, srclang=target.src_lang, header=header) as writer:
            for row in rows if progress is None else _reporting(rows, progress, total):
                if row[3].strip() and row[4].strip():  # source and target
                    _write_row(writer, row)
                    report.units += 1
                else:
                    report.skipped_empty += 1
    finally:
        rows.close()
    if progress is not None:
        progress(STAGE_WRITE, total, total)
    return report


def _reporting(rows: Iterator[tuple[Any, ...]], progress: Callable[[str, int, int], None],
               total: int) -> Iterator[tuple[Any, ...]]:
    """Yield ``rows``, telling ``progress`` every :data:`PROGRESS_EVERY_UNITS` of them."""
    for seen, row in enumerate(rows):
        if seen % PROGRESS_EVERY_UNITS == 0:
            progress(STAGE_WRITE, seen, total)
        yield row


class _Row(NamedTuple):
    """The memory_unit columns an export reads, as the driver returns them."""

    tuid: str | None
    src_lang: str
    tgt_lang: str
    source: str
    target: str
    source_markup: str | None
    target_markup: str | None
    context_before: str | None
    context_after: str | None
    created_at: Any  # a datetime, SQLite's text of one in UTC, or a TMX date (PostgreSQL)
    created_by: str | None
    changed_at: Any
    changed_by: str | None
    usage_count: int | None
    last_used_at: Any
    extra: Any  # a dict, or its JSON text


def _stored_rows(session: Session, memory_id: int,
                 since: dt.datetime | None) -> Generator[tuple[Any, ...], None, None]:
    """Yield the memory's rows in id order as the driver returns them, streaming.

    A plain driver cursor (a server-side one on PostgreSQL): SQLAlchemy's rows and result
    types would cost twice what reading the rows does.
    """
    connection = session.connection()
    kind = driver_kind(connection)
    driver = connection.connection.driver_connection
    columns = ", ".join(_Row._fields)
    # On SQLite "+memory_id" keeps the column from using its index (see _scan_in_id_order).
    scan = "+" if _scan_in_id_order(session, memory_id) else ""
    if kind == "sqlite" and driver is not None:
        sql = f"SELECT {columns} FROM memory_unit WHERE {scan}memory_id = ?"
        params: tuple[Any, ...] = (memory_id,)
        if since is not None:
            sql += " AND (changed_at >= ? OR imported_at >= ?)"
            params += (sqlite_datetime(since),) * 2
        cursor = driver.cursor()
        try:
            yield from cursor.execute(sql + " ORDER BY id", params)
        finally:
            cursor.close()
    elif kind == "psycopg" and driver is not None:
        # Streamed in chunks (libpq's chunked rows): the server goes on sending rows while
        # this process writes them, where a server-side cursor would wait for each FETCH.
        # Dates come as TMX text, made by the server; extra as text: most units share a
        # few short extras, which _extra() remembers parsed, where psycopg would parse
        # every row's JSON.
        selected = ", ".join(_POSTGRES_SELECT.get(c, c) for c in _Row._fields)
        sql = f"SELECT {selected} FROM memory_unit WHERE memory_id = %s"
        params = (memory_id,)
        if since is not None:
            sql += " AND (changed_at >= %s OR imported_at >= %s)"
            params += (since, since)
        with driver.cursor() as cursor:
            # Left early (a write failed), the stream cancels its query, which would abort
            # the caller's transaction: the savepoint keeps it usable.
            cursor.execute("SAVEPOINT sverka_export")
            try:
                yield from cursor.stream(sql + " ORDER BY id", params, size=FETCH_ROWS)
            except BaseException:
                cursor.execute("ROLLBACK TO SAVEPOINT sverka_export")
                raise
            cursor.execute("RELEASE SAVEPOINT sverka_export")
    else:
        sql = f"SELECT {columns} FROM memory_unit WHERE memory_id = :memory"
        values: dict[str, Any] = {"memory": memory_id}
        if since is not None:
            sql += " AND (changed_at >= :since OR imported_at >= :since)"
            values["since"] = since
        stmt = text(sql + " ORDER BY id")
        if since is not None:
            stmt = stmt.bindparams(bindparam("since", type_=UTCDateTime()))
        result = session.execute(stmt, values, execution_options={"stream_results": True})
        for batch in result.partitions(FETCH_ROWS):
            yield from (tuple(row) for row in batch)


def _scan_in_id_order(session: Session, memory_id: int) -> bool:
    """Whether SQLite should read the whole table in id order rather than the memory's rows.

    The (memory_id, source_key) index finds a memory's rows, but then they must be sorted by
    id: a third of an export's time at 100,000 units. Read in id order, the table streams
    unsorted; that pays off once the memory is a good part of the table.
    """
    if session.get_bind().dialect.name != "sqlite":
        return False
    mine = session.execute(text("SELECT count(*) FROM memory_unit WHERE memory_id = :m"),
                           {"m": memory_id}).scalar_one()
    every = session.execute(text("SELECT count(*) FROM memory_unit")).scalar_one()
    return bool(mine) and mine * SCAN_SHARE >= every


def _write_row(writer: TmxWriter, row: tuple[Any, ...]) -> None:
    (tuid, src_lang, tgt_lang, source, target, source_markup, target_markup, before, after,
     created_at, created_by, changed_at, changed_by, usage_count, last_used_at,
     stored_extra) = row
    extra, plain = _extra(stored_extra)
    if plain and before is None and after is None:
        # Most units: formatted straight from the row, as writer.write() would.
        attrs = f' tuid="{escape_attr(tuid)}"' if tuid else ""
        if created_at is not None:
            attrs += f' creationdate="{_tmx_date(created_at)}"'
        if changed_at is not None:
            attrs += f' changedate="{_tmx_date(changed_at)}"'
        if last_used_at is not None:
            attrs += f' lastusagedate="{_tmx_date(last_used_at)}"'
        if created_by:
            attrs += f' creationid="{escape_attr(created_by)}"'
        if changed_by:
            attrs += f' changeid="{escape_attr(changed_by)}"'
        if usage_count is not None:
            attrs += f' usagecount="{usage_count}"'
        writer.write_xml(pair_xml(
            attrs, _lang_xml(src_lang),
            source_markup if source_markup is not None else escape_text(source),
            _lang_xml(tgt_lang),
            target_markup if target_markup is not None else escape_text(target)))
    else:
        named = _Row._make(row)
        writer.write(_unit(named, extra, _tu_attrs(named)))


@lru_cache(maxsize=256)
def _lang_xml(lang: str) -> str:
    return escape_attr(lang)


def document_tmx_units(session: Session, document_id: int, *, track: str | None = None,
                       status: Status | None = None,
                       include_boilerplate: bool = True) -> Iterator[TmxUnit]:
    """Yield a document's translations as TMX units with document, track and context props
    (boilerplate too, with the prop ``x-kind`` ``boilerplate``, unless left out)."""
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
        boilerplate = any(s.kind is SegmentKind.BOILERPLATE for s in covered)
        if boilerplate and not include_boilerplate:
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
        if boilerplate:
            meta.append(Meta(kind="prop", type=KIND_PROP, text=BOILERPLATE))
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
                    include_boilerplate: bool = True) -> TmxExportReport:
    """Write a document's translations to ``out`` as TMX."""
    document = get_document(session, document_id)
    report = TmxExportReport(file=str(out))
    with TmxWriter(out, srclang=document.src_lang) as writer:
        for unit in document_tmx_units(session, document_id, track=track, status=status,
                                       include_boilerplate=include_boilerplate):
            if _usable(unit):
                writer.write(unit)
                report.units += 1
            else:
                report.skipped_empty += 1
    return report
