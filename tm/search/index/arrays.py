"""The posting lists of index rows as flat numpy arrays, and the filters a lookup runs on them.

:class:`Bounds` states what a unit must satisfy to reach a threshold (the length, count and
prefix filters of :mod:`tm.search.index`); :class:`_Arrays` reads the rarest words' posting
lists and filters their entries with numpy, then by edit distance; :func:`_scan` filters the
few rows not in the arrays yet one by one, to the same result.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from rapidfuzz.distance import Levenshtein

# Postings a lookup reads beyond the prefix lists to count candidates before fetching their
# words: sorting this many integers costs well under a millisecond; more costs more than
# it saves (measured at 1M units: p95 of this stage 6.7 ms at 50k, 10.5 ms at 200k).
PROBE_BUDGET = 50_000
# Postings in a list from which a lookup bisects it for its lengths' part (lists are
# ordered by length) rather than read it whole: a bisection step costs about as much as
# reading a few hundred postings.
WINDOW_MIN = 4096


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


# The arrays an index is made of, as stored in its file (tm.search.index.store).
ARRAY_NAMES = ("unit_ids", "memory_ids", "offsets", "keys", "post_keys", "post_starts",
               "post_entries", "empty")


class _Packed:
    """Non-negative integers in 3 bytes each (below 2²⁴: a unit's entry number, a word's
    ordinal), or 4 when ``raw`` is not bytes: read a run or at positions as ``int32``.

    3-byte values are read as little-endian 4-byte words 3 bytes apart, masked: one gather
    per value (x86 reads unaligned words at full speed); ``raw`` ends with one byte more,
    so the last value's word lies within it.
    """

    def __init__(self, raw: NDArray[Any]) -> None:
        self.raw = raw
        self.width = 3 if raw.dtype == np.uint8 else 4
        if self.width == 4:
            self.words = raw
        else:
            count = max(0, (len(raw) - 1) // 3)
            self.words = np.ndarray((count,), dtype="<u4", buffer=raw.data if count else
                                    np.zeros(4, np.uint8).data, strides=(3,))

    def __len__(self) -> int:
        return len(self.words)

    def run(self, lo: int, hi: int) -> NDArray[np.int32]:
        """Return the values from ``lo`` to ``hi``."""
        if self.width == 4:
            values: NDArray[np.int32] = self.raw[lo:hi]
            return values
        return (self.words[lo:hi] & 0xFFFFFF).astype(np.int32)

    def take_raw(self, positions: NDArray[np.int64]) -> NDArray[Any]:
        """Return the values at ``positions``, unsigned, without a copy into ``int32``."""
        if self.width == 4:
            values: NDArray[Any] = self.raw[positions]
            return values
        return self.words[positions] & np.uint32(0xFFFFFF)

    def take(self, positions: NDArray[np.int64]) -> NDArray[np.int32]:
        """Return the values at ``positions``."""
        if self.width == 4:
            values: NDArray[np.int32] = self.raw[positions]
            return values
        return (self.words[positions] & 0xFFFFFF).astype(np.int32)


class _Arrays:
    """Entries and their posting lists (entry numbers by key) as flat numpy arrays.

    Per entry: its unit and memory (32 bits while ids fit) and where its words start in
    ``keys`` (``offsets``, one more; a length is the difference). Per distinct key: the key
    (``post_keys``, sorted) and where its entries start in ``post_entries`` (entry numbers,
    by word count, then number: :meth:`windows` bisects a list for a range of lengths).
    ``keys`` holds each word as its key's ordinal in ``post_keys``; it and ``post_entries``
    take 3 bytes a value below 2²⁴ distinct keys, entries (:class:`_Packed`).
    ``empty``: the entries without a word. Built by :class:`tm.search.index.build.Builder`,
    or mapped from a file read-only.
    """

    def __init__(self, **arrays: NDArray[Any]) -> None:
        self.unit_ids = arrays["unit_ids"]
        self.memory_ids = arrays["memory_ids"]
        self.offsets = arrays["offsets"]
        self.keys = _Packed(arrays["keys"])
        self.post_keys = arrays["post_keys"]
        self.post_starts = arrays["post_starts"]
        self.post_entries = _Packed(arrays["post_entries"])
        self.empty = arrays["empty"]

    @classmethod
    def nothing(cls) -> _Arrays:
        """Return the arrays of no entry."""
        return cls(unit_ids=np.zeros(0, np.int32), memory_ids=np.zeros(0, np.int32),
                   offsets=np.zeros(1, np.uint32), keys=np.zeros(0, np.uint32),
                   post_keys=np.zeros(0, np.uint32), post_starts=np.zeros(1, np.uint32),
                   post_entries=np.zeros(0, np.int32), empty=np.zeros(0, np.int64))

    def named(self) -> dict[str, NDArray[Any]]:
        """Return the arrays by name (as stored)."""
        named = {name: getattr(self, name) for name in ARRAY_NAMES}
        return {name: a.raw if isinstance(a, _Packed) else a for name, a in named.items()}

    @property
    def nbytes(self) -> int:
        """Bytes the arrays hold."""
        return sum(a.nbytes for a in self.named().values())

    def lengths(self, entries: NDArray[Any]) -> NDArray[np.int64]:
        """Return the word counts of ``entries``."""
        lengths: NDArray[np.int64] = (self.offsets[entries + 1]
                                      - self.offsets[entries]).astype(np.int64)
        return lengths

    def __len__(self) -> int:
        return len(self.unit_ids)

    def ordinals(self, keys: Sequence[int]) -> list[int]:
        """Return each key's place in ``post_keys``, or -1 when no entry has it."""
        wanted = np.asarray(keys, dtype=np.uint32)  # one search, in the arrays' own type
        at = np.searchsorted(self.post_keys, wanted)
        if not len(self.post_keys):
            return [-1] * len(wanted)
        found = self.post_keys[np.minimum(at, len(self.post_keys) - 1)] == wanted
        ordinals: list[int] = np.where(found, at, -1).tolist()
        return ordinals

    def count_at(self, ordinal: int) -> int:
        if ordinal < 0:
            return 0
        return int(self.post_starts[ordinal + 1]) - int(self.post_starts[ordinal])

    def postings_at(self, ordinal: int) -> NDArray[np.int32]:
        if ordinal < 0:
            return np.zeros(0, dtype=np.int32)
        return self.post_entries.run(int(self.post_starts[ordinal]),
                                     int(self.post_starts[ordinal + 1]))

    def postings(self, key: int) -> NDArray[np.int32]:
        return self.postings_at(self.ordinals([key])[0])

    def frequency(self, key: int) -> int:
        return self.count_at(self.ordinals([key])[0])

    def word_keys(self, lo: int, hi: int) -> NDArray[np.uint32]:
        """Return the keys (hashes) of the words from ``lo`` to ``hi`` in ``keys``."""
        keys: NDArray[np.uint32] = self.post_keys[self.keys.run(lo, hi)]
        return keys

    def candidates(self, query: Sequence[int], bounds: Bounds,
                   memory_ids: NDArray[np.int64] | None) -> NDArray[np.int64]:
        """Return the unit ids of entries that pass every filter for ``query``."""
        # The query's words as the arrays hold them: ordinals, -1 for a key no entry has.
        ordinals = self.ordinals(query)
        if bounds.n == 0:
            entries = self.empty.astype(np.int64)
        else:
            entries = self._probe(ordinals, bounds)
        if not len(entries):
            return np.zeros(0, dtype=np.int64)
        lengths = self.lengths(entries)
        keep = (lengths >= bounds.min_length) & (lengths <= bounds.max_length)
        if memory_ids is not None:
            keep &= np.isin(self.memory_ids[entries], memory_ids)
        entries, lengths = entries[keep], lengths[keep]
        if bounds.n and len(entries):
            entries = self._count_filter(entries, lengths, ordinals, bounds)
        return self._edit_filter(entries, ordinals, bounds)

    def windows(self, ordinals: Sequence[int], bounds: Bounds
                ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Return where each word's posting list holds the entries of ``bounds``' lengths:
        starts and ends in ``post_entries``, empty for -1. Lists shorter than
        ``WINDOW_MIN`` are given whole (reading them costs less than bisecting them); the
        others are bisected all at once."""
        wanted = np.asarray(ordinals, dtype=np.int64)
        known = wanted >= 0
        at = np.where(known, wanted, 0)
        starts = np.where(known, self.post_starts[at], 0).astype(np.int64)
        ends = np.where(known, self.post_starts[np.minimum(at + 1, len(self.post_starts) - 1)],
                        0).astype(np.int64)
        long = np.flatnonzero(ends - starts >= WINDOW_MIN)
        if len(long):
            # The first place of a length ≥ min_length, and the first of one > max_length.
            lo = np.concatenate((starts[long], starts[long]))
            hi = np.concatenate((ends[long], ends[long]))
            limit = np.repeat(np.asarray([bounds.min_length, bounds.max_length + 1]),
                              len(long))
            while (open_ := lo < hi).any():
                mid = (lo + hi) // 2
                shorter = self.lengths(self.post_entries.take(np.where(open_, mid, 0))) < limit
                lo = np.where(open_ & shorter, mid + 1, lo)
                hi = np.where(open_ & ~shorter, mid, hi)
            starts[long], ends[long] = lo[:len(long)], lo[len(long):]
        return starts, ends

    def _probe(self, ordinals: Sequence[int], bounds: Bounds) -> NDArray[Any]:
        """Return the entries in enough of the rarest query words' posting lists.

        A unit sharing ``k`` words must be in one of the ``n − k + 1`` rarest words' lists
        (the prefix); reading ``j`` lists more, it must be in ``j + 1`` of them. Only each
        list's part of the lengths admitted is read (:meth:`windows`), rarest first; the
        next rarest are read while they are cheap (``PROBE_BUDGET`` postings in all), which
        often cuts the candidates tenfold before any unit's words are looked at.
        """
        firsts, ends = self.windows(ordinals, bounds)
        ranked = np.argsort(ends - firsts, kind="stable").tolist()
        lists = [self.post_entries.run(int(firsts[i]), int(ends[i]))
                 for i in ranked[:bounds.prefix]]
        total = sum(len(p) for p in lists)
        for i in ranked[bounds.prefix:]:
            if total + int(ends[i] - firsts[i]) > PROBE_BUDGET:
                break
            lists.append(self.post_entries.run(int(firsts[i]), int(ends[i])))
            total += len(lists[-1])
        if not total:
            return np.zeros(0, dtype=np.int64)
        merged = np.sort(np.concatenate(lists))
        starts = np.flatnonzero(np.concatenate(([True], merged[1:] != merged[:-1])))
        counts = np.diff(np.append(starts, len(merged)))
        entries = merged[starts]
        extra = len(lists) - bounds.prefix
        # A unit of m words must share need(m) of the n; the lists not read hold at most
        # n − len(lists) of them.
        need = bounds.min_shared(self.lengths(entries)) - (bounds.n - len(lists))
        kept: NDArray[Any] = entries[counts >= np.maximum(need, extra + 1)]
        return kept.astype(np.int64)

    def _count_filter(self, entries: NDArray[Any], lengths: NDArray[Any],
                      query: Sequence[int], bounds: Bounds) -> NDArray[Any]:
        starts = self.offsets[entries].astype(np.int64)
        total = int(lengths.sum())
        if not total:
            none: NDArray[Any] = entries[bounds.min_shared(lengths) <= 0]
            return none
        first = np.cumsum(lengths) - lengths
        positions = np.repeat(starts - first, lengths) + np.arange(total)
        # Whether each word is one of the query's: one look-up in a table by ordinal (the
        # vocabulary's size in bytes), where isin would pass over the words once a key.
        wanted = np.zeros(len(self.post_keys), dtype=bool)
        wanted[[k for k in query if k >= 0]] = True
        hits = wanted[self.keys.take_raw(positions)]
        shared = np.add.reduceat(hits, first, dtype=np.int32)
        kept: NDArray[Any] = entries[shared >= bounds.min_shared(lengths)]
        return kept

    def _edit_filter(self, entries: NDArray[Any], query: Sequence[int],
                     bounds: Bounds) -> NDArray[np.int64]:
        keep = []
        offsets = self.offsets
        for entry in entries.tolist():
            keys = self.keys.run(int(offsets[entry]), int(offsets[entry + 1])).tolist()
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
