"""Turn the bytes of a user's file into text, or refuse with a message naming the file.

Accepted: UTF-8 with or without BOM, UTF-16 with BOM, Windows-1251. Anything else, or
anything that looks binary, is refused: guessing wrong would store garbage silently.
"""
from __future__ import annotations

import re

from tm.encoding import canonical, sniff_bom
from tm.errors import EncodingError, InputError

# Share of C0 control characters (other than tab, newline, CR, form feed) above which a
# decoded file is taken for binary data rather than text.
MAX_CONTROL_SHARE = 0.001
# A Windows-1251 reading is believed only if most letters are Cyrillic and most Cyrillic
# letters are lower case, as in any running Russian text; KOI8-R or MacCyrillic bytes read
# as Windows-1251 come out mostly upper case or Latin-1 symbols.
MIN_CYRILLIC_SHARE = 0.5
MIN_LOWERCASE_SHARE = 0.6

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)


def _looks_binary(text: str) -> bool:
    return len(_CONTROL.findall(text)) > max(1, len(text) * MAX_CONTROL_SHARE)


def _plausible_cp1251(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    cyrillic = [c for c in letters if "\u0400" <= c <= "\u04ff"]
    if not letters or len(cyrillic) < MIN_CYRILLIC_SHARE * len(letters):
        return False
    lower = sum(1 for c in cyrillic if c.islower())
    return lower >= MIN_LOWERCASE_SHARE * len(cyrillic)


def declared_html_charset(data: bytes) -> str | None:
    """Return the charset a ``<meta>`` tag near the top of an HTML page declares, if any."""
    match = _META_CHARSET.search(data[:4096])
    if not match:
        return None
    return canonical(match.group(1).decode("ascii"))


def decode_bytes(data: bytes, name: str, *, declared: str | None = None) -> str:
    """Decode ``data`` read from ``name``; raise InputError/EncodingError if that is not safe."""
    if not data.strip():
        raise InputError("file-empty", "{name}: the file is empty", name=name)
    bom = sniff_bom(data)
    if bom is not None:
        encoding, skip = bom
        try:
            text = data[skip:].decode(encoding)
        except UnicodeDecodeError as error:
            raise EncodingError("bom-invalid", "{name}: starts with a {encoding} byte-order mark "
                                "but is not valid {encoding} (byte {offset})", name=name,
                                encoding=encoding, offset=skip + error.start) from error
    else:
        if b"\x00" in data:
            raise InputError("file-binary", "{name}: looks like a binary file, not text",
                             name=name)
        text = _decode_without_bom(data, name, declared)
    text = text.lstrip("\ufeff")
    if _looks_binary(text):
        raise InputError("file-binary", "{name}: looks like a binary file, not text", name=name)
    if not text.strip():
        raise InputError("file-empty", "{name}: the file is empty", name=name)
    return text


def _decode_without_bom(data: bytes, name: str, declared: str | None) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if declared and declared not in ("utf-8", "cp1251"):
        try:
            return data.decode(declared)
        except UnicodeDecodeError as error:
            raise EncodingError("declared-encoding-invalid", "{name}: declared as {encoding} but "
                                "is not valid {encoding}", name=name,
                                encoding=declared) from error
    text = data.decode("cp1251", errors="replace")
    if "\ufffd" not in text and _plausible_cp1251(text):
        return text
    raise EncodingError("encoding-undecided", "{name}: cannot tell the encoding (not UTF-8, "
                        "UTF-16 with BOM or Windows-1251); save it as UTF-8 and try again",
                        name=name)
