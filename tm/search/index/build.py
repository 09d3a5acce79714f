"""Building the posting lists in bounded memory: rows streamed in, one counting sort by key.

The entries' columns grow as rows come (chunk by chunk from the cursor, never a million
``bytes`` at once); the posting lists are then placed by a counting sort: the distinct keys
and their counts first, then, a slice of entries at a time, shortest entries first, each
key's entries written at its list's cursor (so every list is ordered by length, then entry:
a lookup reads only the part of a list its length filter admits), and the repeats of a
word within one unit squeezed out last. Only slice-sized temporaries sit beside the finished
arrays, so the peak stays within ``1.5×`` of what the index keeps (``bench/search_speed.py``
measures it).
"""
from __future__ import annotations

import mmap
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import DTypeLike, NDArray

from tm.search.index.arrays import _Arrays, _Packed, _Rows

# Keys a slice of the counting sort handles: its temporaries (about 40 bytes a key) stay a
# small share of the arrays (4 + 4 bytes a key), and numpy's per-call cost stays negligible.
SLICE_SHARE = 128
SLICE_MIN = 1 << 14
# Growth of a column while rows stream in (in place, ``mremap``): a capacity at most this
# much above the rows keeps the slack small, and few resizes.
GROWTH = 1.5
# Values a 3-byte array holds (2²⁴ − 1 and below: ordinals of 16.7M distinct keys, numbers
# of 16.7M entries); at 1M units they save 2 of the 8 bytes a word costs.
PACKED_MAX = (1 << 24) - 1
_INT32_MAX = np.iinfo(np.int32).max
_UINT32_MAX = np.iinfo(np.uint32).max


def _private(size: int) -> mmap.mmap:
    """Return ``size`` bytes of private anonymous memory (``mremap`` grows it in place)."""
    return mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)


def _anonymous(count: int, dtype: DTypeLike) -> NDArray[Any]:
    """Return an uninitialised array in memory of its own (returned to the system when freed,
    where the allocator would keep a large block's hole in its heap)."""
    dtype = np.dtype(dtype)
    if not count:
        return np.empty(0, dtype=dtype)
    return np.frombuffer(_private(count * dtype.itemsize), dtype=dtype)


class _Column:
    """Values appended to memory of its own that grows in place (``mremap``)."""

    def __init__(self, dtype: DTypeLike) -> None:
        self.dtype = np.dtype(dtype)
        self.buffer = _private(mmap.PAGESIZE)
        self.size = 0

    def extend(self, values: NDArray[Any]) -> None:
        end = (self.size + len(values)) * self.dtype.itemsize
        if end > len(self.buffer):
            self.buffer.resize(max(end, int(len(self.buffer) * GROWTH)))
        np.frombuffer(self.buffer, dtype=self.dtype, count=len(values),
                      offset=self.size * self.dtype.itemsize)[:] = values
        self.size += len(values)

    def take(self) -> tuple[mmap.mmap, int]:
        """Return the memory holding the values, just large enough, and how many there are
        (the column starts over empty)."""
        buffer, self.buffer, size = self.buffer, _private(mmap.PAGESIZE), self.size
        self.size = 0
        if size:
            buffer.resize(size * self.dtype.itemsize)
        return buffer, size

    def finish(self) -> NDArray[Any]:
        """Return the values (the column gives its memory up)."""
        buffer, size = self.take()
        return np.frombuffer(buffer, dtype=self.dtype) if size else np.empty(0, self.dtype)


