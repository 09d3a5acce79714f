"""The candidate index: which memory units can reach a score, found without scanning them all.

The score (:mod:`tm.search.score`) is at most ``base = floor(100 × (L − D) / L)``, with ``D``
the word edit distance and ``L`` the longer word count. For a query of ``n`` words and a
threshold ``t`` (percent), ``base ≥ t`` implies, for a unit of ``m`` words:

- **length filter**: ``ceil(n·t/100) ≤ m ≤ floor(100·n/t)`` (``|n − m| ≤ D``);
- **count filter**: the two share at least ``ceil(max(n, m)·t/100)`` words (every word the
  edit script keeps is shared);
- **prefix filter**: so a unit must contain one of the ``n − ceil(n·t/100) + 1`` *rarest*
  words of the query; only their posting lists are read, the frequent words' never.

A lookup reads the rarest words' posting lists, and the next rarest while cheap (each list
more raises the number a candidate must be in), then filters by length, memory and shared
words with numpy, then by the edit distance over the key hashes (rapidfuzz); the few units
left are re-scored exactly on their text by the caller. Every filter only ever keeps too
much, so the result equals a scan of the whole memory (hash collisions only add candidates).

Storage: every unit's keys are a row of ``search_terms``, written with the unit in the
caller's transaction (:func:`index_units`; a bulk import, :class:`PendingTerms`). A process
builds the posting lists from those rows on first use and keeps them (:class:`SharedIndex`),
reading the committed rows added since through its own connection at most every
``REFRESH_S``. Every lookup reads, in one statement of the caller's transaction, the index
generation and the rows added since the shared index last read (``id`` only grows), its own
uncommitted ones included: so a new unit is findable at once, a restart loses nothing, and a
rolled-back unit is never shared. A deleted unit drops out when its row is fetched (its keys
go with it, ``ON DELETE CASCADE``); ``reindex`` renews the generation and every process
reloads.
"""
from __future__ import annotations

import math
import re
import struct
import sys
import tempfile
import threading
import time
import uuid
import weakref
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from rapidfuzz.distance import Levenshtein
from sqlalchemy import Connection, Engine, delete, insert, literal, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from tm.models import MemoryUnit, SearchIndexState, SearchTerms
from tm.search.normalize import NUMBER_KEY, NUMBER_PATTERN, WORD_PATTERN, fold, key_hash

# Units indexed per INSERT batch: a batch's rows stay a few megabytes.
BATCH_SIZE = 10_000
# New rows kept in the small Python side index before the arrays are rebuilt with them:
# merging costs a rebuild (seconds at a million units), so not on every unit, but the
# side index is scanned in Python, so not too many either.
DELTA_MERGE_MIN = 20_000
DELTA_MERGE_SHARE = 0.05
# On PostgreSQL a transaction that started earlier can commit a lower id after a later one
# was read; ids skipped over are looked for again for this long, then given up (reindex).
GAP_WAIT_S = 3600.0
MAX_GAP_RANGES = 256
# Postings a lookup reads beyond the prefix lists to count candidates before fetching their
# words: sorting this many integers costs well under a millisecond; more costs more than
# it saves (measured at 1M units: p95 of this stage 6.7 ms at 50k, 10.5 ms at 200k).
PROBE_BUDGET = 50_000
# Seconds between reads of committed rows into the shared index. Between them every lookup
# reads the few rows added since in its own transaction (one statement either way), so
# nothing waits for a refresh to be found; this only keeps that read short.
REFRESH_S = 1.0
# Pending rows past which the shared index reads them at once instead.
LOCAL_MAX = 2000
_STATE_ID = 1

# The same words and numbers as ``normalize.tokenize``, without building Token objects.
_INDEX_TOKEN = re.compile(f"{NUMBER_PATTERN}|{WORD_PATTERN}")
_NUMBER_HASH = key_hash(NUMBER_KEY)


