"""Shared fixtures: a migrated database, a session, the Flask app and client, the CLI runner.

The suite runs on SQLite by default and on PostgreSQL when SVERKA_TEST_DATABASE_URL is set
(``.ci/run`` does both).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tests.browser import CHROMIUM_ARGS
from tests.components import require_module, require_program
from tests.dbutil import empty_all_tables, temporary_database
from tm.accounts import create_user
from tm.align import align_sentences
from tm.db import make_engine, upgrade
from tm.ingest import ImportResult, TranslationInput, import_article, read_article
from tm.models import Role, User

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "corpora"
SEED = CORPORA / "sputnik-2022-01-21-kz-mfa-europarl"
SHARED = ROOT.parent / "shared"


def pytest_sessionstart(session: pytest.Session) -> None:
    """Compile the aligner's DP (numba, cached on disk) before any test, so that on a fresh
    clone no server a test starts spends its first import's seconds compiling it."""
    align_sentences(["Первое предложение."], ["The first sentence."])


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that drives Chromium ``browser`` (``-m "not browser"`` leaves them out)."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


def import_seed(session: Session, **options: Any) -> ImportResult:
    """Import the seed article with its human translation in ``session`` (not committed)."""
    translation = TranslationInput(article=read_article(SEED / "en.human.txt"))
    return import_article(session, read_article(SEED / "ru.txt"), translations=[translation],
                          **options)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of the suite's database, migrated to the newest schema."""
    with temporary_database(tmp_path_factory.mktemp("db")) as url:
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    """The suite's engine."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def clean_db(engine: Engine) -> Iterator[Engine]:
    """The database, emptied after the test."""
    yield engine
    empty_all_tables(engine)


@pytest.fixture
def session(clean_db: Engine) -> Iterator[Session]:
    """A session; the test's work is rolled back and the tables emptied afterwards."""
    with Session(clean_db, expire_on_commit=False) as session:
        yield session
        session.rollback()


@pytest.fixture
def app(database_url: str, clean_db: Engine, tmp_path: Path) -> Iterator[Flask]:
    """The web app on the suite's database, running its jobs in-process as ``serve`` does.

    Its job queue is a SQLite file of the test's own (the embedded default), consumed by a
    real Huey consumer in this process.
    """
    from web import create_app
    from web.jobs import close_queue, start_consumer

    # The shared test client posts without a CSRF token; tests/test_web_safety.py and the
    # browser tests run with the check on.
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "CSRF_ENABLED": False,
                      "QUEUE_URL": f"sqlite:///{tmp_path / 'queue.sqlite3'}",
                      "SPOOL_DIR": str(tmp_path / "spool")})
    start_consumer(app)
    yield app
    close_queue(app)
    app.extensions["sverka_engine"].dispose()


def add_user(engine: Engine, login: str = "anna", role: Role = Role.ADMIN, *,
             display_name: str | None = "Anna", password: str | None = None) -> int:
    """Add a user (committed) and return their id; no password unless one is given."""
    with Session(engine) as session:
        user = create_user(session, login, role=role, password=password,
                           display_name=display_name)
        session.commit()
        return user.id


def log_in(client: FlaskClient, engine: Engine, user_id: int) -> FlaskClient:
    """Put user ``user_id`` in ``client``'s session, as a login would (Flask-Login's keys)."""
    with Session(engine) as session:
        user = session.get(User, user_id)
        assert user is not None
        credentials = user.credentials
    with client.session_transaction() as cookie:
        cookie["_user_id"] = f"{user_id}.{credentials}"
        cookie["_fresh"] = True
    return client


def logged_in_client(app: Flask) -> FlaskClient:
    """A test client of ``app`` logged in as a new admin of the app's own database."""
    engine = app.extensions["sverka_engine"]
    return log_in(app.test_client(), engine, add_user(engine))


@pytest.fixture
def client(app: Flask, clean_db: Engine) -> FlaskClient:
    """A test client logged in as Anna, an admin (so every route is open to it)."""
    return log_in(app.test_client(), clean_db, add_user(clean_db))


@pytest.fixture
def anonymous(app: Flask) -> FlaskClient:
    """A test client nobody is logged in to."""
    return app.test_client()


@pytest.fixture
def client_as(app: Flask, clean_db: Engine) -> Callable[[Role], FlaskClient]:
    """Make a test client logged in as a new user with a role (login: the role's name)."""
    def make(role: Role) -> FlaskClient:
        user_id = add_user(clean_db, role.value, role, display_name=role.value.title())
        return log_in(app.test_client(), clean_db, user_id)

    return make


@pytest.fixture
def runner(database_url: str, clean_db: Engine) -> Callable[..., Result]:
    """Run ``sverka`` with arguments on the suite's database."""
    from tm.cli import cli

    cli_runner = CliRunner()

    def run(*args: str, input: str | bytes | None = None) -> Result:
        return cli_runner.invoke(cli, ["--db", database_url, *args], input=input,
                                 catch_exceptions=False)

    return run


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright (never a downloaded browser).

    One per test module: Playwright's thread ends with it, so later modules' code sees a
    single-threaded process again (a TMX import forks its parsing process only then).
    """
    executable = require_program("chromium")
    require_module("playwright")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True,
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def seed_document(session: Session) -> int:
    """The seed article imported with its human translation, committed: its document's id."""
    document_id = import_seed(session).document.id
    session.commit()
    return document_id


@pytest.fixture(scope="session", autouse=True)
def suite_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The suite's data directory (the app keeps its generated secret key there), never the
    user's: ``SVERKA_DATA_DIR`` for every app, command and server process the tests start."""
    directory = tmp_path_factory.mktemp("data")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SVERKA_DATA_DIR", str(directory))
        yield directory