class Builder:
    """Entries added in id order, then their posting lists built at once (:meth:`finish`)."""

    def __init__(self) -> None:
        self.unit_ids = _Column(np.int64)
        self.memory_ids = _Column(np.int64)
        self.lengths = _Column(np.int64)
        self.keys = _Column(np.uint32)

    def __len__(self) -> int:
        return self.unit_ids.size

    def add_rows(self, rows: _Rows | Sequence[Sequence[Any]]) -> None:
        """Add index rows: ``_Rows``, or ``(id, unit_id, memory_id, keys)`` tuples."""
        unit_ids: Sequence[int]
        memory_ids: Sequence[int]
        blobs: Sequence[bytes]
        if isinstance(rows, _Rows):
            unit_ids, memory_ids, blobs = rows.unit_ids, rows.memory_ids, rows.keys
        else:
            if not rows:
                return
            _, unit_ids, memory_ids, blobs = zip(*rows, strict=True)
        self.unit_ids.extend(np.asarray(unit_ids, dtype=np.int64))
        self.memory_ids.extend(np.asarray(memory_ids, dtype=np.int64))
        self.lengths.extend(np.fromiter(map(len, blobs), dtype=np.int64, count=len(blobs)) >> 2)
        self.keys.extend(np.frombuffer(b"".join(blobs), dtype="<u4"))

    def add_arrays(self, arrays: _Arrays) -> None:
        """Add the entries of built arrays (a merge), a slice at a time."""
        step = max(1, SLICE_MIN // 32)
        for at in range(0, len(arrays), step):
            end = min(at + step, len(arrays))
            self.unit_ids.extend(arrays.unit_ids[at:end])
            self.memory_ids.extend(arrays.memory_ids[at:end])
            self.lengths.extend(np.diff(arrays.offsets[at:end + 1]).astype(np.int64))
        for at in range(0, len(arrays.keys), SLICE_MIN * 16):
            self.keys.extend(arrays.word_keys(at, min(at + SLICE_MIN * 16, len(arrays.keys))))

    def finish(self) -> _Arrays:
        """Return the arrays of every entry added (the builder is empty afterwards)."""
        lengths = self.lengths.finish()
        offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        empty = np.flatnonzero(lengths == 0)
        del lengths
        unit_ids = _narrow(self.unit_ids.finish(), signed=True)
        memory_ids = _narrow(self.memory_ids.finish(), signed=True)
        offsets = _narrow(offsets, signed=False)
        keys_memory, count = self.keys.take()
        keys = np.frombuffer(keys_memory, np.uint32) if count else np.zeros(0, np.uint32)
        post_keys, post_starts, post_entries = _postings(keys, offsets)
        del keys  # now the words' ordinals, packed in place below
        narrow = sys.byteorder == "little" and len(post_keys) <= PACKED_MAX + 1
        return _Arrays(
            unit_ids=unit_ids, memory_ids=memory_ids, offsets=offsets,
            keys=_pack(keys_memory, count, narrow=narrow, dtype=np.uint32),
            post_keys=post_keys, post_starts=_narrow(post_starts, signed=False),
            post_entries=post_entries, empty=empty)


def _narrow(values: NDArray[np.int64], *, signed: bool) -> NDArray[Any]:
    """Return ``values`` in 32 bits when they fit (ids and offsets do, short of 2³¹ units)."""
    limit = _INT32_MAX if signed else _UINT32_MAX
    if len(values) and (int(values.max()) > limit or int(values.min()) < 0):
        return values
    return values.astype(np.int32 if signed else np.uint32)


def _length_slices(offsets: NDArray[Any], size: int) -> list[NDArray[Any]]:
    """Return the entries shortest first (by number within a length), in runs of about
    ``size`` words: placed in this order, every posting list is ordered by length, then
    entry, and a lookup reads only its lengths' part of a list."""
    lengths = np.diff(offsets)
    order = np.argsort(lengths, kind="stable")
    ends = np.cumsum(lengths[order])
    del lengths
    cuts = np.searchsorted(ends, np.arange(size, int(ends[-1]) if len(ends) else 0, size),
                           side="right")
    del ends
    order = order.astype(np.int32 if len(order) <= _INT32_MAX else np.int64)
    bounds = sorted(set(cuts.tolist()) | {0, len(order)})
    return [order[lo:hi] for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)]