class _HashCache(dict[str, int]):
    """Hashes of tokens as written: news vocabulary is Zipfian, so most tokens of a million
    sentences are found here instead of folded and hashed again (a third of build time).

    Numbers are not kept: they all hash alike, and nearly every one is new (ids, dates,
    amounts), so keeping them only filled the cache (a million entries, 110 MB at 1M units).
    """

    # Tokens kept before the cache starts over: the frequent words are back within a few
    # sentences, and 65,536 short strings take about 7 MB, so peak memory stays flat.
    MAX = 1 << 16

    def __missing__(self, token: str) -> int:
        if token[0].isdigit():
            return _NUMBER_HASH
        if len(self) >= self.MAX:
            self.clear()
        value = self[token] = key_hash(fold(token))
        return value


_HASHES = _HashCache()


class _ChunkCache(dict[str, bytes]):
    """Stored keys (:func:`key_blob`) of the whitespace-separated chunks of texts («года,»,
    «заявил.», «из-за»).

    No token spans whitespace (tokens are made of word characters and ``-'’.,:`` only), so
    the keys of a text are its chunks' keys in order; most chunks are seen again, and a
    split, a dict lookup per chunk and one join cost a fraction of the token regex over the
    text. Chunks starting with a digit (ids, amounts, dates) are rarely seen again: they
    are tokenized every time instead of filling the cache.
    """

    MAX = 1 << 16  # chunks kept before the cache starts over (a few MB), as _HashCache

    def __missing__(self, chunk: str) -> bytes:
        keys = array("I", map(_HASHES.__getitem__, _INDEX_TOKEN.findall(chunk)))
        if sys.byteorder != "little":
            keys.byteswap()
        blob = keys.tobytes()
        if not chunk[0].isdigit():
            if len(self) >= self.MAX:
                self.clear()
            self[chunk] = blob
        return blob


_CHUNKS = _ChunkCache()


def key_blob(text: str) -> bytes:
    """Return the stored form of the keys of ``text``: little-endian uint32s."""
    return b"".join(map(_CHUNKS.__getitem__, text.split()))


def index_keys(text: str) -> array[int]:
    """Return the hashed word keys of ``text`` (as :func:`tm.search.normalize.hashed_keys`)."""
    keys = array("I")
    keys.frombytes(key_blob(text))
    if sys.byteorder != "little":
        keys.byteswap()
    return keys


