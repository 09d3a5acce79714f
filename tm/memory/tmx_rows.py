"""From TMX units to memory_unit rows: which variants make the pair, what is skipped and why.

Everything here works on plain values (no session), so it runs in the importing process or in
a separate parsing process alike (:mod:`tm.memory.tmx_parse`).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tm.errors import ValidationError
from tm.formats.tmx import TmxReader, TmxUnit, TmxWriter, Variant
from tm.formats.tmx.reader import NO_SEG_ATTR
from tm.formats.tmx.units import Meta
from tm.lang import normalize_lang
from tm.memory.bulk import COLUMNS, RowFormat
from tm.messages import Message
from tm.search.index import key_blob

CONTEXT_PRE, CONTEXT_POST = "x-context-pre", "x-context-post"
# A unit whose source is a document's boilerplate (a rubric, a "subscribe" line) says so in
# this prop: the text that repeats most across a desk's articles, matched like any other.
KIND_PROP, BOILERPLATE = "x-kind", "boilerplate"
# tu attributes that have columns of their own; the rest stay in ``extra``.
DATE_COLUMNS = {"creationdate": "created_at", "changedate": "changed_at",
                "lastusagedate": "last_used_at"}
TEXT_COLUMNS = {"tuid": "tuid", "creationid": "created_by", "changeid": "changed_by"}
_COLUMN_ATTRS = frozenset({*TEXT_COLUMNS, *DATE_COLUMNS, "usagecount"})
_SOURCE = COLUMNS.index("source")
# Language pairs whose plain extra is remembered; a file has a handful.
_PLAIN_EXTRA_CACHE = 256


def source_key(text: str) -> str:
    """Return the lookup key of a source text (exact text, as CAT tools compare it)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def pick_variant(variants: tuple[Variant, ...], lang: str,
                 exclude: Variant | None = None) -> Variant | None:
    """Return the variant in ``lang``: the exact tag first, else the same language."""
    primary = lang.split("-", 1)[0].lower()
    fallback = None
    for variant in variants:
        if variant is exclude:
            continue
        if variant.lang == lang:
            return variant
        if fallback is None and variant.lang.split("-", 1)[0].lower() == primary:
            fallback = variant
    return fallback


# Why a unit is skipped: (no <seg>, empty, inline codes only) for its source, its target.
_SOURCE_SKIPS = (Message("skip-source-no-seg", "source has no <seg>"),
                 Message("skip-source-empty", "empty source"),
                 Message("skip-source-codes-only", "empty source (inline codes only)"))
_TARGET_SKIPS = (Message("skip-target-no-seg", "target has no <seg>"),
                 Message("skip-target-empty", "empty target"),
                 Message("skip-target-codes-only", "empty target (inline codes only)"))


def skip_reason(source: Variant | None, target: Variant | None, src: str,
                tgt: str) -> Message | None:
    """Return why a unit with these variants cannot be stored, None when it can."""
    if source is None:
        return Message("skip-no-variant", "no {lang} variant", lang=src)
    if target is None:
        return Message("skip-no-variant", "no {lang} variant", lang=tgt)
    for variant, (no_seg, empty, codes_only) in ((source, _SOURCE_SKIPS),
                                                 (target, _TARGET_SKIPS)):
        if NO_SEG_ATTR in variant.attrs:
            return no_seg
        if not variant.text.strip():
            return codes_only if variant.markup else empty
    return None


@dataclass(frozen=True)
class RowPlan:
    """What turns a file's units into rows: the memory, its languages, the import's time and
    the engine's value format. Plain data, handed to a parsing process as it is."""

    memory_id: int
    src_lang: str
    tgt_lang: str
    now: dt.datetime
    format: RowFormat


