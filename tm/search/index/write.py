"""Writing the index: every unit's keys as a row of ``search_terms``, in the caller's transaction.

Rows go in as units are stored (:func:`index_units`; a bulk import, :class:`TermsWriter` or
:class:`PendingTerms`); :func:`reindex` rebuilds them and renews the generation, so every
process reloads its index (:mod:`tm.search.index.shared`).
"""
from __future__ import annotations

import struct
import tempfile
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from tm.models import MemoryUnit, SearchIndexState, SearchTerms
from tm.search.index.keys import key_blob

# Units indexed per INSERT batch: a batch's rows stay a few megabytes.
BATCH_SIZE = 10_000
# The one row of ``search_index_state``.
_STATE_ID = 1


def _touch_generation(session: Session, *, renew: bool = False) -> None:
    """Make sure the index has a generation (a new one when ``renew``)."""
    if renew:
        session.execute(delete(SearchIndexState))
    current = session.scalar(select(SearchIndexState.generation)
                             .where(SearchIndexState.id == _STATE_ID))
    if current is None:
        dialect = session.get_bind().dialect.name
        values = {"id": _STATE_ID, "generation": uuid.uuid4().hex}
        # Two first writers at once: the second keeps the first's generation.
        if dialect == "postgresql":
            session.execute(postgresql.insert(SearchIndexState).values(**values)
                            .on_conflict_do_nothing())
        elif dialect == "sqlite":
            session.execute(sqlite.insert(SearchIndexState).values(**values)
                            .on_conflict_do_nothing())
        else:
            session.execute(insert(SearchIndexState).values(**values))


