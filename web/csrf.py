"""CSRF protection: every state-changing request must carry the session's token.

Forms send it as the ``csrf_token`` field, ``fetch()`` as the ``X-CSRF-Token`` header. The
token lives in the signed session cookie, so another site can neither read nor forge it.
"""
from __future__ import annotations

import hmac
import secrets

from flask import Flask, current_app, g, request, session

from tm.errors import InputError

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
HEADER = "X-CSRF-Token"
FIELD = "csrf_token"


def csrf_token() -> str:
    """Return the session's CSRF token, creating it on first use."""
    token = session.get(FIELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[FIELD] = token
    return token


def check_csrf() -> None:
    """Refuse a state-changing request whose token is missing or wrong (400)."""
    if request.method in SAFE_METHODS or not current_app.config.get("CSRF_ENABLED", True):
        return
    actor = g.get("actor")
    if actor is not None and actor.by_token:  # no browser sends a token by itself
        return
    expected = session.get(FIELD)
    given = request.headers.get(HEADER) or request.form.get(FIELD)
    if not isinstance(expected, str) or not given or not hmac.compare_digest(expected, given):
        raise InputError("csrf-invalid", "The form has expired or did not come from Sverka "
                         "(CSRF token missing or wrong). Reload the page and try again.")


def init_app(app: Flask) -> None:
    """Check the token before every request (after :mod:`web.access` found who asks) and
    offer ``csrf_token()`` to templates."""
    app.before_request(check_csrf)
    app.jinja_env.globals["csrf_token"] = csrf_token
