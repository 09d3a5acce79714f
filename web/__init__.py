"""Sverka's web application (Flask). Depends on ``tm``; ``tm`` never imports it."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Create the Flask app; ``DATABASE_URL`` in the config chooses the database."""
    from tm.db import database_url

    app = Flask(__name__)
    app.config.from_mapping(
        SECRET_KEY="dev",
        DATABASE_URL=database_url(),
        MAX_CONTENT_LENGTH=32 * 1024 * 1024,
        JSON_SORT_KEYS=False,
    )
    app.config.from_prefixed_env("SVERKA")
    if test_config is not None:
        app.config.from_mapping(test_config)

    from web import db, documents, errors

    db.init_app(app)
    errors.init_app(app)
    app.register_blueprint(documents.bp)
    app.add_url_rule("/", endpoint="index", view_func=documents.index)
    return app
