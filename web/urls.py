"""URLs: the ids a route takes, ``url_for`` with named holes, and URLs from outside.

A script never writes a server path itself: the page gives it each URL it calls, rendered
by ``url_for``, so a moved route moves the script's calls with it. A URL that names an item
(``/api/translations/<id>``) is given once, as a template with ``{translation_id}`` where the
id goes, and the script fills the hole (``Sverka.url`` in ``static/sverka.js``).

A URL that comes from outside is used only when it is plainly what it should be: a ``next``
to go back to must be a path of this site (:func:`safe_next`), a stored source URL becomes
a link only if it is http(s) (:func:`web_link`).
"""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import url_for
from werkzeug.routing import IntegerConverter, Map

from tm.db import MAX_ID

# Built with a number in each hole, since every converter (int as well as string) takes a
# number; one of 13 digits never occurs in a URL of Sverka's by chance, and a second
# occurrence is refused rather than guessed at.
_HOLE = 7_000_000_000_000


def url_template(endpoint: str, *holes: str, **values: Any) -> str:
    """Return ``endpoint``'s URL with ``{name}`` in place of each argument named in ``holes``."""
    numbers: dict[str, Any] = {name: _HOLE + i for i, name in enumerate(holes)}
    url = url_for(endpoint, **values, **numbers)
    for name, number in numbers.items():
        if url.count(str(number)) != 1:
            raise ValueError(f"cannot leave a hole for {name!r} in the URL of {endpoint}")
        url = url.replace(str(number), "{" + name + "}")
    return url


class RowIdConverter(IntegerConverter):
    """``<int:…>`` in Sverka's routes: an id a row can have (1 to :data:`tm.db.MAX_ID`).

    Any other number matches no route, so it is a 404 like an id that names nothing, and
    never reaches the database (where a number past its integers is an overflow, a 500).
    """

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


# Rounds of percent-decoding a ``next`` is checked through: each round must be a plain path,
# so neither ``%2f%2f`` nor ``%252f%252f`` (decoded once more by some proxy) gets past.
NEXT_DECODINGS = 3
# A path of this site: one slash, then no slash or backslash; no backslash or control
# character anywhere (browsers drop tabs and newlines, so "/\t/x" would become "//x"). A
# space may be in it (a memory's name), never first: browsers keep the ones inside a URL.
_SITE_PATH = re.compile(r"/(?![/\\])[^\\\x00-\x1f\x7f]*")
# What a stored URL must look like to be a link: http(s), a host, no space or control char.
_WEB_LINK = re.compile(r"https?://[^/\\?#\x00-\x20\x7f]+[^\\\x00-\x20\x7f]*", re.IGNORECASE)


def safe_next(value: object) -> str:
    """Return ``value`` if it is a path on this site, else the home page's URL.

    For ``?next=`` and form fields saying where to go back to: never another host.
    """
    if isinstance(value, str) and value and _is_site_path(value):
        return value
    return url_for("index")


def _is_site_path(value: str) -> bool:
    for _ in range(NEXT_DECODINGS + 1):
        if not _SITE_PATH.fullmatch(value):
            return False
        parts = urlsplit(value)
        if parts.scheme or parts.netloc:
            return False
        decoded = unquote(value)
        if decoded == value:
            return True
        value = decoded
    return False  # still encoded after every round: nothing a person would link to


def web_link(url: str | None) -> str | None:
    """Return ``url`` if it may be a link (http or https, to a host), else ``None``.

    Anything else (``javascript:``, ``data:``, a URL with spaces or control characters
    around or in it) is shown as text, never put in an ``href``.
    """
    if url and _WEB_LINK.fullmatch(url) and urlsplit(url).hostname:
        return url
    return None


def page_argument() -> int:
    """The ``page`` a list was asked for (1 if none), or a ValidationError in the user's
    language when it is not a page number (:data:`tm.paging.MAX_PAGE` at most)."""
    from flask import request

    from tm.errors import ValidationError
    from tm.paging import MAX_PAGE

    raw = request.args.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        raise ValidationError("page-number-range", "pages are numbered from 1 to {max:,}",
                              max=MAX_PAGE)
    return int(raw)
