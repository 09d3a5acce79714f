"""Errors become a page for people and a JSON object for the API, never a traceback."""
from __future__ import annotations

from typing import Any

from flask import Flask, make_response, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from tm.db import database_name, resource_error
from tm.errors import (
    BusyError,
    ConflictError,
    ForbiddenError,
    InputError,
    NotFoundError,
    StorageFullError,
    SverkaError,
    ValidationError,
)
from web.api import json_error

STATUS_FOR: tuple[tuple[type[SverkaError], int], ...] = (
    (NotFoundError, 404),
    (ForbiddenError, 403),
    (ConflictError, 409),
    (ValidationError, 422),
    (InputError, 400),
    (SverkaError, 400),
)


def _titles() -> dict[int, str]:
    """Return the page titles of the usual HTTP errors in the UI language."""
    return {400: _("Bad Request"), 403: _("Forbidden"), 404: _("Not Found"),
            401: _("Log In"), 405: _("Method Not Allowed"), 409: _("Conflict"),
            413: _("Too Large"), 429: _("Too Many Requests"),
            422: _("Cannot Be Done"), 500: _("Internal Error"), 503: _("Busy"),
            507: _("Disk Full")}


def _descriptions() -> dict[int, str]:
    """Our own words for Werkzeug's standard errors (its English texts are not translated)."""
    return {
        400: _("The request could not be understood: a parameter is missing or malformed."),
        401: _("Log in to see this page."),
        403: _("Your role does not allow this."),
        404: _("There is nothing at this address. Check it, or start again from the "
               "documents list."),
        405: _("This address does not take this kind of request."),
        413: _("The upload is larger than this server accepts."),
        429: _("Too many requests in a short time: wait a moment and try again."),
    }


def _language() -> str:
    return str(get_locale() or "en")


# Seconds a client is asked to wait when the database is busy (an import on SQLite holds
# the one writer's lock; a save of a few milliseconds then goes through).
RETRY_AFTER_S = 5


def _wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best == "application/json")


def _respond(status: int, title: str, message: str, **extra: Any) -> ResponseReturnValue:
    if _wants_json():
        return json_error(status, title, message, **extra)
    return render_template("error.html", status=status, title=_titles().get(status, title),
                           message=message), status


def init_app(app: Flask) -> None:
    """Register the error handlers."""

    @app.errorhandler(SverkaError)
    def sverka_error(error: SverkaError) -> ResponseReturnValue:
        status = next(code for cls, code in STATUS_FOR if isinstance(error, cls))
        said = error.message.as_dict(_language())
        return _respond(status, type(error).__name__, said["message"], code=said["code"],
                        params=said["params"])

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> ResponseReturnValue:
        status = error.code or 500
        description = error.description or ""
        if description == type(error).description:  # Werkzeug's own English words
            description = _descriptions().get(status, description)
        return _respond(status, error.name, description)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> ResponseReturnValue:
        database = database_name(app.config["DATABASE_URL"])
        resource = resource_error(error, database=database)
        if isinstance(resource, BusyError):
            app.logger.warning("%s", resource)
            response = make_response(_respond(503, "BusyError", _(
                "The database %(name)s is busy with another change (an import?). Try again "
                "in a moment; nothing was saved.", name=database)))
            response.headers["Retry-After"] = str(RETRY_AFTER_S)
            return response
        if isinstance(resource, StorageFullError):
            app.logger.error("%s", resource)
            return _respond(507, "StorageFullError", _(
                "The disk holding the database %(name)s is full, so nothing was saved. Ask "
                "whoever runs Sverka to free some space.", name=database))
        app.logger.exception("unexpected error")
        return _respond(500, "Internal error",
                        _("Something went wrong on our side; nothing was saved."))
