"""What every JSON API view shares: the request's JSON object, read once, and the error answer.

A view calls :func:`json_body` for its input and gets a dict or a 422; every JSON error,
whether raised (:mod:`web.errors`) or answered by a view (a 409 with both versions), has the
shape :func:`json_error` gives it.
"""
from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

from tm.errors import ValidationError


def json_body() -> dict[str, Any]:
    """Return the request's JSON object, or raise ValidationError if it sent none."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValidationError("json-object-missing", "send a JSON object")
    return body


def json_error(status: int, error: str, message: str, **extra: Any) -> tuple[Response, int]:
    """Return a JSON error: its kind, the message for the user (in the UI language), more.

    ``error`` names what went wrong for programs (``NotFoundError``, ``ConflictError``);
    ``message`` is what the user reads; ``extra`` keys (a conflict's ``theirs`` and
    ``yours``) come after them.
    """
    return jsonify({"error": error, "message": message, "status": status, **extra}), status
