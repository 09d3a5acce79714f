"""Test databases: a temporary SQLite file, or a temporary database on a PostgreSQL server."""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

# Set to a PostgreSQL URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test) to run the
# whole suite against PostgreSQL; unset, the suite runs on SQLite.
TEST_DATABASE_ENV = "SVERKA_TEST_DATABASE_URL"


def server_url() -> str | None:
    """Return the PostgreSQL URL the suite was asked to run on, if any."""
    url = os.environ.get(TEST_DATABASE_ENV)
    if url and url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url or None


@contextmanager
def temporary_database(directory: Path) -> Iterator[str]:
    """Yield the URL of a new, empty database, dropped afterwards."""
    base = server_url()
    if base is None:
        yield f"sqlite:///{directory / f'sverka-{uuid.uuid4().hex[:8]}.sqlite3'}"
        return
    name = f"sverka_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def empty_all_tables(engine: Engine) -> None:
    """Delete every row of every table (the schema stays), so the next test starts clean."""
    from tm.models import Base

    tables = list(reversed(Base.metadata.sorted_tables))
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())
