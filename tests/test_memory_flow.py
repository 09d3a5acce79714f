"""Approved document translations flow into the memory, and out again when withdrawn."""
from __future__ import annotations

import io

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import import_seed
from tm.documents import document_rows
from tm.memory import export_memory, get_or_create_memory
from tm.models import MemoryUnit, SegmentKind, Status
from tm.translations import edit_translation


def _rows(session: Session):  # type: ignore[no-untyped-def]
    document = import_seed(session).document
    return document, document_rows(session, document.id, ["human"])


def _units(session: Session) -> list[MemoryUnit]:
    return list(session.scalars(select(MemoryUnit).order_by(MemoryUnit.id)))


def test_approving_puts_the_unit_in_the_default_memory(session: Session) -> None:
    _, rows = _rows(session)
    assert _units(session) == []
    row = next(r for r in rows if r.segment.kind is SegmentKind.DATELINE)
    translation = row.translations["human"]
    edit_translation(session, translation, status=Status.APPROVED, author="vera")
    (unit,) = _units(session)
    assert (unit.source, unit.target) == ("БИШКЕК, 21 янв — Sputnik.",
                                          "BISHKEK, January 21 – Sputnik.")
    assert unit.memory.name == "main" and unit.changed_by == "vera"
    assert unit.context_before == "Подписывайтесь на Sputnik в Дзен"
    assert unit.context_after is not None and unit.context_after.startswith("Резолюция")


def test_editing_an_approved_translation_updates_its_unit(session: Session) -> None:
    _, rows = _rows(session)
    translation = rows[2].translations["human"]
    edit_translation(session, translation, status=Status.APPROVED, author="vera")
    edit_translation(session, translation, text="Earlier, the European Parliament called "
                                                "for an international inquiry.", author="vera")
    (unit,) = _units(session)
    assert unit.target.startswith("Earlier, the European Parliament")


def test_withdrawing_approval_takes_the_unit_out(session: Session) -> None:
    _, rows = _rows(session)
    translation = rows[2].translations["human"]
    edit_translation(session, translation, status=Status.APPROVED, author="vera")
    edit_translation(session, translation, status=Status.REVIEWED, author="boris")
    assert _units(session) == []


def test_approved_boilerplate_enters_the_memory_marked_as_such(session: Session) -> None:
    """The text that repeats most across a desk's articles is matched like any other."""
    _, rows = _rows(session)
    row = next(r for r in rows if r.segment.kind is SegmentKind.BOILERPLATE)
    body = next(r for r in rows if r.segment.kind is SegmentKind.BODY)
    for r in (row, body):
        edit_translation(session, r.translations["human"], status=Status.APPROVED, author="v")
    units = {u.source: u for u in _units(session)}
    assert units[row.segment.text].extra == {
        "tu_meta": [{"k": "prop", "type": "x-kind", "text": "boilerplate"}]}
    assert units[body.segment.text].extra is None
    out = io.BytesIO()
    export_memory(session, out, memory="main")
    assert b'<prop type="x-kind">boilerplate</prop>' in out.getvalue()


def test_a_document_can_feed_its_own_memory(session: Session) -> None:
    document, rows = _rows(session)
    document.memory_id = get_or_create_memory(session, "sputnik").id
    edit_translation(session, rows[2].translations["human"], status=Status.APPROVED,
                     author="v")
    assert [u.memory.name for u in _units(session)] == ["sputnik"]
