"""Resolve duplicate units after an import, with set-based SQL on the new rows only.

Policies (``--on-duplicate``):

- ``keep-newest``: units with the same source text are duplicates; the one changed last
  (by changedate, else creationdate) stays; on a tie, the one stored first stays.
- ``keep-all``: alternative translations of a source all stay; only exact duplicates
  (same source and target, inline codes included) are merged, keeping the newest.
- ``skip``: a new unit whose source is already in the memory, or earlier in the file,
  is not imported.
"""
from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import and_, delete, exists, func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from tm.errors import ValidationError
from tm.models import MemoryUnit, UTCDateTime


class DuplicatePolicy(enum.StrEnum):
    """What an import does with a unit whose source is already there (see above)."""

    KEEP_NEWEST = "keep-newest"
    KEEP_ALL = "keep-all"
    SKIP = "skip"


# Undated units sort before every dated one.
_EPOCH = dt.datetime(1, 1, 1, tzinfo=dt.UTC)


def duplicate_policy(name: str) -> DuplicatePolicy:
    """Return the policy called ``name`` (as in ``--on-duplicate``) or raise ValidationError."""
    try:
        return DuplicatePolicy(name)
    except ValueError:
        raise ValidationError("duplicate-policy-unknown", "unknown duplicate policy {name!r}: "
                              "use one of {choices}", name=name,
                              choices=", ".join(DuplicatePolicy)) from None


def resolve_duplicates(session: Session, memory_id: int, last_id: int, *,
                       policy: DuplicatePolicy) -> tuple[int, int]:
    """Delete the duplicates ``policy`` rejects where units newer than ``last_id`` are involved.

    Return (new units dropped, older units replaced by newer ones).
    """
    unit, other = MemoryUnit.__table__.alias("u"), aliased(MemoryUnit, name="v")
    same = and_(other.memory_id == unit.c.memory_id, other.source_key == unit.c.source_key,
                other.id != unit.c.id)
    if policy is DuplicatePolicy.SKIP:
        condition = and_(unit.c.id > last_id, exists().where(same, other.id < unit.c.id))
    else:
        def stamp(changed: Any, created: Any) -> Any:
            return func.coalesce(changed, created, literal(_EPOCH, UTCDateTime()))

        mine = stamp(unit.c.changed_at, unit.c.created_at)
        theirs = stamp(other.changed_at, other.created_at)
        # On a tie the unit stored first stays, so importing a file twice changes nothing.
        newer = or_(theirs > mine, and_(theirs == mine, other.id < unit.c.id))
        identical = and_(
            other.target == unit.c.target,
            func.coalesce(other.source_markup, "") == func.coalesce(unit.c.source_markup, ""),
            func.coalesce(other.target_markup, "") == func.coalesce(unit.c.target_markup, ""))
        match = (and_(same, newer) if policy is DuplicatePolicy.KEEP_NEWEST
                 else and_(same, newer, identical))
        older = session.scalar(select(MemoryUnit.id).where(
            MemoryUnit.memory_id == memory_id, MemoryUnit.id <= last_id).limit(1))
        if older is None:  # the memory was empty: every unit is new, nothing to narrow
            condition = exists().where(match)
        else:
            touched = select(MemoryUnit.source_key).where(
                MemoryUnit.memory_id == memory_id, MemoryUnit.id > last_id)
            condition = and_(unit.c.source_key.in_(touched), exists().where(match))
    doomed = select(unit.c.id).where(unit.c.memory_id == memory_id, condition)
    new = select(func.count()).where(MemoryUnit.memory_id == memory_id, MemoryUnit.id > last_id)
    new_before = session.scalar(new) or 0
    result = session.execute(delete(MemoryUnit).where(MemoryUnit.id.in_(doomed)),
                             execution_options={"synchronize_session": False})
    dropped = new_before - (session.scalar(new) or 0)
    return dropped, int(getattr(result, "rowcount", 0) or 0) - dropped
