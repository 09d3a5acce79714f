"""``Content-Disposition`` for downloads: a file name any browser reads, and only as a name.

RFC 6266 with RFC 5987's ``filename*``: the name in UTF-8, percent-encoded, and an ASCII
``filename`` for old clients. Path separators and control characters become ``_`` (a browser
would drop what comes before a slash, and a CR or LF would end the header); the ASCII name
keeps letters, digits and a few safe marks, so no quote, backslash or semicolon can end it.
"""
from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

# Characters RFC 5987 lets stand unencoded in ``filename*`` (attr-char, besides letters and
# digits, which ``quote`` always keeps along with "-._~").
_ATTR_CHARS = "!#$&+^`|~"
_UNSAFE = re.compile(r"[/\\\x00-\x1f\x7f]")
_NOT_PLAIN_ASCII = re.compile(r"[^A-Za-z0-9 ._()+,-]")


def attachment(filename: str, *, default: str = "download") -> str:
    """Return the ``Content-Disposition`` value offering ``filename`` as a download."""
    name = _UNSAFE.sub("_", filename).strip() or default
    # "café" falls back to "cafe" (its accent dropped), "ТАСС" to "____": the extension stays.
    letters = "".join(c for c in unicodedata.normalize("NFKD", name)
                      if not unicodedata.combining(c))
    fallback = _NOT_PLAIN_ASCII.sub("_", letters)
    value = f'attachment; filename="{fallback}"'
    if fallback != name:
        value += "; filename*=UTF-8''" + quote(name, safe=_ATTR_CHARS)
    return value
