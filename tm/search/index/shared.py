"""A process's index of one database: committed rows as arrays, kept up to date.

The shared index reads committed rows through its own connection (at most every
``REFRESH_S``); every lookup also reads, in the caller's transaction, the rows the shared index
has not read yet (:func:`_lookup`), so a new unit is findable at once. Given a directory
(:func:`configure_index_dir`), its arrays are the newest file of the generation there, mapped,
and a merge writes the next (:mod:`tm.search.index.store`).
"""
from __future__ import annotations

import contextlib
import math
import os
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, literal, or_, select
from sqlalchemy.orm import Session

from tm.models import SearchIndexState, SearchTerms
from tm.search.index.arrays import _Arrays, _Rows
from tm.search.index.build import Builder
from tm.search.index.store import IndexFile, IndexStore, Snapshot
from tm.search.index.write import _STATE_ID

# New rows kept in the small Python side index before the arrays are rebuilt with them:
# merging costs a rebuild (seconds at a million units), so not on every unit, but the
# side index is scanned in Python, so not too many either.
DELTA_MERGE_MIN = 20_000
DELTA_MERGE_SHARE = 0.05
# On PostgreSQL a transaction that started earlier can commit a lower id after a later one
# was read; ids skipped over are looked for again for this long, then given up (reindex).
GAP_WAIT_S = 3600.0
MAX_GAP_RANGES = 256
# Seconds between reads of committed rows into the shared index. Between them every lookup
# reads the few rows added since in its own transaction (one statement either way), so
# nothing waits for a refresh to be found; this only keeps that read short.
REFRESH_S = 1.0
# Pending rows past which the shared index reads them at once instead.
LOCAL_MAX = 2000


# Rows read per statement: a page's ``bytes`` objects stay a few megabytes, however many
# rows there are, and a page costs one primary-key range scan.
FETCH_ROWS = 2_000