def _insert_terms(session: Session, rows: list[tuple[int, int, bytes]]) -> None:
    """Insert index rows straight through the driver (no per-value processing to do)."""
    connection = session.connection()
    if connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg":
        # COPY: several times faster than INSERT for a million rows.
        driver = connection.connection.driver_connection
        assert driver is not None
        with driver.cursor() as cursor, cursor.copy(
                "COPY search_terms (unit_id, memory_id, keys) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = {"qmark": "?", "format": "%s", "pyformat": "%s"}.get(connection.dialect.paramstyle)
    if marks is None:
        session.execute(insert(SearchTerms), [
            {"unit_id": u, "memory_id": m, "keys": k} for u, m, k in rows])
        return
    connection.exec_driver_sql(
        f"INSERT INTO search_terms (unit_id, memory_id, keys) VALUES ({marks}, {marks}, "
        f"{marks})", rows)


def _insert_pages(session: Session, *conditions: Any) -> int:
    """Index the units matching ``conditions``, page by page in id order."""
    stmt = select(MemoryUnit.id, MemoryUnit.memory_id, MemoryUnit.source).where(*conditions)
    done, count = 0, 0
    while True:
        rows = session.execute(stmt.where(MemoryUnit.id > done).order_by(MemoryUnit.id)
                               .limit(BATCH_SIZE)).all()
        if not rows:
            return count
        _insert_terms(session, [(uid, mid, key_blob(source)) for uid, mid, source in rows])
        count += len(rows)
        done = rows[-1][0]


def index_units(session: Session, *, unit_ids: Iterable[int] | None = None,
                memory_id: int | None = None, after_id: int | None = None) -> int:
    """(Re)index units chosen by ids, or by memory and ``id > after_id``; return how many.

    Call it in the transaction that wrote the units: they are findable at once.
    """
    _touch_generation(session)
    if unit_ids is not None:
        ids, count = sorted(set(unit_ids)), 0
        for at in range(0, len(ids), BATCH_SIZE):
            chunk = ids[at:at + BATCH_SIZE]
            session.execute(delete(SearchTerms).where(SearchTerms.unit_id.in_(chunk)))
            count += _insert_pages(session, MemoryUnit.id.in_(chunk))
        return count
    conditions = [MemoryUnit.id > (after_id or 0)]
    if memory_id is not None:
        conditions.append(MemoryUnit.memory_id == memory_id)
    session.execute(delete(SearchTerms).where(SearchTerms.unit_id.in_(
        select(MemoryUnit.id).where(*conditions))))
    return _insert_pages(session, *conditions)


class TermsWriter:
    """Index rows written batch by batch as units are stored, where the engine tells a
    batch's ids at once (SQLite, PostgreSQL): nothing is kept aside, and the rows go in
    while the import is still reading. Units deleted afterwards (duplicates) take their
    rows with them (``ON DELETE CASCADE``).
    """

    def __init__(self, session: Session, *, memory_id: int, after_id: int) -> None:
        self._session, self._memory_id = session, memory_id
        _touch_generation(session)
        if session.get_bind().dialect.name == "sqlite":
            # Rows left by units of the coming ids deleted without their cascade (a file
            # once written with foreign keys off): as index_units renews them. SQLite has
            # one writer, so every unit after ``after_id`` is this import's; on PostgreSQL
            # they may be another import's, committed meanwhile, and its keys stay.
            session.execute(delete(SearchTerms).where(SearchTerms.unit_id > after_id))
        self.count = 0

    def write(self, unit_ids: Sequence[int], blobs: Sequence[bytes]) -> None:
        """Index the units ``unit_ids`` just stored, whose keys are ``blobs`` (key_blob)."""
        memory_id = self._memory_id
        _insert_terms(self._session, [(unit_id, memory_id, blob) for unit_id, blob
                                      in zip(unit_ids, blobs, strict=True)])
        self.count += len(blobs)


class PendingTerms:
    """Index rows of units stored in bulk, made from each source as its row is built.

    The keys go to a temporary file (memory stays flat however many units come); once the
    units have their ids and the import has dropped its duplicates, :meth:`write` inserts
    the rows through the driver, as the units went in, without reading a unit back.
    """

    _LENGTH = struct.Struct("<I")

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()
        self.count = 0

    def add(self, sources: Sequence[str]) -> None:
        """Keep the keys of the next units' sources."""
        self.add_blobs([key_blob(source) for source in sources])

    def add_blobs(self, blobs: Sequence[bytes]) -> None:
        """Keep the next units' keys, made already with :func:`key_blob`."""
        pack = self._LENGTH.pack
        parts = []
        for blob in blobs:
            parts.append(pack(len(blob)))
            parts.append(blob)
        self._file.write(b"".join(parts))
        self.count += len(blobs)

    def write(self, session: Session, *, memory_id: int, unit_ids: Sequence[int],
              dropped: bool = True) -> int:
        """Index the units added, whose ids are ``unit_ids`` (ascending, in order); return how
        many were indexed. ``dropped`` says some of them may have been deleted since.
        """
        if len(unit_ids) != self.count:
            raise ValueError(f"{self.count} units were added, {len(unit_ids)} ids given")
        _touch_generation(session)
        if not unit_ids:
            return 0
        first, last = unit_ids[0], unit_ids[-1]
        # Rows left by units of these ids deleted without their cascade (none in a database
        # that enforces foreign keys): as index_units renews them.
        session.execute(delete(SearchTerms).where(SearchTerms.unit_id.between(first, last)))
        alive: Iterable[int] | None = None
        if dropped:
            alive = session.scalars(select(MemoryUnit.id).where(
                MemoryUnit.id.between(first, last), MemoryUnit.memory_id == memory_id)
                .order_by(MemoryUnit.id)).all()
        self._file.seek(0)
        read, length = self._file.read, self._LENGTH.unpack
        survivors = iter(alive) if alive is not None else None
        next_alive = next(survivors, None) if survivors is not None else None
        batch: list[tuple[int, int, bytes]] = []
        count = 0
        for uid in unit_ids:
            blob = read(length(read(4))[0])
            if survivors is not None:
                while next_alive is not None and next_alive < uid:
                    next_alive = next(survivors, None)
                if next_alive != uid:
                    continue
            batch.append((uid, memory_id, blob))
            if len(batch) >= BATCH_SIZE:
                _insert_terms(session, batch)
                count, batch = count + len(batch), []
        if batch:
            _insert_terms(session, batch)
        return count + len(batch)

    def close(self) -> None:
        """Delete the temporary file."""
        self._file.close()


def reindex(session: Session, *, memory_id: int | None = None) -> int:
    """Rebuild the index of every unit (of one memory); every process reloads it."""
    stmt = delete(SearchTerms)
    if memory_id is not None:
        stmt = stmt.where(SearchTerms.memory_id == memory_id)
    session.execute(stmt)
    _touch_generation(session, renew=True)
    conditions = [] if memory_id is None else [MemoryUnit.memory_id == memory_id]
    return _insert_pages(session, *conditions)