def _pack(memory: mmap.mmap | None, count: int, *, narrow: bool,
          dtype: DTypeLike) -> NDArray[Any]:
    """Return the ``count`` 4-byte values at the start of ``memory`` (no view of it left),
    in 3 bytes each when ``narrow`` (squeezed in place, the rest given back)."""
    if memory is None or not count:
        return np.zeros(0, dtype=np.uint8 if narrow else dtype)
    if not narrow:
        memory.resize(count * 4)
        return np.frombuffer(memory, dtype=dtype)
    raw = np.frombuffer(memory, dtype=np.uint8)
    step = SLICE_MIN * 4
    for lo in range(0, count, step):
        hi = min(lo + step, count)
        # The low three bytes of each little-endian value; written below where they were
        # read, so a slice never overwrites values not read yet.
        low = raw[4 * lo:4 * hi].reshape(-1, 4)[:, :3].copy()
        raw[3 * lo:3 * hi] = low.reshape(-1)
        del low
    del raw
    memory.resize(count * 3 + 1)  # the one byte more _Packed reads the last value with
    raw = np.frombuffer(memory, dtype=np.uint8)
    raw[-1] = 0
    return raw


def _put(entries: NDArray[Any], at: NDArray[np.int64], values: NDArray[np.int32]) -> None:
    """Write ``values`` at positions ``at`` of 4-byte ``entries``, or of 3-byte ones (bytes)."""
    if entries.dtype != np.uint8:
        entries[at] = values
        return
    at = at * 3
    entries[at] = values & 0xFF
    entries[at + 1] = (values >> 8) & 0xFF
    entries[at + 2] = values >> 16


def _put_run(entries: NDArray[Any], lo: int, values: NDArray[np.int32]) -> None:
    """Write ``values`` from position ``lo`` on of 4-byte or 3-byte ``entries``."""
    if entries.dtype != np.uint8:
        entries[lo:lo + len(values)] = values
        return
    low = values.astype("<i4").view(np.uint8).reshape(-1, 4)[:, :3]
    entries[3 * lo:3 * (lo + len(values))] = low.reshape(-1)


