"""A memory's units one by one: browse them by page, see where each came from, fix or delete.

Units are listed newest first, filtered by where they came from (a document's approved
translation, or a TMX import), by document and by date; a search goes through the
concordance (every form of a Russian word). An edit re-indexes the unit at once; a unit
made from a translation is written again from it when that translation is next approved
or withdrawn (the document stays the source of truth).
"""
from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from tm.accounts.authorship import Author, author_fields
from tm.errors import NotFoundError, ValidationError
from tm.memory.memories import get_memory
from tm.memory.tmx_rows import source_key
from tm.models import Document, Memory, MemoryUnit, utcnow
from tm.paging import checked_page, page_count, within

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
TEXT_MAX = 10_000


class UnitOrigin(enum.StrEnum):
    """Where a unit came from."""

    TRANSLATION = "translation"  # a document's approved translation flowed in
    IMPORT = "import"  # a TMX file


@dataclass(frozen=True, slots=True)
class UnitFilter:
    """Which of a memory's units a page shows (None: no condition)."""

    origin: UnitOrigin | None = None
    document_id: int | None = None
    since: dt.datetime | None = None  # changed (or imported) at or after


@dataclass(frozen=True, slots=True)
class UnitPage:
    """One page of a memory's units, and how many there are."""

    memory: Memory
    units: list[MemoryUnit]
    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        """How many pages there are (at least one)."""
        return page_count(self.total, self.size)


def unit_dict(unit: MemoryUnit, titles: dict[int, str] | None = None) -> dict[str, object]:
    """A unit and its provenance, JSON-ready."""
    return {"id": unit.id, "memory": unit.memory.name, "source": unit.source,
            "target": unit.target, "tuid": unit.tuid,
            "origin": (UnitOrigin.TRANSLATION if unit.translation_id is not None
                       or unit.document_id is not None else UnitOrigin.IMPORT).value,
            "document_id": unit.document_id,
            "document": (titles or {}).get(unit.document_id) if unit.document_id else None,
            "translation_id": unit.translation_id,
            "created_at": unit.created_at.isoformat() if unit.created_at else None,
            "created_by": unit.created_by,
            "changed_at": unit.changed_at.isoformat() if unit.changed_at else None,
            "changed_by": unit.changed_by,
            "imported_at": unit.imported_at.isoformat(),
            "context_before": unit.context_before, "context_after": unit.context_after}


def document_titles(session: Session, units: Sequence[MemoryUnit]) -> dict[int, str]:
    """The titles of the documents the units came from."""
    ids = {u.document_id for u in units if u.document_id is not None}
    return dict(session.execute(select(Document.id, Document.title)
                                .where(Document.id.in_(ids))).all()) if ids else {}


def list_units(session: Session, memory: str, filters: UnitFilter | None = None, *,
               number: int = 1, size: int = PAGE_SIZE) -> UnitPage:
    """Page ``number`` of ``memory``'s units that ``filters`` admits, the newest first."""
    checked_page(number, size, max_size=MAX_PAGE_SIZE, what="units")
    target = get_memory(session, memory)
    filters = filters or UnitFilter()
    stmt = select(MemoryUnit).where(MemoryUnit.memory_id == target.id)
    if filters.origin is UnitOrigin.TRANSLATION:
        stmt = stmt.where(MemoryUnit.document_id.is_not(None))
    elif filters.origin is UnitOrigin.IMPORT:
        stmt = stmt.where(MemoryUnit.document_id.is_(None))
    if filters.document_id is not None:
        stmt = stmt.where(MemoryUnit.document_id == filters.document_id)
    if filters.since is not None:
        stmt = stmt.where(func.coalesce(MemoryUnit.changed_at, MemoryUnit.imported_at)
                          >= filters.since)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    number = within(number, total, size)
    units = list(session.scalars(stmt.order_by(MemoryUnit.id.desc())
                                 .limit(size).offset((number - 1) * size)))
    return UnitPage(memory=target, units=units, number=number, size=size, total=total)


def get_unit(session: Session, memory: str, unit_id: int) -> MemoryUnit:
    """Return unit ``unit_id`` of ``memory``, or raise NotFoundError."""
    target = get_memory(session, memory)
    unit = session.get(MemoryUnit, unit_id)
    if unit is None or unit.memory_id != target.id:
        raise NotFoundError("memory-unit-missing", "memory {memory!r} has no unit {id}",
                            memory=memory, id=unit_id)
    return unit


def units_in_order(session: Session, unit_ids: Sequence[int]) -> list[MemoryUnit]:
    """The units with ``unit_ids`` (a search's page of hits), in that order, in one query."""
    found = {u.id: u for u in session.scalars(
        select(MemoryUnit).where(MemoryUnit.id.in_(list(unit_ids))))}
    return [found[i] for i in unit_ids if i in found]


def _clean(text: str, side: str) -> str:
    """``text`` stripped, or a ValidationError for an empty or too long ``side`` (source,
    target)."""
    cleaned = text.strip()
    if not cleaned and side == "source":
        raise ValidationError("unit-source-empty", "the source cannot be empty")
    if not cleaned:
        raise ValidationError("unit-target-empty", "the target cannot be empty")
    if len(cleaned) > TEXT_MAX and side == "source":
        raise ValidationError("unit-source-too-long", "the source has at most {max:,} characters",
                              max=TEXT_MAX)
    if len(cleaned) > TEXT_MAX:
        raise ValidationError("unit-target-too-long", "the target has at most {max:,} characters",
                              max=TEXT_MAX)
    return cleaned


def edit_unit(session: Session, unit: MemoryUnit, *, author: Author,
              source: str | None = None, target: str | None = None) -> MemoryUnit:
    """Change a unit's source and/or target; it is found by its new text at once."""
    from tm.search.index import index_units

    new_source = unit.source if source is None else _clean(source, "source")
    new_target = unit.target if target is None else _clean(target, "target")
    if (new_source, new_target) == (unit.source, unit.target):
        return unit
    if new_source != unit.source:
        unit.source, unit.source_markup = new_source, None
        unit.source_key = source_key(new_source)
    if new_target != unit.target:
        unit.target, unit.target_markup = new_target, None
    fields = author_fields(author)
    unit.changed_at, unit.changed_by = utcnow(), fields["author"]
    session.flush()
    index_units(session, unit_ids=[unit.id])
    return unit


def delete_units(session: Session, memory: str, unit_ids: Sequence[int]) -> int:
    """Delete units of ``memory`` (their index rows go with them); return how many."""
    target = get_memory(session, memory)
    ids = sorted(set(unit_ids))
    deleted = 0
    for at in range(0, len(ids), 1000):
        result = session.execute(delete(MemoryUnit).where(
            MemoryUnit.memory_id == target.id, MemoryUnit.id.in_(ids[at:at + 1000])))
        deleted += int(getattr(result, "rowcount", 0) or 0)
    return deleted
