"""The pages' markup: table headers scoped, QA details and notes shown as text."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from lxml import html
from sqlalchemy.orm import Session

from tests.conftest import import_seed

TEMPLATES = Path(__file__).resolve().parent.parent / "web" / "templates"
# A header cell that does not say whether it heads a column or a row.
UNSCOPED_TH = re.compile(r"<th(?![^>]*\bscope=\"(?:col|row)\")(?=[\s>])")


@pytest.mark.parametrize("path", sorted(TEMPLATES.rglob("*.html")),
                         ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_every_table_header_has_a_scope(path: Path) -> None:
    assert not UNSCOPED_TH.findall(path.read_text(encoding="utf-8"))


def test_editor_shows_qa_details_and_notes_as_text(client: FlaskClient,
                                                   session: Session) -> None:
    doc = import_seed(session).document.id
    session.commit()
    unit = client.get(f"/api/documents/{doc}/units?track=human").get_json()["units"][0]
    translation = unit["translation"]
    saved = client.put(f"/api/translations/{translation['id']}", json={
        "text": "BISHKEK, January 22 – Sputnik.", "note": "Check the date with the desk.",
        "expected_version": translation["version"]}).get_json()
    [warning] = [w for w in saved["warnings"] if w["code"] == "numbers"]
    assert warning["detail"]
    page = html.fromstring(client.get(f"/documents/{doc}/edit?track=human").get_data())
    [row] = page.xpath(f'//tr[@id="u-{unit["segment_id"]}"]')
    text = " ".join(row.text_content().split())
    assert f"{warning['label']}: {warning['detail']}" in text
    assert "Check the date with the desk." in text
    assert not row.xpath(".//*[@title]")  # nothing said only in a tooltip
