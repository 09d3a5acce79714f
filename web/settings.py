"""Settings a user makes once: the UI language and the author name, kept in the session."""
from __future__ import annotations

from flask import Blueprint, jsonify, redirect, request, session
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from tm.errors import ValidationError
from web.api import json_body
from web.i18n import LOCALES
from web.urls import safe_next

bp = Blueprint("settings", __name__)
AUTHOR_MAX = 200  # the width of the author columns


def current_author() -> str | None:
    """Return the author name set in this session, if any."""
    author = session.get("author")
    return author if isinstance(author, str) and author else None


def require_author() -> str:
    """Return the author name, or refuse the change when none is set."""
    author = current_author()
    if author is None:
        raise ValidationError(_("Set your name first (top right): every change records "
                                "its author."))
    return author


def _apply(values: dict[str, str]) -> None:
    if "locale" in values:
        if values["locale"] not in LOCALES:
            raise ValidationError(f"unknown language {values['locale']!r}")
        session["locale"] = values["locale"]
    if "author" in values:
        author = " ".join(values["author"].split())[:AUTHOR_MAX]
        if author:
            session["author"] = author
        else:
            session.pop("author", None)


@bp.post("/settings")
def update() -> Response:
    """Set the UI language and/or the author name, then go back to the page."""
    _apply({k: v for k, v in request.form.items() if k in ("locale", "author")})
    return redirect(safe_next(request.form.get("next")), code=303)


@bp.route("/api/settings", methods=["GET", "PUT"])
def api_settings() -> ResponseReturnValue:
    """Return (and with PUT, change) the language and author name of this session."""
    if request.method == "PUT":
        _apply({k: str(v) for k, v in json_body().items() if k in ("locale", "author")})
    from web.i18n import select_locale

    return jsonify({"locale": select_locale(), "author": current_author()})
