"""Inline markup inside XLIFF ``<source>``/``<target>``: the translatable text of it.

Elements that hold text keep it: 1.2 ``<g>`` and ``<mrk>``, 2.0 ``<pc>`` and ``<mrk>``.
Codes are not text: 1.2 ``<x/>``, ``<bx/>``, ``<ex/>`` and the native code inside
``<ph>``, ``<bpt>``, ``<ept>``, ``<it>`` (with any ``<sub>`` in it, a flow of its own);
2.0 ``<ph/>``, ``<sc/>``, ``<ec/>``, ``<sm/>``, ``<em/>``. Text Trados Studio marks as
deleted in tracked changes (``<mrk mtype="x-sdl-deleted">``) is not the text either. A 2.0
``<cp hex>`` is read as its character when that is one XML text may hold (tab, newline,
carriage return), else dropped: the characters it exists for (controls, U+FFFE) cannot be
stored or written back as text. Elements are matched by local name, in either version's
namespace or none.
"""
from __future__ import annotations

from lxml import etree

CODE_TAGS = frozenset({"x", "bx", "ex", "ph", "bpt", "ept", "it", "sub", "sc", "ec", "sm",
                       "em"})
DELETED_MTYPE = "x-sdl-deleted"  # Trados Studio's tracked deletion
_CP_KEPT = frozenset({0x9, 0xA, 0xD})


def local_name(tag: str) -> str:
    """Return ``tag`` without its ``{namespace}``."""
    return tag.rpartition("}")[2]


def plain_text(element: etree._Element) -> str:
    """Return the translatable text of ``element``: its text and that of text-holding inline
    elements, without codes."""
    parts = [element.text or ""]
    for child in element:
        tag = child.tag
        if isinstance(tag, str):
            local = local_name(tag)
            if local == "cp":
                parts.append(_code_point(child.get("hex")))
            elif local not in CODE_TAGS and child.get("mtype") != DELETED_MTYPE:
                parts.append(plain_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _code_point(hex_value: str | None) -> str:
    try:
        value = int(hex_value or "", 16)
    except ValueError:
        return ""
    return chr(value) if value in _CP_KEPT else ""
