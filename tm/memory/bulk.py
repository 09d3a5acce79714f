"""Store memory units in bulk through the database driver, with bind values prepared once.

SQLAlchemy's Core ``executemany`` runs every value through its column type (``UTCDateTime``,
``LanguageTag``, ``JSON``): a Python call per value, which costs more than the insert itself.
Rows here arrive as tuples already in the form the database stores — dates as text, JSON
dumped, language tags normalized — and go to the driver in the caller's transaction: one
streaming ``executemany`` on SQLite, ``COPY … FROM STDIN`` on PostgreSQL, Core for any other
engine. Nothing is committed here.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from tm.formats.tmx import parse_tmx_date
from tm.models import MemoryUnit

# The memory_unit columns an imported row fills, in the order of its tuples.
COLUMNS = ("memory_id", "tuid", "src_lang", "tgt_lang", "source", "target", "source_markup",
           "target_markup", "source_key", "context_before", "context_after", "created_at",
           "created_by", "changed_at", "changed_by", "usage_count", "last_used_at", "extra",
           "imported_at")
DATE_COLUMNS = frozenset({"created_at", "changed_at", "last_used_at", "imported_at"})
# Rows per executemany for engines without a streaming path.
CORE_BATCH_ROWS = 5000
# Distinct TMX dates remembered: files written in one session repeat their dates, and a
# bound cache keeps memory flat on files that do not.
DATE_CACHE_SIZE = 1 << 14


def _sqlite_text(moment: dt.datetime) -> str:
    # SQLAlchemy's SQLite DATETIME storage format, in UTC as UTCDateTime stores it.
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _postgres_text(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()


@lru_cache(maxsize=DATE_CACHE_SIZE)
def _sqlite_date(value: str) -> str | None:
    moment = parse_tmx_date(value)
    return None if moment is None else _sqlite_text(moment)


@lru_cache(maxsize=DATE_CACHE_SIZE)
def _postgres_date(value: str) -> str | None:
    moment = parse_tmx_date(value)
    return None if moment is None else _postgres_text(moment)


class UnitInserter:
    """Insert memory_unit rows (tuples in :data:`COLUMNS` order) in the session's transaction."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._connection = session.connection()
        dialect = self._connection.dialect
        driver = self._connection.connection.driver_connection
        assert driver is not None, "the session's connection is open"
        self._driver = driver
        # Other drivers of these engines take the Core path, which is correct everywhere.
        self._mode = {("sqlite", "pysqlite"): "sqlite", ("postgresql", "psycopg"): "copy"}.get(
            (dialect.name, dialect.driver), "core")

    def tmx_date(self, value: str | None) -> Any:
        """Return a TMX date attribute as this engine stores it; None when absent or unreadable."""
        if not value:
            return None
        if self._mode == "sqlite":
            return _sqlite_date(value)
        if self._mode == "copy":
            return _postgres_date(value)
        return parse_tmx_date(value)

    def moment(self, value: dt.datetime) -> Any:
        """Return an aware datetime as this engine stores it."""
        if self._mode == "sqlite":
            return _sqlite_text(value)
        if self._mode == "copy":
            return _postgres_text(value)
        return value

    def json(self, value: dict[str, Any]) -> Any:
        """Return a JSON value as this engine's driver takes it."""
        return value if self._mode == "core" else json.dumps(value)

    def insert(self, rows: Iterable[tuple[Any, ...]]) -> None:
        """Insert every row of ``rows``, streaming them to the database."""
        if self._mode == "sqlite":
            sql = (f"INSERT INTO memory_unit ({', '.join(COLUMNS)}) "
                   f"VALUES ({', '.join('?' * len(COLUMNS))})")
            cursor = self._driver.cursor()
            try:
                cursor.executemany(sql, rows)
            finally:
                cursor.close()
        elif self._mode == "copy":
            with self._driver.cursor() as cursor, cursor.copy(
                    f"COPY memory_unit ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            table = MemoryUnit.__table__
            batch: list[dict[str, Any]] = []
            for row in rows:
                batch.append(dict(zip(COLUMNS, row, strict=True)))
                if len(batch) >= CORE_BATCH_ROWS:
                    self._session.execute(insert(table), batch)  # type: ignore[arg-type]
                    batch = []
            if batch:
                self._session.execute(insert(table), batch)  # type: ignore[arg-type]
