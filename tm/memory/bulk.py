"""Store memory units in bulk through the database driver, with bind values prepared once.

SQLAlchemy's Core ``executemany`` runs every value through its column type (``UTCDateTime``,
``LanguageTag``, ``JSON``): a Python call per value, which costs more than the insert itself.
Rows here arrive as tuples already in the form the database stores — dates as text, JSON
dumped, language tags normalized, NULL as :attr:`RowFormat.null` — and go to the driver in
the caller's transaction: one streaming ``executemany`` on SQLite, ``COPY … FROM STDIN`` on
PostgreSQL, Core for any other engine. Nothing is committed here.

The fast paths also say which ids the rows got, in row order, so the caller can store
what it derived from each row (the search index's keys) without reading the rows back.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Index, Table, insert
from sqlalchemy.orm import Session

from tm.formats.tmx import parse_tmx_date
from tm.models import MemoryUnit

# The memory_unit columns an imported row fills, in the order of its tuples.
COLUMNS = ("memory_id", "tuid", "src_lang", "tgt_lang", "source", "target", "source_markup",
           "target_markup", "source_key", "context_before", "context_after", "created_at",
           "created_by", "changed_at", "changed_by", "usage_count", "last_used_at", "extra",
           "imported_at")
DATE_COLUMNS = frozenset({"created_at", "changed_at", "last_used_at", "imported_at"})
# pysqlite sends every None through its adapter protocol (a microsecond each, and an import
# row has ten): rows for SQLite carry NULL as this string instead, which the INSERT turns
# back into NULL. It cannot be a value: XML allows no NUL in text or attributes, and JSON
# escapes it.
SQLITE_NULL = "\x00"
# The memory_unit columns an imported row may leave NULL.
NULLABLE = frozenset({"tuid", "source_markup", "target_markup", "context_before",
                      "context_after", "created_at", "created_by", "changed_at", "changed_by",
                      "usage_count", "last_used_at", "extra"})
# Rows per executemany for engines without a streaming path.
CORE_BATCH_ROWS = 5000
# The sequence behind memory_unit.id on PostgreSQL.
_ID_SEQUENCE = "pg_get_serial_sequence('memory_unit', 'id')"
# SQLite page cache while loading, in KiB (SQLite's default is 2 MiB). The source-key index
# takes its inserts at random places (its keys are hashes), and with the default cache most
# of them miss; 16 MiB takes a third off the CPU per row at a million rows. Bounded, so
# memory stays flat whatever the file's size.
SQLITE_LOAD_CACHE_KIB = 16 * 1024
# On SQLite, building the source-key index once after the load (one sort) costs a fraction
# of updating it row by row, but it is built over the whole table: so only for a load
# expected to be at least this large and at least as large as the table already is.
REBUILD_INDEX_MIN_ROWS = 50_000
# Distinct TMX dates remembered: files written in one session repeat their dates, and a
# bound cache keeps memory flat on files that do not.
DATE_CACHE_SIZE = 1 << 14


def driver_kind(connection: Connection) -> str:
    """Return "sqlite" (pysqlite), "psycopg" (PostgreSQL) or "core" (any other driver).

    The first two are driven directly; any other goes through SQLAlchemy Core, which is
    slower but right everywhere.
    """
    dialect = connection.dialect
    return {("sqlite", "pysqlite"): "sqlite", ("postgresql", "psycopg"): "psycopg"}.get(
        (dialect.name, dialect.driver), "core")


def sqlite_datetime(moment: dt.datetime) -> str:
    """Return an aware datetime as UTCDateTime stores it on SQLite (SQLAlchemy's format, UTC)."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _postgres_text(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()


@lru_cache(maxsize=DATE_CACHE_SIZE)
def _sqlite_date(value: str) -> str | None:
    moment = parse_tmx_date(value)
    return None if moment is None else sqlite_datetime(moment)


@lru_cache(maxsize=DATE_CACHE_SIZE)
def _postgres_date(value: str) -> str | None:
    moment = parse_tmx_date(value)
    return None if moment is None else _postgres_text(moment)


class RowFormat:
    """How one engine's driver takes memory_unit values: dates, datetimes, JSON and NULL.

    ``mode`` is "sqlite", "copy" (PostgreSQL through psycopg's COPY) or "core" (SQLAlchemy
    does the conversions). Plain data, so a parsing process can prepare rows too.
    ``null`` is what a row holds for NULL (:data:`SQLITE_NULL` on SQLite, else None).
    """

    __slots__ = ("mode", "null")

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.null = SQLITE_NULL if mode == "sqlite" else None

    def __reduce__(self) -> tuple[type[RowFormat], tuple[str]]:
        return RowFormat, (self.mode,)

    def tmx_date(self, value: str | None) -> Any:
        """Return a TMX date attribute as this engine stores it; None when absent or unreadable."""
        if not value:
            return None
        if self.mode == "sqlite":
            return _sqlite_date(value)
        if self.mode == "copy":
            return _postgres_date(value)
        return parse_tmx_date(value)

    def moment(self, value: dt.datetime) -> Any:
        """Return an aware datetime as this engine stores it."""
        if self.mode == "sqlite":
            return sqlite_datetime(value)
        if self.mode == "copy":
            return _postgres_text(value)
        return value

    def json(self, value: dict[str, Any]) -> Any:
        """Return a JSON value as this engine's driver takes it."""
        return value if self.mode == "core" else json.dumps(value)


class UnitInserter:
    """Insert memory_unit rows (tuples in :data:`COLUMNS` order) in the session's transaction."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._connection = session.connection()
        driver = self._connection.connection.driver_connection
        assert driver is not None, "the session's connection is open"
        self._driver = driver
        self._mode = {"sqlite": "sqlite", "psycopg": "copy"}.get(driver_kind(self._connection),
                                                                "core")
        self.format = RowFormat(self._mode)

    @property
    def tells_batch_ids(self) -> bool:
        """Whether :meth:`insert` tells each batch's ids as soon as it is stored (SQLite,
        PostgreSQL): the caller can index a batch while the next one is read."""
        return self._mode in ("sqlite", "copy")

    def insert(self, batches: Iterable[Sequence[tuple[Any, ...]]], *, expected_rows: int = 0,
               stored: Callable[[Sequence[int]], None] | None = None) -> Sequence[int] | None:
        """Insert the rows of ``batches`` in order, streaming; return their ids in row order.

        ``expected_rows`` is a guess of how many rows will come, for choosing how to load.
        Where the engine tells a batch's ids at once (:attr:`tells_batch_ids`), ``stored``
        is called with them after each batch. The ids ascend; None when they are not known
        (Core) or only told batch by batch (PostgreSQL: a million of them would be a list).
        """
        if self._mode == "sqlite":
            return self._sqlite_insert(batches, expected_rows, stored)
        if self._mode == "copy":
            self._copy(batches, stored)
            return None
        rows = (row for batch in batches for row in batch)
        table = MemoryUnit.__table__
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append(dict(zip(COLUMNS, row, strict=True)))
            if len(batch) >= CORE_BATCH_ROWS:
                self._session.execute(insert(table), batch)  # type: ignore[arg-type]
                batch = []
        if batch:
            self._session.execute(insert(table), batch)  # type: ignore[arg-type]
        return None

    def _copy(self, batches: Iterable[Sequence[tuple[Any, ...]]],
              stored: Callable[[Sequence[int]], None] | None) -> None:
        """COPY each batch with ids taken from the sequence first, and tell them (``stored``).

        Ids taken before the rows go in are the batch's to say at once, whoever else takes
        ids meanwhile: the caller indexes a batch while the next is being read, not all of
        them in a tail after the last.
        """
        sql = f"COPY memory_unit (id, {', '.join(COLUMNS)}) FROM STDIN"
        with self._driver.cursor() as cursor:
            for batch in batches:
                if not batch:
                    continue
                ids = [row[0] for row in cursor.execute(
                    f"SELECT nextval({_ID_SEQUENCE}) FROM generate_series(1, %s)",
                    (len(batch),))]
                with cursor.copy(sql) as copy:
                    for unit_id, row in zip(ids, batch, strict=True):
                        copy.write_row((unit_id, *row))
                if stored is not None:
                    stored(ids)

    def _sqlite_insert(self, batches: Iterable[Sequence[tuple[Any, ...]]], expected_rows: int,
                       stored: Callable[[Sequence[int]], None] | None) -> Sequence[int]:
        values = ", ".join("NULLIF(?, char(0))" if c in NULLABLE else "?" for c in COLUMNS)
        sql = f"INSERT INTO memory_unit ({', '.join(COLUMNS)}) VALUES ({values})"
        driver = self._driver
        if not driver.in_transaction:
            # pysqlite begins only before DML; the index is dropped below, and that must
            # happen inside the caller's transaction so a failed import restores it.
            driver.execute("BEGIN")
        rebuild = None
        if expected_rows >= REBUILD_INDEX_MIN_ROWS:
            count = self._connection.exec_driver_sql(
                "SELECT count(*) FROM memory_unit").scalar_one()
            if expected_rows >= count:
                rebuild = _source_index()
                rebuild.drop(self._connection)
        cache = driver.execute("PRAGMA cache_size").fetchone()[0]
        driver.execute(f"PRAGMA cache_size = -{SQLITE_LOAD_CACHE_KIB}")
        cursor = driver.cursor()
        first = last = None
        try:
            for batch in batches:
                if not batch:
                    continue
                cursor.executemany(sql, batch)
                # The transaction holds the write lock, and SQLite gives each row the
                # largest id plus one: the batch got the ids up to the last, in order.
                last = driver.execute("SELECT last_insert_rowid()").fetchone()[0]
                ids = range(last - len(batch) + 1, last + 1)
                if first is None:
                    first = ids.start
                if stored is not None:
                    stored(ids)
            if rebuild is not None:
                rebuild.create(self._connection)
        finally:
            cursor.close()
            driver.execute(f"PRAGMA cache_size = {int(cache)}")
        return range(0) if first is None or last is None else range(first, last + 1)


def _source_index() -> Index:
    """Return the memory_unit index on (memory_id, source_key) duplicates are found with."""
    table = MemoryUnit.__table__
    assert isinstance(table, Table)
    for index in table.indexes:
        if [column.name for column in index.columns] == ["memory_id", "source_key"]:
            return index
    raise LookupError("memory_unit has no (memory_id, source_key) index")
