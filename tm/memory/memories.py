"""Named memories: create, find and list them."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tm.db import get_by_name
from tm.errors import ValidationError
from tm.lang import SOURCE_LANG, TARGET_LANG, language_pair
from tm.models import Memory, MemoryUnit

MEMORY_NAME_MAX = 200
# The memory approved document translations flow into unless a document names another.
DEFAULT_MEMORY = "main"


@dataclass(frozen=True, slots=True)
class MemorySummary:
    """A memory with its size, for lists."""

    id: int
    name: str
    src_lang: str
    tgt_lang: str
    units: int
    penalty: int

    def as_dict(self) -> dict[str, object]:
        """Return a JSON-ready dict."""
        return {"id": self.id, "name": self.name, "src_lang": self.src_lang,
                "tgt_lang": self.tgt_lang, "units": self.units, "penalty": self.penalty}


def get_memory(session: Session, name: str) -> Memory:
    """Return the memory called ``name`` or raise NotFoundError."""
    return get_by_name(session, Memory, name, what="memory")


def get_or_create_memory(session: Session, name: str, *, src_lang: str = SOURCE_LANG,
                         tgt_lang: str = TARGET_LANG) -> Memory:
    """Return the memory called ``name``, creating it for ``src_lang``→``tgt_lang``."""
    name = name.strip()
    if not name or len(name) > MEMORY_NAME_MAX:
        raise ValidationError("memory-name-invalid", "invalid memory name {name!r}: use 1–{max} "
                              "characters", name=name, max=MEMORY_NAME_MAX)
    memory = session.scalar(select(Memory).where(Memory.name == name))
    if memory is None:
        src_lang, tgt_lang = language_pair(src_lang, tgt_lang)
        memory = Memory(name=name, src_lang=src_lang, tgt_lang=tgt_lang)
        session.add(memory)
        session.flush()
    return memory


def list_memories(session: Session) -> list[MemorySummary]:
    """Return every memory with its number of units, by name."""
    counts = dict(session.execute(select(MemoryUnit.memory_id, func.count())
                                  .group_by(MemoryUnit.memory_id)).all())
    return [MemorySummary(id=m.id, name=m.name, src_lang=m.src_lang, tgt_lang=m.tgt_lang,
                          units=counts.get(m.id, 0), penalty=m.penalty)
            for m in session.scalars(select(Memory).order_by(Memory.name))]
