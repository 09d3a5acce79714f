"""Browser-test helpers: the app on a real server in a thread, Debian's Chromium via Playwright."""
from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from tm.accounts import create_user, find_user
from tm.models import Role

ROOT = Path(__file__).resolve().parent.parent
# The flags that work on this kind of machine: no sandbox as root, and no background
# networking (the network is closed; Chromium would retry connections forever).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
# Screenshots go to a temporary folder; SVERKA_SCREENSHOTS=docs refreshes the README's.
SCREENSHOTS_ENV = "SVERKA_SCREENSHOTS"


@contextmanager
def live_server(database_url: str) -> Iterator[str]:
    """Serve the app (CSRF on, as in production) on a free port; yield its base URL.

    Its jobs run in-process on a SQLite queue of its own, as ``sverka serve`` runs them.
    """
    from web import create_app
    from web.jobs import close_queue, start_consumer

    with tempfile.TemporaryDirectory(prefix="sverka-browser-") as folder:
        app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "browser-tests",
                          "QUEUE_URL": f"sqlite:///{Path(folder) / 'queue.sqlite3'}",
                          "SPOOL_DIR": str(Path(folder) / "spool")})
        start_consumer(app)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}"
        finally:
            server.shutdown()
            thread.join(timeout=10)
            close_queue(app)
            app.extensions["sverka_engine"].dispose()


BROWSER_PASSWORD = "browser-tests-password"


def log_in_page(page: Any, engine: Engine, login: str = "anna", *, name: str = "Anna",
                role: Role = Role.ADMIN, base: str = "") -> None:
    """Add user ``login`` (once) and log in through the login form, as a person would."""
    with Session(engine) as session:
        if find_user(session, login) is None:
            create_user(session, login, role=role, password=BROWSER_PASSWORD, display_name=name)
            session.commit()
    page.goto(f"{base}/login")
    page.fill("#login", login)
    page.fill("#password", BROWSER_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def screenshot_dir(default: Path) -> Path:
    """Return where screenshots go: docs/ when asked, else ``default``."""
    return ROOT / "docs" if os.environ.get(SCREENSHOTS_ENV) == "docs" else default