@dataclass
class ParseOutcome:
    """What reading the file found besides the rows: counts, skips, and what was decided."""

    read: int = 0
    rows: int = 0
    skipped: Counter[Message] = field(default_factory=Counter)
    encoding: str | None = None
    version: str | None = None
    header: dict[str, Any] | None = None  # TmxHeader.as_json()
    languages: dict[str, str] = field(default_factory=dict)
    warnings: list[Message] = field(default_factory=list)

    def take_reader(self, reader: TmxReader) -> None:
        """Copy what the reader decided about the file."""
        self.read = reader.tu_count
        self.encoding, self.version = reader.encoding, reader.version
        self.header = reader.header.as_json() if reader.header is not None else None
        self.languages = dict(reader.languages)
        self.warnings = list(reader.warnings)


class RowBuilder:
    """Turn chosen units into memory_unit rows (tuples in ``bulk.COLUMNS`` order).

    Everything that repeats is prepared once: language tags, the import time, and the
    ``extra`` JSON of units that carry nothing but their two languages (most of them).
    """

    def __init__(self, plan: RowPlan) -> None:
        self._format = plan.format
        self._null = plan.format.null
        self._memory_id = plan.memory_id
        self._now = plan.format.moment(plan.now)
        self._tags: dict[str, str] = {}
        self._plain_extra: dict[tuple[str, str], Any] = {}

    def row(self, unit: TmxUnit, source: Variant, target: Variant) -> tuple[Any, ...]:
        """Return the ``memory_unit`` row for ``unit`` with ``source`` and ``target`` chosen."""
        attrs = unit.attrs
        date = self._format.tmx_date
        created, changed = date(attrs.get("creationdate")), date(attrs.get("changedate"))
        used = date(attrs.get("lastusagedate"))
        usage = attrs.get("usagecount", "")
        usage_count = int(usage) if usage.isdigit() else None
        rest: dict[str, str] = {}
        unread = ((created is None and "creationdate" in attrs)
                  or (changed is None and "changedate" in attrs)
                  or (used is None and "lastusagedate" in attrs)
                  or (usage_count is None and "usagecount" in attrs))
        if unread or not attrs.keys() <= _COLUMN_ATTRS:
            rest = {k: v for k, v in attrs.items() if k not in TEXT_COLUMNS}
            for attr, value in (("creationdate", created), ("changedate", changed),
                                ("lastusagedate", used), ("usagecount", usage_count)):
                if value is not None:
                    del rest[attr]
        before = after = None
        meta: list[Meta] = []
        if unit.meta:
            before, after, meta = _split_context(unit.meta)
        text, translation = source.text.strip(), target.text.strip()
        src_tag, tgt_tag = self._tag(source.lang), self._tag(target.lang)
        null = self._null
        if (rest or meta or len(unit.variants) > 2 or source.attrs or source.meta
                or target.attrs or target.meta):
            extra = self._format.json(_extra(unit, source, target, rest, meta))
        elif source.raw_lang == src_tag and target.raw_lang == tgt_tag:
            extra = null  # nothing beyond the columns: most units
        else:  # only the languages as the file wrote them
            extra = self._plain(source.raw_lang, target.raw_lang)
        # Absent values as the engine's rows carry NULL (bulk.RowFormat.null).
        tuid, creation_id, change_id = (attrs.get("tuid", null), attrs.get("creationid", null),
                                        attrs.get("changeid", null))
        return (self._memory_id, tuid, src_tag, tgt_tag, text,
                translation, null if source.markup is None else source.markup,
                null if target.markup is None else target.markup, source_key(text),
                null if before is None else before, null if after is None else after,
                null if created is None else created, creation_id,
                null if changed is None else changed, change_id,
                null if usage_count is None else usage_count, null if used is None else used,
                extra, self._now)

    def _tag(self, lang: str) -> str:
        tag = self._tags.get(lang)
        if tag is None:
            tag = self._tags[lang] = normalized_tag(lang)
        return tag

    def _plain(self, src: str, tgt: str) -> Any:
        extra = self._plain_extra.get((src, tgt))
        if extra is None:
            extra = self._format.json({"src": {"lang": src}, "tgt": {"lang": tgt}})
            if len(self._plain_extra) < _PLAIN_EXTRA_CACHE:
                self._plain_extra[src, tgt] = extra
        return extra


