"""``Content-Disposition`` for downloads: a file name any browser reads, and only as a name.

RFC 6266 with RFC 5987's ``filename*``: the name in UTF-8, percent-encoded, and an ASCII
``filename`` for old clients. Path separators and control characters become ``_`` (a browser
would drop what comes before a slash, and a CR or LF would end the header); the ASCII name
keeps letters, digits and a few safe marks, so no quote, backslash or semicolon can end it.
"""
from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

from flask import Response

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


# Bytes read from a written export per chunk of the streamed response.
CHUNK_BYTES = 1 << 16


def _stream_file(path: Path, folder: tempfile.TemporaryDirectory[str]) -> Iterator[bytes]:
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(CHUNK_BYTES):
                yield chunk
    finally:
        folder.cleanup()


def file_response(write: Callable[[Path], object], filename: str, *, mimetype: str,
                  object_type: str, object_id: object) -> Response:
    """Write an export into a temporary file (audited, committed), then stream it: memory
    stays flat, and a failed export sends an error page, not half a file."""
    from flask import request

    from tm.models import AuditAction
    from web.audit import record_audit
    from web.db import get_session

    folder = tempfile.TemporaryDirectory(prefix="sverka-export-")
    path = Path(folder.name) / "export"
    try:
        write(path)
        record_audit(AuditAction.EXPORT, object_type, object_id,
                     dict(request.args.items()) or None)
        get_session().commit()
    except BaseException:
        folder.cleanup()
        raise
    response = Response(_stream_file(path, folder), mimetype=mimetype)
    response.headers["Content-Disposition"] = attachment(filename, default="export")
    response.headers["Content-Length"] = str(os.path.getsize(path))
    return response
