"""Read an article (plain text or an HTML page) into a title and a list of paragraphs.

An HTML page is parsed by libxml2's HTML parser (through trafilatura), which never resolves
a declared entity: it would leave the declarations in the text as ``]>`` and the
references as ``&x;``. A page declaring entities is refused instead, wherever in the whole
page its DOCTYPE sits; trafilatura's own XML output is parsed with entities off.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from tm.errors import FormatError, InputError
from tm.files import open_input
from tm.ingest.decode import declared_html_charset, decode_bytes

HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml"})
# Larger inputs are not news articles; refusing them keeps a mistaken upload from
# filling memory (the whole article is held as paragraphs while it is imported).
MAX_ARTICLE_BYTES = 20 * 1024 * 1024
# Elements of trafilatura's XML output that hold one paragraph each.
_BLOCK_TAGS = ("head", "p", "item", "quote")
_HTML_SNIFF = re.compile(rb"^\s*(<!doctype\s+html|<html|<\?xml[^>]*>\s*<html)", re.I)
# A tag or a comment: what markup has and plain text does not, looked for in a page's start.
_TAG = re.compile(rb"<(?:[a-z][a-z0-9]*[\s/>]|/[a-z][a-z0-9]*\s*>|!--)", re.I)
_TAG_SNIFF = 64 * 1024
# A DOCTYPE with an internal subset, or an entity declaration, anywhere in the page.
_ENTITY_DECLARATIONS = re.compile(r"<!(?:DOCTYPE[^>\[]*\[|ENTITY\s)", re.I)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


@dataclass(frozen=True, slots=True)
class Article:
    """An article as read from a file: paragraphs in order, plus what the file told us."""

    paragraphs: tuple[str, ...]
    source_name: str
    source_format: str  # "text" or "html"
    title: str | None = None
    url: str | None = None
    published_on: dt.date | None = None


def clean_paragraph(line: str) -> str:
    """Collapse runs of spaces (including no-break spaces) and trim the ends."""
    return _SPACES.sub(" ", line).strip()


def split_paragraphs(text: str) -> list[str]:
    """Split plain text into paragraphs: every non-empty line is one."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").split("\n")
    return [p for p in (clean_paragraph(line) for line in lines) if p]


def is_html(data: bytes, name: str) -> bool:
    """Tell an HTML page from plain text by its first bytes, then its file name.

    A page that starts as one (``<!DOCTYPE html``, ``<html``) is HTML whatever its name; a
    file named ``.html`` is HTML only if it holds a tag at all, so plain text saved under
    that name is read as the text it is.
    """
    head = data.lstrip(b"\xef\xbb\xbf")
    if _HTML_SNIFF.match(head[:1024]):
        return True
    return Path(name).suffix.lower() in HTML_SUFFIXES and bool(_TAG.search(head[:_TAG_SNIFF]))


def read_text(data: bytes, name: str) -> Article:
    """Read a plain-text article."""
    paragraphs = split_paragraphs(decode_bytes(data, name))
    if not paragraphs:
        raise InputError("file-empty", "{name}: the file is empty", name=name)
    return Article(paragraphs=tuple(paragraphs), source_name=name, source_format="text")


def read_html(data: bytes, name: str) -> Article:
    """Read the main text of an HTML page; scripts, navigation and ads are dropped."""
    import trafilatura
    from lxml import etree

    html = decode_bytes(data, name, declared=declared_html_charset(data))
    if _ENTITY_DECLARATIONS.search(html):
        raise FormatError("html-entities-declared", "{name}: declares entities (a DOCTYPE with "
                          "an internal subset); refused: an article page has no use for them",
                          name=name)
    extracted = trafilatura.extract(html, output_format="xml", include_comments=False,
                                    include_tables=False, with_metadata=True)
    if not extracted:
        raise FormatError("html-no-article", "{name}: no article text found in this HTML page",
                          name=name)
    root = etree.fromstring(extracted.encode("utf-8"),
                            etree.XMLParser(resolve_entities=False, no_network=True,
                                            load_dtd=False))
    blocks = [el for el in root.iter(*_BLOCK_TAGS)
              if not any(a.tag in _BLOCK_TAGS for a in el.iterancestors())]
    paragraphs = [p for p in (clean_paragraph(" ".join(el.itertext())) for el in blocks) if p]
    title = clean_paragraph(root.get("title") or "") or None
    if title and (not paragraphs or paragraphs[0] != title):
        paragraphs.insert(0, title)  # the headline is often outside the extracted body
    return Article(paragraphs=tuple(paragraphs), source_name=name, source_format="html",
                   title=title, url=root.get("source") or None,
                   published_on=_parse_date(root.get("date")))


def _parse_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def read_article_bytes(data: bytes, name: str) -> Article:
    """Read an article from the bytes of a file called ``name`` (``-`` for standard input)."""
    if len(data) > MAX_ARTICLE_BYTES:
        raise InputError("article-too-large", "{name}: too large for an article ({size} MB, at "
                         "most {limit} MB)", name=name, size=len(data) // 1024 // 1024,
                         limit=MAX_ARTICLE_BYTES // 1024 // 1024)
    return read_html(data, name) if is_html(data, name) else read_text(data, name)


def read_article(path: str | Path) -> Article:
    """Read an article file; a missing or unreadable file raises InputError naming it."""
    with open_input(path) as handle:
        data = handle.read(MAX_ARTICLE_BYTES + 1)
    return read_article_bytes(data, str(path))
