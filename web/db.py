"""One engine per app, one session per request; the request owns the transaction."""
from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy.orm import Session

from tm.db import make_engine, session_factory

# Seconds a request waits for SQLite's one writer (an import holds it for its whole
# transaction): a concurrent save takes milliseconds, so waiting longer only keeps the user
# from the clear "busy, try again" answer. SVERKA_BUSY_TIMEOUT_S changes it.
BUSY_TIMEOUT_S = 3.0


def init_app(app: Flask) -> None:
    """Create the app's engine and close each request's session when it ends."""
    from tm.search.index import configure_index_dir

    engine = make_engine(app.config["DATABASE_URL"],
                         busy_timeout_s=float(app.config.get("BUSY_TIMEOUT_S", BUSY_TIMEOUT_S)))
    # The search index is a file of the data dir that every process of this machine maps.
    configure_index_dir(engine, app.config["DATA_DIR"])
    app.extensions["sverka_engine"] = engine
    app.extensions["sverka_sessions"] = session_factory(engine)
    app.teardown_appcontext(close_session)


def get_session() -> Session:
    """Return the request's session, opening it on first use."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["sverka_sessions"]()
    session: Session = g.db_session
    return session


def close_session(error: BaseException | None = None) -> None:
    """Roll back whatever the request did not commit, and close its session."""
    session = g.pop("db_session", None)
    if session is not None:
        if error is not None:
            session.rollback()
        session.close()
