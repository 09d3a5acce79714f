"""Test databases: a temporary SQLite file, or a temporary database on a PostgreSQL server."""
from __future__ import annotations

import os
from contextlib import AbstractContextManager
from pathlib import Path

from sqlalchemy import Engine, text

from tm.db import scratch_database

# Set to a PostgreSQL URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test) to run the
# whole suite against PostgreSQL; unset, the suite runs on SQLite.
TEST_DATABASE_ENV = "SVERKA_TEST_DATABASE_URL"


def server_url() -> str | None:
    """Return the PostgreSQL URL the suite was asked to run on, if any."""
    url = os.environ.get(TEST_DATABASE_ENV)
    if url and url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url or None


def temporary_database(directory: Path) -> AbstractContextManager[str]:
    """A new, empty database for the suite's engine, dropped afterwards."""
    return scratch_database(directory, server_url(), prefix="sverka_test")


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
