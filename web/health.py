"""Checks for load balancers and supervisors; they need no session and show no data.

``GET /healthz``: 200 when the database answers, 503 when it does not (the process can
work). ``GET /readyz``: 200 when the database and the job queue's store both answer (the
process can take imports too). The answer is ``{"status": "ok"}`` or ``{"status":
"unavailable"}`` (with which part, for readyz); why goes to the log only.
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


def _database_answers() -> bool:
    try:
        with current_app.extensions["sverka_engine"].connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        current_app.logger.warning("health check: the database does not answer: %s", error)
        return False
    return True


@bp.get("/healthz")
@requires(PUBLIC)
def healthz() -> ResponseReturnValue:
    """Answer whether this server can work: its database answers ``SELECT 1``."""
    if not _database_answers():
        return jsonify({"status": "unavailable"}), 503, NO_STORE
    return jsonify({"status": "ok"}), 200, NO_STORE


@bp.get("/readyz")
@requires(PUBLIC)
def readyz() -> ResponseReturnValue:
    """Answer whether this server is ready for all its work: the database and the queue."""
    from web.jobs import job_queue

    down = [part for part, answers in (("database", _database_answers),
                                       ("queue", lambda: job_queue().reachable()))
            if not answers()]
    if down:
        return jsonify({"status": "unavailable", "down": down}), 503, NO_STORE
    return jsonify({"status": "ok"}), 200, NO_STORE
