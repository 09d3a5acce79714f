"""Look things up in the memories for the editor: exact matches and a concordance.

Simple on purpose: exact matches by the source's hash, and a substring concordance. The
fuzzy search (``tm/search``) will rank better candidates; these stay as its fallback.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from tm.memory.tmx_import import source_key
from tm.models import Memory, MemoryUnit

# Enough for a side panel; more is noise a translator will not read.
EXACT_LIMIT = 5
CONCORDANCE_LIMIT = 30


@dataclass(frozen=True, slots=True)
class MemoryHit:
    """A memory unit found for a segment or a search."""

    unit_id: int
    memory: str
    source: str
    target: str
    changed_by: str | None
    translation_id: int | None

    def as_dict(self) -> dict[str, object]:
        """Return a JSON-ready dict."""
        return {"unit_id": self.unit_id, "memory": self.memory, "source": self.source,
                "target": self.target, "changed_by": self.changed_by,
                "translation_id": self.translation_id}


def _hits(session: Session, stmt) -> list[MemoryHit]:  # type: ignore[no-untyped-def]
    rows = session.execute(stmt.join(Memory, Memory.id == MemoryUnit.memory_id)
                           .add_columns(Memory.name))
    return [MemoryHit(unit_id=u.id, memory=name, source=u.source, target=u.target,
                      changed_by=u.changed_by or u.created_by, translation_id=u.translation_id)
            for u, name in rows]


def exact_matches(session: Session, source: str, *, limit: int = EXACT_LIMIT,
                  exclude_translation: int | None = None) -> list[MemoryHit]:
    """Return units whose source is exactly ``source``, newest first."""
    stmt = (select(MemoryUnit).where(MemoryUnit.source_key == source_key(source))
            .order_by(MemoryUnit.changed_at.desc().nulls_last(), MemoryUnit.id.desc())
            .limit(limit))
    if exclude_translation is not None:
        stmt = stmt.where(or_(MemoryUnit.translation_id.is_(None),
                              MemoryUnit.translation_id != exclude_translation))
    return [h for h in _hits(session, stmt) if h.source == source]  # a hash may collide


def _variants(query: str) -> set[str]:
    # SQLite folds ASCII case only, so Cyrillic case variants are searched explicitly.
    return {query, query.lower(), query.upper(), query.capitalize()}


def concordance(session: Session, query: str, *, limit: int = CONCORDANCE_LIMIT
                ) -> list[MemoryHit]:
    """Return units whose source or target contains ``query`` (case-insensitive, roughly)."""
    query = " ".join(query.split())
    if not query:
        return []
    conditions = [column.ilike(f"%{_escape(v)}%", escape="\\")
                  for v in _variants(query) for column in (MemoryUnit.source, MemoryUnit.target)]
    stmt = select(MemoryUnit).where(or_(*conditions)).order_by(MemoryUnit.id.desc()).limit(limit)
    return _hits(session, stmt)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