# -- writing -------------------------------------------------------------------------------

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
        f"{marks})", rows)  # type: ignore[arg-type]


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
    batch's ids at once (SQLite): nothing is kept aside, and the rows go in while the
    import is still reading. Units deleted afterwards (duplicates) take their rows with them
    (``ON DELETE CASCADE``).
    """

    def __init__(self, session: Session, *, memory_id: int, after_id: int) -> None:
        self._session, self._memory_id = session, memory_id
        _touch_generation(session)
        # Rows left by units of the coming ids deleted without their cascade (none in a
        # database that enforces foreign keys): as index_units renews them.
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


# -- reading -------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Bounds:
    """What a unit must satisfy to reach ``threshold`` against a query of ``n`` words."""

    n: int
    threshold: int

    @property
    def min_length(self) -> int:
        return -(-self.n * self.threshold // 100)

    @property
    def max_length(self) -> int:
        return (100 * self.n) // self.threshold

    @property
    def prefix(self) -> int:
        """How many of the rarest query words a candidate must share one of."""
        return self.n - self.min_length + 1

    def min_shared(self, m: NDArray[np.int64] | int) -> Any:
        """Return the words a unit of ``m`` words must share with the query."""
        return -(-np.maximum(self.n, m) * self.threshold // 100)


@dataclass
class _Rows:
    """Index rows read from the database, column by column."""

    ids: list[int] = field(default_factory=list)
    unit_ids: list[int] = field(default_factory=list)
    memory_ids: list[int] = field(default_factory=list)
    keys: list[bytes] = field(default_factory=list)

    def extend(self, rows: Iterable[Sequence[Any]]) -> None:
        columns = list(zip(*rows, strict=True))
        if not columns:
            return
        ids, unit_ids, memory_ids, keys = columns
        self.ids.extend(ids)
        self.unit_ids.extend(unit_ids)
        self.memory_ids.extend(memory_ids)
        self.keys.extend(k if isinstance(k, bytes) else bytes(k) for k in keys)

    def __len__(self) -> int:
        return len(self.ids)


def _sorted_unique(values: NDArray[Any]) -> NDArray[Any]:
    """Return the distinct values, sorted (faster than ``np.unique`` for these arrays)."""
    values = np.sort(values)
    if len(values) < 2:
        return values
    keep = np.empty(len(values), dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


@dataclass
class _Columns:
    """Entries (one per index row) as flat arrays: the unit, its memory, its word keys."""

    unit_ids: NDArray[np.int64]
    memory_ids: NDArray[np.int64]
    lengths: NDArray[np.int64]
    keys: NDArray[np.uint32]

    @classmethod
    def from_rows(cls, rows: _Rows) -> _Columns:
        keys = np.frombuffer(b"".join(rows.keys), dtype="<u4").astype(np.uint32, copy=False)
        lengths = np.fromiter((len(k) // 4 for k in rows.keys), dtype=np.int64,
                              count=len(rows))
        return cls(np.asarray(rows.unit_ids, dtype=np.int64),
                   np.asarray(rows.memory_ids, dtype=np.int64), lengths, keys)

    def __add__(self, other: _Columns) -> _Columns:
        return _Columns(np.concatenate((self.unit_ids, other.unit_ids)),
                        np.concatenate((self.memory_ids, other.memory_ids)),
                        np.concatenate((self.lengths, other.lengths)),
                        np.concatenate((self.keys, other.keys)))


class _Arrays:
    """Entries and their posting lists (entry numbers by key) as flat numpy arrays."""

    def __init__(self, columns: _Columns) -> None:
        self.columns = columns
        self.unit_ids, self.memory_ids, self.lengths, self.keys = (
            columns.unit_ids, columns.memory_ids, columns.lengths, columns.keys)
        lengths = self.lengths
        self.offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=self.offsets[1:])
        entry = np.repeat(np.arange(len(lengths), dtype=np.uint64), lengths)
        # (key, entry) pairs in one integer: sorting groups by key, entries ascending.
        pairs = _sorted_unique((self.keys.astype(np.uint64) << np.uint64(32)) | entry)
        pair_keys = (pairs >> np.uint64(32)).astype(np.uint32)
        self.post_entries = (pairs & np.uint64(0xFFFFFFFF)).astype(np.int32)
        if len(pair_keys):
            starts = np.flatnonzero(np.concatenate(([True], pair_keys[1:] != pair_keys[:-1])))
        else:
            starts = np.zeros(0, dtype=np.int64)
        self.post_keys = pair_keys[starts]
        self.post_starts = np.concatenate((starts, [len(pair_keys)])).astype(np.int64)
        self.empty = np.flatnonzero(lengths == 0)

    def __len__(self) -> int:
        return len(self.lengths)

    def postings(self, key: int) -> NDArray[np.int32]:
        at = int(np.searchsorted(self.post_keys, key))
        if at < len(self.post_keys) and self.post_keys[at] == key:
            return self.post_entries[self.post_starts[at]:self.post_starts[at + 1]]
        return self.post_entries[:0]

    def frequency(self, key: int) -> int:
        return len(self.postings(key))

    def candidates(self, query: Sequence[int], bounds: Bounds,
                   memory_ids: NDArray[np.int64] | None) -> NDArray[np.int64]:
        """Return the unit ids of entries that pass every filter for ``query``."""
        if bounds.n == 0:
            entries = self.empty.astype(np.int64)
        else:
            entries = self._probe(query, bounds)
        if not len(entries):
            return np.zeros(0, dtype=np.int64)
        lengths = self.lengths[entries]
        keep = (lengths >= bounds.min_length) & (lengths <= bounds.max_length)
        if memory_ids is not None:
            keep &= np.isin(self.memory_ids[entries], memory_ids)
        entries, lengths = entries[keep], lengths[keep]
        if bounds.n and len(entries):
            entries = self._count_filter(entries, lengths, query, bounds)
        return self._edit_filter(entries, query, bounds)

    def _probe(self, query: Sequence[int], bounds: Bounds) -> NDArray[Any]:
        """Return the entries in enough of the rarest query words' posting lists.

        A unit sharing ``k`` words must be in one of the ``n − k + 1`` rarest words' lists
        (the prefix); reading ``j`` lists more, it must be in ``j + 1`` of them. The next
        rarest lists are read while they are cheap (``PROBE_BUDGET`` postings in all), which
        often cuts the candidates tenfold before any unit's words are looked at.
        """
        ranked = sorted(query, key=self.frequency)
        lists = [self.postings(k) for k in ranked[:bounds.prefix]]
        total = sum(len(p) for p in lists)
        for key in ranked[bounds.prefix:]:
            more = self.postings(key)
            if total + len(more) > PROBE_BUDGET:
                break
            lists.append(more)
            total += len(more)
        if not total:
            return np.zeros(0, dtype=np.int64)
        merged = np.sort(np.concatenate(lists))
        starts = np.flatnonzero(np.concatenate(([True], merged[1:] != merged[:-1])))
        counts = np.diff(np.append(starts, len(merged)))
        entries = merged[starts]
        extra = len(lists) - bounds.prefix
        # A unit of m words must share need(m) of the n; the lists not read hold at most
        # n − len(lists) of them.
        need = bounds.min_shared(self.lengths[entries]) - (bounds.n - len(lists))
        return entries[counts >= np.maximum(need, extra + 1)].astype(np.int64)

    def _count_filter(self, entries: NDArray[Any], lengths: NDArray[Any],
                      query: Sequence[int], bounds: Bounds) -> NDArray[Any]:
        starts = self.offsets[entries]
        total = int(lengths.sum())
        first = np.cumsum(lengths) - lengths
        positions = np.repeat(starts - first, lengths) + np.arange(total)
        # isin compares against each of the few query keys in turn: far faster here than
        # a binary search per key of the candidates.
        wanted = _sorted_unique(np.asarray(query, dtype=np.uint32))
        hits = np.isin(self.keys[positions], wanted).astype(np.int32)
        shared = np.add.reduceat(hits, first) if total else np.zeros(len(entries), np.int32)
        return entries[shared >= bounds.min_shared(lengths)]

    def _edit_filter(self, entries: NDArray[Any], query: Sequence[int],
                     bounds: Bounds) -> NDArray[np.int64]:
        keep = []
        for entry in entries.tolist():
            keys = self.keys[self.offsets[entry]:self.offsets[entry + 1]].tolist()
            if _reaches(query, keys, bounds.threshold):
                keep.append(entry)
        return self.unit_ids[np.asarray(keep, dtype=np.int64)]


def _reaches(query: Sequence[int], keys: Sequence[int], threshold: int) -> bool:
    length = max(len(query), len(keys))
    if length == 0:
        return True
    limit = length * (100 - threshold) // 100
    return Levenshtein.distance(query, keys, score_cutoff=limit) <= limit


def _scan(rows: _Rows, query: Sequence[int], bounds: Bounds,
          memory_ids: NDArray[np.int64] | None) -> list[int]:
    """Filter a few rows (not yet in the arrays) one by one, as the arrays would."""
    allowed = None if memory_ids is None else set(memory_ids.tolist())
    wanted = set(query)
    found = []
    for uid, mid, blob in zip(rows.unit_ids, rows.memory_ids, rows.keys, strict=True):
        if allowed is not None and mid not in allowed:
            continue
        keys = np.frombuffer(blob, dtype="<u4").tolist()
        if not bounds.min_length <= len(keys) <= bounds.max_length:
            continue
        if bounds.n and sum(k in wanted for k in keys) < bounds.min_shared(len(keys)):
            continue
        if _reaches(query, keys, bounds.threshold):
            found.append(uid)
    return found


class SharedIndex:
    """One process's index of one database: committed rows, arrays plus a small delta."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.generation: str | None = None
        self.arrays = _Arrays(_Columns.from_rows(_Rows()))
        self.delta = _Rows()
        self.last_id = 0
        # Ranges of ids skipped over (lo, hi, first seen), and ids read from them since.
        self.gaps: list[tuple[int, int, float]] = []
        self.gap_seen: set[int] = set()
        self.loaded_rows = 0
        self.refreshed_at = -math.inf

    def refresh_from(self, engine: Engine) -> None:
        """Read the committed rows not read yet through a connection of its own."""
        with engine.connect() as connection:
            self.refresh(connection)
        self.refreshed_at = time.monotonic()

    def _reset(self, generation: str | None) -> None:
        self.__init__()  # type: ignore[misc]
        self.generation = generation

    def _pending(self) -> Any:
        """The condition selecting rows this index has not read yet."""
        now = time.monotonic()
        self.gaps = [g for g in self.gaps if now - g[2] < GAP_WAIT_S][-MAX_GAP_RANGES:]
        parts = [SearchTerms.id > self.last_id]
        parts += [SearchTerms.id.between(lo, hi) for lo, hi, _ in self.gaps]
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
        columns = (SearchTerms.id, SearchTerms.unit_id, SearchTerms.memory_id, SearchTerms.keys)
        result = connection.execute(select(*columns).where(self._pending())
                                    .order_by(SearchTerms.id))
        new = _Rows()
        # Straight from the driver's cursor: a million rows through Result cost seconds.
        cursor = result.cursor
        while batch := cursor.fetchmany(50_000):
            new.extend(self._unseen(batch))
        result.close()
        if not len(new):
            return
        self._note_gaps(new.ids)
        self.delta.ids += new.ids
        self.delta.unit_ids += new.unit_ids
        self.delta.memory_ids += new.memory_ids
        self.delta.keys += new.keys
        self.loaded_rows += len(new)
        if len(self.delta) > max(DELTA_MERGE_MIN, DELTA_MERGE_SHARE * len(self.arrays)) \
                or not len(self.arrays):
            self._merge()

    def _note_gaps(self, ids: list[int]) -> None:
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

    def _merge(self) -> None:
        self.arrays = _Arrays(self.arrays.columns + _Columns.from_rows(self.delta))
        self.delta = _Rows()

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