def unit_rows(reader: TmxReader, plan: RowPlan, outcome: ParseOutcome,
              rejects: Rejects) -> Iterator[tuple[Any, ...]]:
    """Yield the row of every storable unit of ``reader``; count and reject the others.

    ``outcome`` is complete once the generator is exhausted.
    """
    builder = RowBuilder(plan)
    src, tgt = plan.src_lang, plan.tgt_lang
    for unit in reader.units():
        source = pick_variant(unit.variants, src)
        target = pick_variant(unit.variants, tgt, exclude=source)
        reason = skip_reason(source, target, src, tgt)
        if reason is not None:
            outcome.skipped[reason] += 1
            rejects.add(unit, reason)
            continue
        assert source is not None and target is not None
        outcome.rows += 1
        yield builder.row(unit, source, target)
    outcome.take_reader(reader)


def batch_keys(rows: list[tuple[Any, ...]]) -> list[bytes]:
    """Return the search keys (``tm.search.index.key_blob``) of the rows' sources."""
    return [key_blob(row[_SOURCE]) for row in rows]


def _variant_extra(variant: Variant) -> dict[str, Any]:
    data = variant.as_json()
    del data["text"]
    data.pop("markup", None)
    return data


def _split_context(meta: tuple[Meta, ...]) -> tuple[str | None, str | None, list[Meta]]:
    before = after = None
    rest = []
    for m in meta:
        if m.kind == "prop" and m.type == CONTEXT_PRE and before is None:
            before = m.text
        elif m.kind == "prop" and m.type == CONTEXT_POST and after is None:
            after = m.text
        else:
            rest.append(m)
    return before, after, rest


def _extra(unit: TmxUnit, source: Variant, target: Variant, attrs: dict[str, str],
           meta: list[Meta]) -> dict[str, Any]:
    extra: dict[str, Any] = {"src": _variant_extra(source), "tgt": _variant_extra(target)}
    if attrs:
        extra["tu_attrs"] = attrs
    if meta:
        extra["tu_meta"] = [m.as_json() for m in meta]
    others = [v.as_json() for v in unit.variants if v is not source and v is not target]
    if others:
        extra["others"] = others
    return extra


def normalized_tag(lang: str) -> str:
    """Return ``lang`` as a normalized BCP 47 tag, or as it is when it is not one."""
    try:
        return normalize_lang(lang)
    except ValidationError:
        return lang


class Rejects:
    """Skipped units written to a TMX file, each with a note saying why.

    The units go to ``PATH.partial``; :meth:`close` ends that file (the parsing side),
    :meth:`publish` renames it to ``PATH`` or deletes it (the importing side, once the
    import's fate is known).
    """

    def __init__(self, path: Path | None, srclang: str) -> None:
        self.path, self.count = path, 0
        self.partial = path.with_name(path.name + ".partial") if path else None
        self._writer: TmxWriter | None = None
        self._srclang = srclang
        self._closed = False

    def add(self, unit: TmxUnit, reason: Message) -> None:
        """Write ``unit`` with a note giving ``reason`` (in English: the file's readers are
        other tools, and their users)."""
        if self.partial is None:
            return
        if self._writer is None:
            self._writer = TmxWriter(self.partial, srclang=self._srclang).__enter__()
        note = Meta(kind="note", text=f"skipped by Sverka: {reason!s}")
        self._writer.write(TmxUnit(variants=unit.variants, attrs=unit.attrs,
                                   meta=(*unit.meta, note)))
        self.count += 1

    def close(self, ok: bool = True) -> None:
        """End the partial file (an empty TMX when nothing was rejected and all went well)."""
        if self.partial is None or self._closed:
            return
        self._closed = True
        if self._writer is None and ok:
            self._writer = TmxWriter(self.partial, srclang=self._srclang).__enter__()
        if self._writer is not None:
            self._writer.__exit__(None if ok else RuntimeError, None, None)
            self._writer = None

    def publish(self, ok: bool) -> None:
        """Move the finished file into place when the import went through, else delete it."""
        if self.partial is None or self.path is None:
            return
        if ok and self.partial.exists():
            os.replace(self.partial, self.path)
        elif self.partial.exists():
            self.partial.unlink()
