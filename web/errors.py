"""Errors become a page for people and a JSON object for the API, never a traceback."""
from __future__ import annotations

from flask import Flask, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from tm.errors import (
    ConflictError,
    InputError,
    NotFoundError,
    SverkaError,
    ValidationError,
)
from web.api import json_error

STATUS_FOR: tuple[tuple[type[SverkaError], int], ...] = (
    (NotFoundError, 404),
    (ConflictError, 409),
    (ValidationError, 422),
    (InputError, 400),
    (SverkaError, 400),
)


def _titles() -> dict[int, str]:
    """Return the page titles of the usual HTTP errors in the UI language."""
    return {400: _("Bad Request"), 403: _("Forbidden"), 404: _("Not Found"),
            405: _("Method Not Allowed"), 409: _("Conflict"), 413: _("Too Large"),
            422: _("Cannot Be Done"), 500: _("Internal Error")}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best == "application/json")


def _respond(status: int, title: str, message: str) -> ResponseReturnValue:
    if _wants_json():
        return json_error(status, title, message)
    return render_template("error.html", status=status, title=_titles().get(status, title),
                           message=message), status


def init_app(app: Flask) -> None:
    """Register the error handlers."""

    @app.errorhandler(SverkaError)
    def sverka_error(error: SverkaError) -> ResponseReturnValue:
        status = next(code for cls, code in STATUS_FOR if isinstance(error, cls))
        return _respond(status, type(error).__name__, str(error))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> ResponseReturnValue:
        return _respond(error.code or 500, error.name, error.description or "")

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> ResponseReturnValue:
        app.logger.exception("unexpected error")
        return _respond(500, "Internal error",
                        _("Something went wrong on our side; nothing was saved."))
