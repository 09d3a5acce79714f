"""The pages' markup: table headers scoped."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parent.parent / "web" / "templates"
# A header cell that does not say whether it heads a column or a row.
UNSCOPED_TH = re.compile(r"<th(?![^>]*\bscope=\"(?:col|row)\")(?=[\s>])")


@pytest.mark.parametrize("path", sorted(TEMPLATES.rglob("*.html")),
                         ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_every_table_header_has_a_scope(path: Path) -> None:
    assert not UNSCOPED_TH.findall(path.read_text(encoding="utf-8"))

