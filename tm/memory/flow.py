"""Approved document translations flow into their memory; withdrawn ones flow out.

A unit made from a translation keeps its link (``translation_id``), its document, its
neighbouring source sentences as context, and the translation's author (the name, and the
user's id when a user wrote it) and dates; it is indexed for lookup as it is written (a
withdrawn unit's index row goes with it).

This module is the one place where units made from translations are written; TMX imports
write theirs in bulk (:mod:`tm.memory.bulk`, :mod:`tm.memory.duplicates`). Callers are
``tm.translations`` (every change of a translation) and ``tm.source_edits`` (a change of
the source it covers); neither touches ``memory_unit`` itself.
"""
from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from tm.formats.tmx.units import Meta
from tm.memory.memories import DEFAULT_MEMORY, get_or_create_memory
from tm.memory.tmx_rows import BOILERPLATE, KIND_PROP, source_key
from tm.models import Memory, MemoryUnit, Segment, SegmentKind, Status, Translation
from tm.search.index import index_units

# What a boilerplate unit keeps beside its pair: the prop its TMX export carries.
_BOILERPLATE_EXTRA = {"tu_meta": [Meta(kind="prop", type=KIND_PROP, text=BOILERPLATE).as_json()]}


def memory_for(session: Session, translation: Translation) -> Memory:
    """Return the memory a translation's document feeds (the default memory if none is set)."""
    document = translation.segment.document
    if document.memory_id is not None:
        memory = session.get(Memory, document.memory_id)
        if memory is not None:
            return memory
    return get_or_create_memory(session, DEFAULT_MEMORY, src_lang=document.src_lang,
                                tgt_lang=document.tgt_lang)


def _covered(session: Session, translation: Translation) -> tuple[list[Segment], str | None,
                                                                  str | None]:
    """Return the source segments a translation covers and the sentences around them."""
    first = translation.segment
    window = list(session.scalars(
        select(Segment).where(Segment.document_id == first.document_id,
                              Segment.position >= first.position - 1,
                              Segment.position <= first.position + translation.segment_count)
        .order_by(Segment.position)))
    covered = [s for s in window
               if first.position <= s.position < first.position + translation.segment_count]
    before = next((s.text for s in window if s.position == first.position - 1), None)
    after = next((s.text for s in window
                  if s.position == first.position + translation.segment_count), None)
    return covered, before, after


def sync_translation(session: Session, translation: Translation) -> MemoryUnit | None:
    """Put an approved translation into its memory, or take a no longer approved one out.

    Boilerplate goes in too, marked (:data:`KIND_PROP`): it is what repeats most.
    """
    existing = session.scalar(select(MemoryUnit).where(
        MemoryUnit.translation_id == translation.id))
    covered, before, after = _covered(session, translation)
    if translation.status is not Status.APPROVED:
        if existing is not None:
            session.execute(delete(MemoryUnit).where(MemoryUnit.id == existing.id))
        return None
    memory = memory_for(session, translation)
    source = " ".join(s.text for s in covered)
    unit = existing or MemoryUnit(memory_id=memory.id, translation_id=translation.id,
                                  created_at=translation.created_at,
                                  created_by=translation.author)
    unit.memory_id = memory.id
    unit.document_id = translation.segment.document_id
    unit.src_lang, unit.tgt_lang = translation.segment.document.src_lang, translation.lang
    unit.source, unit.target = source, translation.text
    unit.source_key = source_key(source)
    unit.context_before, unit.context_after = before, after
    boilerplate = any(s.kind is SegmentKind.BOILERPLATE for s in covered)
    unit.extra = dict(_BOILERPLATE_EXTRA) if boilerplate else None
    unit.changed_at, unit.changed_by = translation.updated_at, translation.author
    unit.author_id = translation.author_id  # the user whose approval wrote it, if one did
    unit.tuid = f"sverka-{translation.segment.document_id}-{translation.id}"
    if existing is None:
        session.add(unit)
    session.flush()
    index_units(session, unit_ids=[unit.id])  # findable at once
    return unit


def forget_translations(session: Session, translation_ids: Collection[int]) -> None:
    """Take the units of translations about to be deleted out of their memories."""
    if translation_ids:
        session.execute(delete(MemoryUnit).where(
            MemoryUnit.translation_id.in_(list(translation_ids))))


def keep_as_approved(session: Session, translation: Translation, *, tuid_suffix: str) -> None:
    """Leave ``translation``'s unit in its memory as the pair that was approved.

    Its source is about to change: the unit keeps the old pair, is no longer tied to the
    translation, and gets a tuid of its own (``tuid_suffix`` appended), so approving the
    translation again adds the new pair beside it instead of replacing it.
    """
    session.execute(update(MemoryUnit).where(MemoryUnit.translation_id == translation.id)
                    .values(translation_id=None, tuid=MemoryUnit.tuid + tuid_suffix))
