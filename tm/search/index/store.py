"""An index's arrays in a file, mapped read-only by every process of the machine.

One file per index generation and last row read (``<generation>-<last id>.sidx``): a short
header (JSON: what was read, and where each array lies) then the arrays, page-aligned. It is
written under a temporary name and renamed, so a reader sees a whole file or none; it is
mapped (``mmap``), so the page cache holds one copy however many processes use it. A new
file replaces the others; a process still mapping a removed file keeps reading it (Linux
frees an unlinked file once it is unmapped). :meth:`IndexStore.lock` (``flock``) keeps two
processes from building the same file at once.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import mmap
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from tm.search.index.arrays import ARRAY_NAMES, _Arrays

# 2: posting lists ordered by length, then entry (1: by entry; read as not an index).
MAGIC = b"SVERKA-INDEX-2\n"
SUFFIX = ".sidx"
# Arrays start on page boundaries: each maps onto whole pages.
ALIGN = 4096
# A temporary file this old was left by a process that died while writing it.
STALE_TEMP_S = 3600.0


@dataclass(frozen=True, slots=True)
class IndexFile:
    """A stored index: its generation, the last row id it read, its path."""

    generation: str
    last_id: int
    path: Path


@dataclass
class Snapshot:
    """What a stored index holds: the arrays, and which rows they are."""

    arrays: _Arrays
    last_id: int
    # Ranges of ids skipped over (lo, hi, seconds since first seen), and ids read from them.
    gaps: list[tuple[int, int, float]]
    gap_seen: list[int]
    rows: int


class IndexStore:
    """The index files of one database in one directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @classmethod
    def for_database(cls, data_dir: str | os.PathLike[str], database: str) -> IndexStore:
        """Return the store of ``database`` (a URL) under an app's data directory."""
        name = hashlib.sha256(database.encode()).hexdigest()[:16]
        return cls(Path(data_dir) / "search-index" / name)

    def files(self, generation: str) -> list[IndexFile]:
        """Return the files of ``generation``, the newest last."""
        found = []
        for path in self.directory.glob(f"{generation}-*{SUFFIX}"):
            last = path.name[len(generation) + 1:-len(SUFFIX)]
            if last.isdigit():
                found.append(IndexFile(generation, int(last), path))
        return sorted(found, key=lambda f: f.last_id)

    def newest(self, generation: str) -> IndexFile | None:
        """Return the newest file of ``generation``, if there is one."""
        files = self.files(generation)
        return files[-1] if files else None

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the directory's build lock (other processes building wait)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.directory / ".lock", "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def write(self, generation: str, snapshot: Snapshot) -> IndexFile:
        """Store ``snapshot`` as the current file of ``generation``; remove the others."""
        self.directory.mkdir(parents=True, exist_ok=True)
        named = snapshot.arrays.named()
        layout: dict[str, dict[str, Any]] = {}
        at = 0
        for name, array in named.items():
            layout[name] = {"dtype": array.dtype.str, "count": len(array), "at": at}
            at += -(-array.nbytes // ALIGN) * ALIGN
        header = json.dumps({
            "generation": generation, "last_id": snapshot.last_id, "rows": snapshot.rows,
            "gaps": snapshot.gaps, "gap_seen": snapshot.gap_seen, "arrays": layout,
            "size": at}).encode()
        start = -(-(len(MAGIC) + 8 + len(header)) // ALIGN) * ALIGN
        final = self.directory / f"{generation}-{snapshot.last_id}{SUFFIX}"
        temporary = self.directory / f".{final.name}.{os.getpid()}.tmp"
        try:
            with open(temporary, "wb") as out:
                out.write(MAGIC + len(header).to_bytes(8, "little") + header)
                for name, array in named.items():
                    out.seek(start + layout[name]["at"])
                    out.write(np.ascontiguousarray(array).data)
                out.truncate(start + at)
            os.replace(temporary, final)
        finally:
            temporary.unlink(missing_ok=True)
        self._remove_others(final)
        return IndexFile(generation, snapshot.last_id, final)

    def _remove_others(self, current: Path) -> None:
        now = time.time()
        for path in self.directory.iterdir():
            with contextlib.suppress(OSError):
                if path.suffix == SUFFIX and path != current:
                    path.unlink()
                elif path.suffix == ".tmp" and now - path.stat().st_mtime > STALE_TEMP_S:
                    path.unlink()

    def read(self, file: IndexFile) -> Snapshot | None:
        """Map ``file`` read-only; ``None`` when it is gone or not whole."""
        try:
            with open(file.path, "rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                if size < len(MAGIC) + 8:
                    return None
                mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):
            return None
        try:
            return self._parse(mapped, size, file)
        except (ValueError, KeyError, TypeError):
            return None  # not a whole index file (a crash while the disk wrote it back)

    @staticmethod
    def _parse(mapped: mmap.mmap, size: int, file: IndexFile) -> Snapshot | None:
        if mapped[:len(MAGIC)] != MAGIC:
            return None
        length = int.from_bytes(mapped[len(MAGIC):len(MAGIC) + 8], "little")
        header: dict[str, Any] = json.loads(mapped[len(MAGIC) + 8:len(MAGIC) + 8 + length])
        start = -(-(len(MAGIC) + 8 + length) // ALIGN) * ALIGN
        if header["generation"] != file.generation or size != start + header["size"] \
                or set(header["arrays"]) != set(ARRAY_NAMES):
            return None
        arrays: dict[str, NDArray[Any]] = {}
        for name, place in header["arrays"].items():
            arrays[name] = np.frombuffer(mapped, dtype=np.dtype(place["dtype"]),
                                         count=place["count"], offset=start + place["at"])
        return Snapshot(_Arrays(**arrays), header["last_id"],
                        [(lo, hi, age) for lo, hi, age in header["gaps"]],
                        header["gap_seen"], header["rows"])
