"""``GET /healthz`` for load balancers: 200 when the database answers, 503 when it does not.

It needs no session and shows no data: the answer is ``{"status": "ok"}`` or
``{"status": "unavailable"}``, and why the database did not answer goes to the log only.
"""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from web.access import PUBLIC, requires

bp = Blueprint("health", __name__)
# Each check asks the database now: no cache between the balancer and the server may answer.
NO_STORE = {"Cache-Control": "no-store"}


@bp.get("/healthz")
@requires(PUBLIC)
def healthz() -> ResponseReturnValue:
    """Answer whether this server can work: its database answers ``SELECT 1``."""
    try:
        with current_app.extensions["sverka_engine"].connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        current_app.logger.warning("health check: the database does not answer: %s", error)
        return jsonify({"status": "unavailable"}), 503, NO_STORE
    return jsonify({"status": "ok"}), 200, NO_STORE
