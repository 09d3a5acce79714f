"""Inline markup inside ``<seg>``: kept losslessly as XML, shown as plain text.

Codes (``bpt``, ``ept``, ``ph``, ``it``, ``ut``) hold the native formatting of the
original document (RTF, HTML …) and are not text; ``hi`` and ``sub`` hold text.
"""
from __future__ import annotations

from lxml import etree

CODE_TAGS = frozenset({"bpt", "ept", "ph", "it", "ut"})


def plain_text(element: etree._Element) -> str:
    """Return the text of ``element`` without inline codes (``<hi>`` text is kept)."""
    parts = [element.text or ""]
    for child in element:
        tag = child.tag
        if tag not in CODE_TAGS and isinstance(tag, str):
            parts.append(plain_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def inner_xml(element: etree._Element) -> str:
    """Return the content of ``element`` as XML (its text and children, not its own tag)."""
    head = _escape_text(element.text or "")
    return head + "".join(etree.tostring(child, encoding="unicode", with_tail=True)
                          for child in element)


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def markup_to_plain(markup: str) -> str:
    """Return the plain text of stored seg markup."""
    return plain_text(etree.fromstring(f"<seg>{markup}</seg>", _PARSER))


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
