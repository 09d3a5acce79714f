"""The request's catalogue: the UI's strings in its language, looked up once a request."""
from __future__ import annotations

from babel.support import NullTranslations
from flask import g
from flask_babel import get_translations


def catalogue() -> NullTranslations:
    """Return the catalogue of the request's language, found once a request.

    Flask-Babel finds it again for every string (its domain, its locale, its cache: 12 µs);
    a page shows two hundred. The language of a request does not change while it runs (the
    app never forces another), so the first answer holds for the rest of it.
    """
    try:
        found: NullTranslations | None = g.get("catalogue")
    except RuntimeError:  # no app context (a label read at import time, a script)
        found = get_translations()
        return found
    if found is None:
        found = g.catalogue = get_translations()
    return found


def translate(message: str) -> str:
    """Return ``message`` in the request's language (a label's, a template's string)."""
    return catalogue().ugettext(message)