def _postings(keys: NDArray[np.uint32], offsets: NDArray[Any]
              ) -> tuple[NDArray[np.uint32], NDArray[np.int64], NDArray[Any]]:
    """Return the posting lists of the entries: distinct keys, list starts, entry numbers
    (3 bytes each below 2²⁴ entries); ``keys`` become each word's key's ordinal."""
    if not len(keys):
        return (np.zeros(0, np.uint32), np.zeros(1, np.int64), np.zeros(0, np.int32))
    size = max(SLICE_MIN, len(keys) // SLICE_SHARE)
    vocabulary, starts = _distinct(keys, size)
    chunks = _length_slices(offsets, size)  # before the entries: its temporaries peak apart
    # Entry numbers written straight in 3 bytes when they fit: the key-sized array beside
    # the keys is the build's peak.
    width = 3 if sys.byteorder == "little" and len(offsets) - 1 <= PACKED_MAX + 1 else 4
    memory = _private(len(keys) * width + (width == 3))
    entries = np.frombuffer(memory, dtype=np.uint8 if width == 3 else np.int32)
    cursor = starts[:-1].copy()
    for chunk in chunks:
        lengths = (offsets[chunk + 1] - offsets[chunk]).astype(np.int64)
        count = int(lengths.sum())
        if not count:
            continue
        # Where the chunk's words lie in ``keys``: each entry's run, one after the other.
        first = np.cumsum(lengths) - lengths
        positions = np.repeat(offsets[chunk].astype(np.int64) - first, lengths) + np.arange(count)
        # (key, place in the chunk) in one integer: one plain sort orders the chunk by key,
        # places ascending (twice as fast as a stable argsort, and no search per key).
        pairs = (keys[positions].astype(np.uint64) << np.uint64(32)) | np.arange(
            count, dtype=np.uint64)
        pairs.sort()
        sorted_keys = (pairs >> np.uint64(32)).astype(np.uint32)
        order = (pairs & np.uint64(0xFFFFFFFF)).astype(np.int64)
        del pairs
        group = np.flatnonzero(np.concatenate(([True], sorted_keys[1:] != sorted_keys[:-1])))
        sizes = np.diff(np.append(group, len(sorted_keys)))
        ranks = np.searchsorted(vocabulary, sorted_keys[group])
        del sorted_keys
        owners = np.repeat(chunk.astype(np.int32), lengths)
        place = np.repeat(cursor[ranks] - group, sizes) + np.arange(count)
        _put(entries, place, owners[order])
        cursor[ranks] += sizes
        ordinals = np.empty(count, dtype=np.uint32)
        ordinals[order] = np.repeat(ranks, sizes)
        keys[positions] = ordinals
    del cursor, chunks
    kept, starts = _drop_repeats(entries, starts, size)
    del entries
    # In place: the repeats' pages go back to the system (3 bytes: and the byte more).
    memory.resize(kept * width + (width == 3))
    entries = np.frombuffer(memory, dtype=np.uint8 if width == 3 else np.int32)
    if width == 3:
        entries[-1] = 0
    return vocabulary, starts, entries


def _distinct(keys: NDArray[np.uint32], size: int
              ) -> tuple[NDArray[np.uint32], NDArray[np.int64]]:
    """Return the distinct keys, sorted, and where each one's run of the keys sorted starts.

    A slice at a time (no copy of the keys beside them: that was the build's peak), each
    slice's distinct keys and counts summed into the others' whenever they hold twice as
    many as after the last sum.
    """
    held: list[tuple[NDArray[np.uint32], NDArray[np.int64]]] = []
    count, limit = 0, 4 * size
    for lo in range(0, len(keys), size):
        distinct, counts = np.unique(keys[lo:lo + size], return_counts=True)
        held.append((distinct, counts))
        count += len(distinct)
        if count > limit:
            held = [_sum_by_key(held)]
            count = len(held[0][0])
            limit = max(limit, 2 * count)
    vocabulary, counts = _sum_by_key(held)
    starts = np.zeros(len(vocabulary) + 1, dtype=np.int64)
    np.cumsum(counts, out=starts[1:])
    return vocabulary, starts


def _sum_by_key(parts: list[tuple[NDArray[np.uint32], NDArray[np.int64]]]
                ) -> tuple[NDArray[np.uint32], NDArray[np.int64]]:
    """Return the distinct keys of ``parts`` (keys, counts) and each key's total count."""
    if len(parts) == 1:
        return parts[0]
    keys = np.concatenate([k for k, _ in parts])
    counts = np.concatenate([c for _, c in parts])
    order = np.argsort(keys, kind="stable")
    keys, counts = keys[order], counts[order]
    firsts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    return keys[firsts], np.add.reduceat(counts, firsts).astype(np.int64)


def _drop_repeats(entries: NDArray[Any], starts: NDArray[np.int64],
                  size: int) -> tuple[int, NDArray[np.int64]]:
    """Squeeze out, in place, an entry listed twice under one key (a word said twice);
    return how many are left, and the lists' new starts."""
    kept_starts = np.empty_like(starts)
    write, previous = 0, -1
    packed = _Packed(entries)
    for lo in range(0, len(packed), size):
        hi = min(lo + size, len(packed))
        part = packed.run(lo, hi).copy()
        keep = np.empty(len(part), dtype=bool)
        keep[0] = part[0] != previous
        np.not_equal(part[1:], part[:-1], out=keep[1:])
        first, last = np.searchsorted(starts, [lo, hi])
        heads = starts[first:last] - lo
        keep[heads] = True
        before = np.cumsum(keep) - keep
        kept_starts[first:last] = write + before[heads]
        kept = part[keep]
        _put_run(entries, write, kept)
        write += len(kept)
        previous = int(part[-1])
    kept_starts[-1] = write
    return write, kept_starts
