"""Engines, sessions and schema migrations.

SQLite in a data directory is the embedded default; any SQLAlchemy URL (PostgreSQL for
teams) can be given instead. The schema is always created by Alembic migrations.
"""
from __future__ import annotations

import errno
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any, Protocol, TypeVar

from sqlalchemy import Engine, create_engine, event, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from tm.errors import BusyError, NotFoundError, StorageFullError, SverkaError
from tm.messages import Message, system_reason

DATA_DIR_ENV = "SVERKA_DATA_DIR"
DATABASE_URL_ENV = "SVERKA_DATABASE_URL"
SQLITE_FILENAME = "sverka.sqlite3"
# Rows per INSERT statement when many go in at once (a test set's tracks, its scores):
# large enough that the round trips do not matter, small enough to stay far below
# PostgreSQL's 65,535 bind parameters per statement.
INSERT_BATCH_ROWS = 2000
# The largest id a row can have (an INTEGER key on PostgreSQL). A larger one names no row:
# asking the database would fail with an overflow instead of finding nothing.
MAX_ID = 2**31 - 1
# Seconds a SQLite writer waits for another one before giving up: long enough for a
# concurrent save from the web UI, short enough that a stuck writer is reported.
SQLITE_BUSY_TIMEOUT_S = 15
# The newest migration of tm/migrations/versions/ (tests/test_migrations.py checks it is
# Alembic's head). Every command compares the database with it before its work: asking
# Alembic's scripts instead costs each command about 80 ms of imports (Alembic, Mako and the
# DDL of every dialect), so they are read only for a database at another revision.
SCHEMA_HEAD = "0011"
# The table where Alembic keeps the revision of the schema (its default name).
VERSION_TABLE = "alembic_version"


def default_data_dir() -> Path:
    """Return the data directory: ``$SVERKA_DATA_DIR`` or the user's XDG data directory."""
    if os.environ.get(DATA_DIR_ENV):
        return Path(os.environ[DATA_DIR_ENV]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "sverka"


def database_url(db: str | None = None, data_dir: str | Path | None = None) -> str:
    """Return ``db``, else ``$SVERKA_DATABASE_URL``, else the SQLite URL in the data dir."""
    url = db or os.environ.get(DATABASE_URL_ENV)
    if url:
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]  # psycopg 3 driver
        return url
    directory = Path(data_dir).expanduser() if data_dir else default_data_dir()
    return f"sqlite:///{directory / SQLITE_FILENAME}"


SQLITE_PAGE_SIZE = 16384


def _sqlite_pragmas(dbapi_connection: Any, _record: Any, *, busy_timeout_s: float) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
    # Only a new, empty database takes it (before WAL mode): rows of memory units and
    # segments are long, and 16 KiB pages take a tenth off a million-unit TMX import
    # (fewer pages to split, write and checkpoint) at no cost to small reads.
    cursor.execute(f"PRAGMA page_size = {SQLITE_PAGE_SIZE}")
    cursor.execute("PRAGMA journal_mode = WAL")  # readers never block the writer
    cursor.close()


def make_engine(url: str, *, busy_timeout_s: float | None = None) -> Engine:
    """Create an engine for ``url``; for SQLite, create its directory and set safe pragmas.

    ``busy_timeout_s``: how long a SQLite writer waits for another (default
    :data:`SQLITE_BUSY_TIMEOUT_S`).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            try:
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise SverkaError("data-dir-unwritable",
                                  "cannot create data directory for {database}: {reason}",
                                  database=parsed.database,
                                  reason=system_reason(error)) from error
        timeout = SQLITE_BUSY_TIMEOUT_S if busy_timeout_s is None else busy_timeout_s
        engine = create_engine(url, connect_args={"timeout": timeout})
        event.listen(engine, "connect", partial(_sqlite_pragmas, busy_timeout_s=timeout))
        return engine
    try:
        return create_engine(url, pool_pre_ping=True)
    except ImportError as error:
        raise SverkaError("database-driver-missing",
                          "database driver missing for {backend}: install sverka[postgres]",
                          backend=parsed.get_backend_name()) from error


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Return a session factory bound to ``engine``; objects stay usable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """Yield a session whose work is committed on success and rolled back on any error."""
    with factory() as session, session.begin():
        yield session


@contextmanager
def scratch_database(directory: Path, server: str | None = None, *,
                     prefix: str = "sverka_scratch") -> Iterator[str]:
    """Yield the URL of a new, empty database, dropped afterwards (tests and benchmarks).

    Without ``server`` it is a SQLite file in ``directory``; with a PostgreSQL URL it is a
    database created on that server (its user must be allowed to create databases).
    """
    if server is None:
        path = directory / f"{prefix}-{uuid.uuid4().hex[:8]}.sqlite3"
        try:
            yield f"sqlite:///{path}"
        finally:
            for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                leftover.unlink(missing_ok=True)
        return
    server = database_url(server)
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def alembic_config(engine: Engine) -> Any:
    """Return an Alembic config that runs Sverka's migrations on ``engine``."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "tm:migrations")
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Create or migrate the schema to ``revision``."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Migrate the schema down to ``revision`` (``base`` drops everything)."""
    from alembic import command

    command.downgrade(alembic_config(engine), revision)


