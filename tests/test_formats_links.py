"""Every alignment link format keeps what it is given: one contract for all of LINK_FORMATS."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

import pytest
from lxml import etree

from tm.formats import LINK_FORMATS, TextLink
from tm.formats.tsv import TsvDialect

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
LINKS = [
    TextLink((0,), (0,), 0.98765, "Он сказал: «Да».", 'He said "yes".'),
    TextLink((1, 2), (1,), 0.5, "Первое. Второе.", "First and second."),
    TextLink((3,), (), 1.0, "Без пары.", ""),
    TextLink((), (2,), 1.0, "", "Unpaired."),
]
Row = tuple[str, str, float]  # source text, target text, score


def _tsv(data: bytes) -> list[Row]:
    rows = csv.reader(io.StringIO(data.decode("utf-8"), newline=""), dialect=TsvDialect)
    return [(src, tgt, float(score)) for score, src, tgt in rows]


def _json(data: bytes) -> list[Row]:
    return [(x["src_text"], x["tgt_text"], x["score"])
            for x in json.loads(data.decode("utf-8"))["links"]]


def _tmx(data: bytes) -> list[Row]:
    rows = []
    for unit in etree.fromstring(data).findall("body/tu"):
        texts = {tuv.get(XML_LANG): tuv.findtext("seg") for tuv in unit.findall("tuv")}
        rows.append((texts["ru"], texts["en"], float(unit.findtext("prop"))))
    return rows


READERS: dict[str, Callable[[bytes], list[Row]]] = {"tsv": _tsv, "json": _json, "tmx": _tmx}
# What each keeps: TMX has no place for a sentence without counterpart; TSV rounds scores
# to 3 decimals, the others to 4.
KEPT = {"tsv": (LINKS, 3), "json": (LINKS, 4), "tmx": (LINKS[:2], 4)}


def _write(name: str, links: list[TextLink]) -> bytes:
    out = io.BytesIO()
    LINK_FORMATS[name](out, iter(links), src_lang="ru", tgt_lang="en")
    return out.getvalue()


def test_every_format_has_a_reader_in_this_suite() -> None:
    assert set(LINK_FORMATS) == set(READERS)


@pytest.mark.parametrize("name", sorted(LINK_FORMATS))
def test_a_format_keeps_the_texts_and_scores(name: str) -> None:
    kept, digits = KEPT[name]
    assert READERS[name](_write(name, LINKS)) == [
        (x.src_text, x.tgt_text, round(x.score, digits)) for x in kept]


@pytest.mark.parametrize("name", sorted(LINK_FORMATS))
def test_a_format_writes_utf8_ending_with_a_line_break(name: str) -> None:
    data = _write(name, LINKS)
    assert "«Да»" in data.decode("utf-8") and data.endswith(b"\n")


@pytest.mark.parametrize("name", sorted(LINK_FORMATS))
def test_a_format_leaves_the_stream_open(name: str) -> None:
    out = io.BytesIO()
    LINK_FORMATS[name](out, LINKS, src_lang="ru", tgt_lang="en")
    assert not out.closed


@pytest.mark.parametrize("name", sorted(LINK_FORMATS))
def test_no_links_read_back_as_none(name: str) -> None:
    assert READERS[name](_write(name, [])) == []


@pytest.mark.parametrize("text, cell", [
    ("один\tдва", "один два"),
    ("один\nдва", "один два"),
    ('"в кавычках"', '"в кавычках"'),  # never quoted: a TSV line is split on tabs only
])
def test_tsv_cells_never_hold_a_tab_or_line_break(text: str, cell: str) -> None:
    data = _write("tsv", [TextLink((0,), (0,), 0.5, text, "x")])
    assert data.decode("utf-8") == f"0.500\t{cell}\tx\n"