class SharedIndex:
    """One process's index of one database: committed rows, arrays plus a small delta.

    With a store (:func:`configure_index_dir`), the arrays are a file other processes of the
    machine map too: a process maps the newest file of the generation instead of building,
    and a merge writes a new one.
    """

    def __init__(self, store: IndexStore | None = None) -> None:
        self.lock = threading.RLock()
        self.store = store
        self.generation: str | None = None
        self.arrays = _Arrays.nothing()
        self.delta = _Rows()
        self.last_id = 0
        # Ranges of ids skipped over (lo, hi, first seen), and ids read from them since.
        self.gaps: list[tuple[int, int, float]] = []
        self.gap_seen: set[int] = set()
        self.loaded_rows = 0
        self.refreshed_at = -math.inf
        # The file the arrays are mapped from, and the last id it holds.
        self.loaded_from: Path | None = None
        self.file_last_id = -1

    def refresh_from(self, engine: Engine) -> None:
        """Read the committed rows not read yet through a connection of its own."""
        with engine.connect() as connection:
            self.refresh(connection)
        self.refreshed_at = time.monotonic()

    def _reset(self, generation: str | None) -> None:
        self.__init__(self.store)  # type: ignore[misc]
        self.generation = generation

    def _pending(self, *, after: int = 0, last_id: int | None = None,
                 gaps: Sequence[tuple[int, int, float]] | None = None) -> Any:
        """The condition selecting rows this index has not read yet (of ids past ``after``).

        Each range starts past ``after`` itself: given ``id > 0 AND id > 500000``, SQLite
        seeks by the first bound and scans from there.
        """
        if gaps is None:
            now = time.monotonic()
            self.gaps = [g for g in self.gaps if now - g[2] < GAP_WAIT_S][-MAX_GAP_RANGES:]
            gaps = self.gaps
        last_id = self.last_id if last_id is None else last_id
        parts = [SearchTerms.id > max(last_id, after)]
        parts += [SearchTerms.id.between(max(lo, after + 1), hi) for lo, hi, _ in gaps
                  if hi > after]
        return or_(*parts)

    def _unseen(self, rows: Sequence[Sequence[Any]]) -> Sequence[Sequence[Any]]:
        if not self.gaps:  # read as ``id > last_id``: all new
            return rows
        return [r for r in rows if r[0] > self.last_id or r[0] not in self.gap_seen]

    def refresh(self, connection: Connection) -> None:
        """Read the rows committed since the last look; reload all on a new generation."""
        generation = connection.scalar(select(SearchIndexState.generation)
                                       .where(SearchIndexState.id == _STATE_ID))
        if generation != self.generation:
            self._reset(generation)
            if self.store is not None and generation is not None:
                self._adopt(self.store.newest(generation))
        try:
            while not self._read(connection):
                pass
        except BaseException:
            self._reset(None)  # half read: the next lookup reads everything again
            raise

    def _merge_at(self) -> float:
        """Rows past which the delta is merged into the arrays."""
        if not len(self.arrays):
            return 0
        return max(DELTA_MERGE_MIN, DELTA_MERGE_SHARE * len(self.arrays))

    def _read(self, connection: Connection) -> bool:
        """Read the pending rows, merging them into the arrays if many; ``False``: read again
        (another process stored a newer file, now mapped)."""
        columns = (SearchTerms.id, SearchTerms.unit_id, SearchTerms.memory_id, SearchTerms.keys)
        self._pending()  # drops the gaps given up on
        last_id, gaps, after = self.last_id, list(self.gaps), 0
        builder: Builder | None = None
        with contextlib.ExitStack() as stack:
            # Page by page in id order (the primary key's index): a page's ``bytes`` stay a
            # few megabytes, and no driver holds the whole result.
            while True:
                pending = self._pending(after=after, last_id=last_id, gaps=gaps)
                result = connection.execute(select(*columns).where(pending)
                                            .order_by(SearchTerms.id).limit(FETCH_ROWS))
                # Straight from the driver's cursor: a million rows through Result cost seconds.
                batch = result.cursor.fetchall()
                result.close()
                if not batch:
                    break
                after = batch[-1][0]
                rows = self._unseen(batch)
                if builder is None and len(self.delta) + len(rows) > self._merge_at():
                    if self.store is not None and self._locked(stack):
                        newer = self.store.newest(self.generation or "")
                        if newer is not None and newer.last_id > self.file_last_id \
                                and self._adopt(newer):
                            return False
                    builder = Builder()
                    builder.add_arrays(self.arrays)
                    builder.add_rows(self.delta)
                    # Under the lock, no lookup of this process sees the arrays meanwhile.
                    self.arrays, self.delta = _Arrays.nothing(), _Rows()
                if rows:
                    self._note_gaps([r[0] for r in rows])
                    self.loaded_rows += len(rows)
                    if builder is not None:
                        builder.add_rows(rows)
                    else:
                        self.delta.extend(rows)
                if len(batch) < FETCH_ROWS:
                    break
            if builder is not None:
                self.arrays = builder.finish()
                self.loaded_from, self.file_last_id = None, self.last_id
                self._store()
        return True

    def _locked(self, stack: contextlib.ExitStack[Any]) -> bool:
        """Take the store's build lock until ``stack`` ends; ``False`` if it cannot be had."""
        assert self.store is not None
        try:
            stack.enter_context(self.store.lock())
        except OSError:
            return False  # an unwritable directory: this process builds in memory
        return True

    def _snapshot(self) -> Snapshot:
        now = time.monotonic()
        return Snapshot(self.arrays, self.last_id,
                        [(lo, hi, now - seen) for lo, hi, seen in self.gaps],
                        sorted(self.gap_seen), self.loaded_rows)

    def _store(self) -> None:
        """Write the arrays (just built, no delta) to the store, and map them from there."""
        if self.store is None or self.generation is None:
            return
        try:
            written = self.store.write(self.generation, self._snapshot())
        except OSError:
            return  # a full or read-only disk: this process keeps its arrays in memory
        self._adopt(written)

    def _adopt(self, file: IndexFile | None) -> bool:
        """Take the arrays and the read rows' state from ``file``; whether it could be read."""
        if file is None or self.store is None:
            return False
        snapshot = self.store.read(file)
        if snapshot is None:
            return False
        now = time.monotonic()
        self.arrays, self.delta = snapshot.arrays, _Rows()
        self.last_id, self.loaded_rows = snapshot.last_id, snapshot.rows
        self.gaps = [(lo, hi, now - age) for lo, hi, age in snapshot.gaps]
        self.gap_seen = set(snapshot.gap_seen)
        self.loaded_from, self.file_last_id = file.path, file.last_id
        return True

    def _note_gaps(self, ids: list[int]) -> None:
        if ids[0] == self.last_id + 1 and ids[-1] == self.last_id + len(ids):
            self.last_id = ids[-1]  # ascending and unique: no id skipped
            return
        now = time.monotonic()
        expected = self.last_id + 1
        for rid in ids:
            if rid <= self.last_id:
                self.gap_seen.add(rid)
                continue
            if rid > expected:
                self.gaps.append((expected, rid - 1, now))
            expected = rid + 1
        self.last_id = max(self.last_id, ids[-1])

    def frequency(self, key: int) -> int:
        return self.arrays.frequency(key)