def _allowed(memory_ids: Sequence[int] | None) -> NDArray[np.int64] | None:
    return None if memory_ids is None else np.asarray(sorted(memory_ids), dtype=np.int64)


def candidates(session: Session, query: Sequence[int], *, threshold: int,
               memory_ids: Sequence[int] | None = None) -> list[int]:
    """Return the ids of the units whose word keys can reach ``threshold`` against ``query``.

    ``query`` is the hashed keys of the query (:func:`index_keys`); ``threshold`` 1–100.
    """
    bounds = Bounds(len(query), max(1, min(threshold, 100)))
    allowed = _allowed(memory_ids)
    return _lookup(
        session,
        lambda index: index.arrays.candidates(query, bounds, allowed).tolist(),
        lambda rows: _scan(rows, query, bounds, allowed))


def units_with_words(session: Session, words: Sequence[Iterable[int]], *,
                     memory_ids: Sequence[int] | None = None) -> list[int]:
    """Return the ids of the units that contain, for every word, one of its alternative keys.

    ``words`` holds, per word of a phrase, the hashed keys of its forms (concordance).
    """
    alternatives = [sorted(set(w)) for w in words]
    allowed = _allowed(memory_ids)
    if not alternatives:
        return []

    def on_arrays(index: SharedIndex) -> list[int]:
        arrays = index.arrays
        sets = sorted((_sorted_unique(np.concatenate([arrays.postings(k) for k in keys]))
                       for keys in alternatives), key=len)
        entries = sets[0]
        for other in sets[1:]:
            entries = np.intersect1d(entries, other, assume_unique=True)
        if allowed is not None:
            entries = entries[np.isin(arrays.memory_ids[entries], allowed)]
        return arrays.unit_ids[entries].tolist()

    def on_rows(rows: _Rows) -> list[int]:
        wanted = [set(keys) for keys in alternatives]
        permitted = None if allowed is None else set(allowed.tolist())
        return [uid for uid, mid, blob in zip(rows.unit_ids, rows.memory_ids, rows.keys,
                                              strict=True)
                if (permitted is None or mid in permitted)
                and all(w & set(np.frombuffer(blob, dtype="<u4").tolist()) for w in wanted)]

    return _lookup(session, on_arrays, on_rows)
