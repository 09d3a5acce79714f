"""Settings a visitor makes once: the UI language, kept in the session (before a login too)."""
from __future__ import annotations

from flask import Blueprint, jsonify, redirect, request, session
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

from tm.errors import ValidationError
from web.access import PUBLIC, current_actor, requires
from web.api import json_body
from web.i18n import LOCALES
from web.urls import safe_next

bp = Blueprint("settings", __name__)


def _apply(values: dict[str, str]) -> None:
    if "locale" in values:
        if values["locale"] not in LOCALES:
            raise ValidationError("locale-unknown", "unknown language {locale!r}: use one of "
                                  "{choices}", locale=values["locale"],
                                  choices=", ".join(LOCALES))
        session["locale"] = values["locale"]


@bp.post("/settings")
@requires(PUBLIC)
def update() -> Response:
    """Set the UI language, then go back to the page."""
    _apply({k: v for k, v in request.form.items() if k == "locale"})
    return redirect(safe_next(request.form.get("next")), code=303)


@bp.route("/api/settings", methods=["GET", "PUT"])
@requires(PUBLIC)
def api_settings() -> ResponseReturnValue:
    """Return (and with PUT, change) the UI language of this session, and who is logged in."""
    if request.method == "PUT":
        _apply({k: str(v) for k, v in json_body().items() if k == "locale"})
    from web.i18n import select_locale

    actor = current_actor()
    return jsonify({"locale": select_locale(),
                    "user": None if actor is None else {
                        "login": actor.user.login, "display_name": actor.user.display_name,
                        "role": actor.role.value}})