_INDEXES: weakref.WeakKeyDictionary[Engine, SharedIndex] = weakref.WeakKeyDictionary()
_INDEXES_LOCK = threading.Lock()


def shared_index(engine: Engine) -> SharedIndex:
    """Return this process's index of the database behind ``engine``."""
    with _INDEXES_LOCK:
        index = _INDEXES.get(engine)
        if index is None:
            index = _INDEXES[engine] = SharedIndex()
        return index


def configure_index_dir(engine: Engine, path: str | os.PathLike[str]) -> None:
    """Keep the index of ``engine``'s database in a file under ``path`` (an app's data dir).

    Every process given the same directory maps one file instead of building its own
    arrays: a new process serves lookups at once, and the machine holds one copy. Call it
    before the first lookup; without it, the index lives in the process's memory.
    """
    if not _separate_reads(engine):
        return  # in-memory SQLite: nothing another process could share
    index = shared_index(engine)
    with index.lock:
        url = engine.url.render_as_string(hide_password=True)
        index.store = IndexStore.for_database(path, url)
        index._reset(None)


def warm_index(engine: Engine) -> int:
    """Load this process's index of ``engine``'s database now; return the rows it holds.

    A lookup loads it on first use (seconds at a million units); a server calls this at
    start, in a thread, so the first translator to ask for suggestions does not wait.
    """
    index = shared_index(engine)
    if _separate_reads(engine):
        with index.lock:
            index.refresh_from(engine)
    return index.loaded_rows


def _engine(session: Session) -> Engine:
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


def _separate_reads(engine: Engine) -> bool:
    """Whether another connection sees the same database (not so for in-memory SQLite)."""
    return not (engine.dialect.name == "sqlite" and engine.url.database in (None, "", ":memory:"))


def _read_local(session: Session, index: SharedIndex, *,
                everything: bool = False) -> tuple[str | None, _Rows]:
    """Return the index generation and the rows the caller sees that ``index`` has not read.

    One statement: the generation rides on every row, and the outer join from a one-row
    table returns it even when there is no new row.
    """
    state = (select(SearchIndexState.generation)
             .where(SearchIndexState.id == _STATE_ID).scalar_subquery())
    one = select(literal(1).label("one")).subquery()
    condition = SearchTerms.id > 0 if everything else index._pending()
    rows = session.execute(
        select(state, SearchTerms.id, SearchTerms.unit_id, SearchTerms.memory_id,
               SearchTerms.keys).select_from(one).outerjoin(SearchTerms, condition)).all()
    local = _Rows()
    fresh = [tuple(r[1:]) for r in rows if r[1] is not None]
    local.extend(fresh if everything else index._unseen(fresh))
    return (rows[0][0] if rows else None), local


def _lookup(session: Session, on_arrays: Callable[[SharedIndex], list[int]],
            on_rows: Callable[[_Rows], list[int]]) -> list[int]:
    """Run a lookup over the shared index and the rows it has not read yet.

    Rows added since the shared index last read the database are read in the caller's
    transaction on every lookup (so they are found at once, the caller's uncommitted ones
    included); the shared index itself reads committed rows through its own connection now
    and then, or at once when the generation changed or too many rows are pending.
    """
    engine = _engine(session)
    index = shared_index(engine)
    separate = _separate_reads(engine)
    with index.lock:
        if separate and time.monotonic() - index.refreshed_at > REFRESH_S:
            index.refresh_from(engine)
        generation, local = _read_local(session, index)
        if separate and (generation != index.generation or len(local) > LOCAL_MAX):
            index.refresh_from(engine)
            generation, local = _read_local(session, index)
        if generation != index.generation:
            # The caller's own transaction renewed the index (or, on in-memory SQLite,
            # nothing is shared): only what it sees counts.
            found: list[int] = []
            _, local = _read_local(session, index, everything=True)
        else:
            found = on_arrays(index) + on_rows(index.delta)
    return sorted(set(found + on_rows(local)))