def head_revision(engine: Engine) -> str | None:
    """Return the newest revision of Sverka's migrations, as Alembic reads the scripts."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """Return the schema revision of the database, or None if it has no schema yet."""
    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        revisions = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).all()
    if len(revisions) > 1:
        raise SverkaError("schema-revisions-several",
                          "the database has several schema revisions: {revisions}",
                          revisions=", ".join(sorted(r[0] for r in revisions)))
    return str(revisions[0][0]) if revisions else None


Row = TypeVar("Row")


class _Named(Protocol):
    name: Any  # a mapped column: compared in a query, a str on a row


NamedRow = TypeVar("NamedRow", bound=_Named)


# What is said when a row is not there, by the kind of row (``what``): each kind has its own
# code and words (a noun put into a sentence would not translate).
MISSING_BY_ID: dict[str, Callable[[int], Message]] = {
    "document": lambda ident: Message("document-missing", "no document with id {id}", id=ident),
    "segment": lambda ident: Message("segment-missing", "no segment with id {id}", id=ident),
    "translation": lambda ident: Message("translation-missing",
                                         "no translation with id {id}", id=ident),
    "test set": lambda ident: Message("testset-id-missing", "no test set with id {id}",
                                      id=ident),
}
MISSING_BY_NAME: dict[str, Callable[[str], Message]] = {
    "track": lambda name: Message("track-missing", "no track named {name!r}", name=name),
    "memory": lambda name: Message("memory-missing", "no memory named {name!r}", name=name),
    "test set": lambda name: Message("testset-missing", "no test set named {name!r}",
                                     name=name),
}


def get_by_id(session: Session, model: type[Row], ident: int, *, what: str) -> Row:
    """Return the ``model`` row with id ``ident``, or raise NotFoundError ("no WHAT with id N").

    ``what`` names the kind of row, a key of :data:`MISSING_BY_ID` (its message).
    """
    missing = MISSING_BY_ID[what]
    row = session.get(model, ident) if 0 < ident <= MAX_ID else None
    if row is None:
        raise NotFoundError(missing(ident))
    return row


def get_by_name(session: Session, model: type[NamedRow], name: str, *, what: str) -> NamedRow:
    """Return the ``model`` row called ``name``, or raise NotFoundError ("no WHAT named 'x'").

    ``what`` names the kind of row, a key of :data:`MISSING_BY_NAME` (its message).
    """
    missing = MISSING_BY_NAME[what]
    row: NamedRow | None = session.scalars(select(model).where(model.name == name)).first()
    if row is None:
        raise NotFoundError(missing(name))
    return row


def savepoint(session: Session) -> SessionTransaction:
    """Begin a SAVEPOINT in ``session``'s transaction (a failure inside undoes only its work).

    pysqlite begins a transaction only before a write; a SAVEPOINT that began one instead
    would end it on RELEASE, committing the caller's transaction halfway. So on SQLite the
    transaction is begun first, as the next write would have begun it.
    """
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        raw = connection.connection.dbapi_connection
        if raw is not None and not raw.in_transaction:
            connection.exec_driver_sql("BEGIN")
    return session.begin_nested()


# PostgreSQL's SQLSTATEs for a full disk, and for a lock not granted in time or a deadlock.
_PG_FULL = {"53100"}
_PG_BUSY = {"55P03", "40P01"}


def database_name(url: str) -> str | Message:
    """Return how a message names the database at ``url``: its file, or its name on a server."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return Path(parsed.database or "memory").name
    return Message("database-on-server", "{database} on {host}", database=parsed.database,
                   host=parsed.host or "localhost")


def resource_error(error: BaseException, *, database: str | Message) -> SverkaError | None:
    """Say what a user can act on when ``error`` means the database is busy or a disk is
    full (``database``: how to name it, see :func:`database_name`); None for anything else.
    """
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
        if error.filename:
            return StorageFullError("storage-full-file", "the disk is full ({file}): free some "
                                    "space and try again; nothing was saved",
                                    file=str(error.filename))
        return StorageFullError("storage-full", "the disk is full: free some space and try "
                                "again; nothing was saved")
    # SQLAlchemy wraps the driver's error; the bulk paths meet the driver's own.
    cause = getattr(error, "orig", None) or error
    said, state = str(cause).lower(), getattr(cause, "sqlstate", None)
    if "database or disk is full" in said or state in _PG_FULL:
        return StorageFullError("database-storage-full", "the disk holding the database "
                                "{database} is full: free some space and try again; nothing "
                                "was saved", database=database)
    if "database is locked" in said or state in _PG_BUSY:
        return BusyError("database-busy", "the database {database} is busy with another change "
                         "(an import?): try again in a moment; nothing was saved",
                         database=database)
    return None
