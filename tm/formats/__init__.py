"""Exchange formats, one module (or package) per format, and the registry of link formats.

``LINK_FORMATS`` names the writers of alignment links (:mod:`tm.formats.links`), as
``sverka align --format`` takes them.
"""
from __future__ import annotations

from tm.formats import json, tsv
from tm.formats.links import LinkWriter, TextLink
from tm.formats.tmx import links as tmx_links

LINK_FORMATS: dict[str, LinkWriter] = {
    "tsv": tsv.write_links,
    "json": json.write_links,
    "tmx": tmx_links.write_links,
}

__all__ = ["LINK_FORMATS", "LinkWriter", "TextLink"]
