"""What Sverka writes is well-formed XLIFF: its elements in the order, with the attributes
and the values the XLIFF 1.2 and 2.0 specifications give (tests/schemas/*.rng)."""
from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import import_seed
from tm.handoff import export_xliff
from tm.memory import export_document, import_tmx
from tm.models import Segment, Status, Translation
from tm.translations import edit_translation, set_note

SCHEMAS = Path(__file__).resolve().parent / "schemas"
SCHEMA = {"1.2": SCHEMAS / "xliff12-written.rng", "2.0": SCHEMAS / "xliff20-written.rng"}


def _validator(version: str) -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(SCHEMA[version])))


def _everything(session: Session, tmp_path: Path) -> int:
    """The seed article with an approved unit, a note, and matches from a memory."""
    document = import_seed(session).document
    first, second = session.scalars(select(Translation).join(Segment).where(
        Segment.document_id == document.id).order_by(Segment.position)).all()[:2]
    edit_translation(session, first, author="anna", status=Status.APPROVED)
    set_note(session, second, "Check the name's spelling & <tags>.")
    memory = tmp_path / "memory.tmx"
    export_document(session, memory, document_id=document.id, track="human")
    import_tmx(session, memory, memory="desk")
    return document.id


@pytest.mark.parametrize("version, flavour", [("1.2", "default"), ("1.2", "omegat"),
                                              ("2.0", "default")])
def test_every_export_is_valid(session: Session, tmp_path: Path, version: str,
                               flavour: str) -> None:
    document_id = _everything(session, tmp_path)
    for track in ("human", "empty"):
        out = tmp_path / f"{track}.xlf"
        export_xliff(session, out, document_id=document_id, track=track, version=version,
                     flavour=flavour)
        validator = _validator(version)
        parsed = etree.parse(str(out))
        assert validator.validate(parsed), validator.error_log
        assert b"alt-trans" in out.read_bytes() or b"mtc:match" in out.read_bytes()


@pytest.mark.parametrize("version, broken", [
    ("1.2", lambda text: text.replace('state="translated"', 'state="done"', 1)),
    ("1.2", lambda text: text.replace("<source>", "<note>x</note><source>", 1)),
    ("2.0", lambda text: text.replace('srcLang="ru" ', "", 1)),
    ("2.0", lambda text: text.replace("<segment", "<notes><note>x</note></notes><segment", 1)
     .replace("</segment></unit>", "</segment><notes><note>y</note></notes></unit>", 1)),
])
def test_the_check_refuses_what_the_specifications_forbid(
        session: Session, tmp_path: Path, version: str, broken: object) -> None:
    document_id = _everything(session, tmp_path)
    out = tmp_path / "seed.xlf"
    export_xliff(session, out, document_id=document_id, track="human", version=version)
    text = broken(out.read_text(encoding="utf-8"))  # type: ignore[operator]
    assert not _validator(version).validate(etree.fromstring(text.encode("utf-8")))
