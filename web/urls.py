"""URLs: the ids a route takes, and ``url_for`` with named holes that a script fills in.

A script never writes a server path itself: the page gives it each URL it calls, rendered
by ``url_for``, so a moved route moves the script's calls with it. A URL that names an item
(``/api/translations/<id>``) is given once, as a template with ``{translation_id}`` where the
id goes, and the script fills the hole (``Sverka.url`` in ``static/sverka.js``).
"""
from __future__ import annotations

from typing import Any

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


def safe_next(target: str | None) -> str:
    """Return ``target`` if it is a path on this site, else the documents page."""
    if (target and target.startswith("/") and not target.startswith("//")
            and "\\" not in target and target.isprintable()):
        return target
    return "/"
