"""Sverka's web application (Flask). Depends on ``tm``; ``tm`` never imports it."""
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported by create_app: `sverka --help` loads web.cli, not Flask
    from flask import Flask


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Create the Flask app; ``DATABASE_URL`` in the config chooses the database."""
    from flask import Flask

    from tm.db import database_url, default_data_dir
    from tm.lang import SOURCE_LANG, TARGET_LANG
    from web import production, secret_key

    app = Flask(__name__)
    # JSON keeps its keys' order and sends Cyrillic as UTF-8, not \uXXXX (half the bytes).
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.config.from_mapping(
        # No SECRET_KEY: SVERKA_SECRET_KEY, else the one kept in the data dir (web/secret_key.py).
        DATA_DIR=str(default_data_dir()),
        DATABASE_URL=database_url(),
        # Uploads (articles, TMX memories) are spooled to disk by Werkzeug, so a large limit
        # costs no memory; SVERKA_MAX_CONTENT_LENGTH changes it.
        MAX_CONTENT_LENGTH=2 * 1024**3,
        # The session cookie holds the CSRF token, the language and who is logged in.
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
        CSRF_ENABLED=True,
        # Production settings (web/production.py): served over HTTPS, proxies in front.
        HTTPS=False,
        PROXY_FIX=0,
    )
    app.config.from_prefixed_env("SVERKA")
    secret_key.read_environment(app.config)
    if test_config is not None:
        app.config.from_mapping(test_config)
    secret_key.init_app(app)
    production.init_app(app)

    from web import (
        access,
        account,
        admin,
        align,
        csrf,
        db,
        documents,
        editor,
        errors,
        handoff,
        headers,
        health,
        i18n,
        imports,
        jobs,
        login,
        memory,
        scores,
        search,
        settings,
        throttle,
        urls,
    )

    app.url_map.converters["int"] = urls.RowIdConverter  # before any route is added
    db.init_app(app)
    errors.init_app(app)
    i18n.init_app(app)
    throttle.init_app(app)
    access.init_app(app)  # before the CSRF check: a request with a token needs none
    csrf.init_app(app)
    headers.init_app(app)
    # One blueprint per area; every page can link to every other.
    for blueprint in (account.bp, admin.bp, align.bp, documents.bp, editor.bp, handoff.bp,
                      health.bp, imports.bp, jobs.bp, login.bp, memory.bp, scores.bp,
                      search.bp, settings.bp):
        app.register_blueprint(blueprint)
    app.add_url_rule("/", endpoint="index", view_func=documents.index)
    # The desk's language pair, for pages that show or ask for a text before it has a document.
    app.jinja_env.globals.update(SOURCE_LANG=SOURCE_LANG, TARGET_LANG=TARGET_LANG)
    app.jinja_env.globals["url_template"] = urls.url_template
    app.jinja_env.filters["web_link"] = urls.web_link

    return app
