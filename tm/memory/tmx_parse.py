"""The rows of a TMX file, parsed in the importing process or in a second one beside it.

A large import spends about as long reading the file (libxml2, then each unit's variants,
attributes and row) as storing it (the driver's insert, the search keys, the index). With a
second core, a parsing process does the first while the importing process does the second:
it sends the rows in batches (marshal data) through a pipe, which blocks when the importer falls
behind, so memory stays flat. While its sends wait, the parsing process also makes the rows'
search keys, which the importer makes otherwise: the work is shared as the two processes'
speeds allow. Small files, one-core machines and ``SVERKA_TMX_PARSE_PROCESS=0``
parse in the importing process; the rows, the outcome and the errors are the same either way.

The parsing process is forked when the importing process has a single thread (cheap, and
safe: no other thread can hold a lock the child would inherit), else spawned. It never
touches the database: the import stays one transaction of the importing process. It dies
with the importer, however that ends (``kill -9`` included): the kernel kills it when its
parent goes (Linux's parent-death signal), a send into a pipe nobody reads fails (it drops
its inherited copy of the reading end), and it holds no copy of the importer's database
connection (inherited sockets are replaced by /dev/null at once), so a server session
never waits for it.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import marshal
import multiprocessing
import os
import pickle
import signal
import stat
import threading
import time
from collections.abc import Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, NamedTuple

from tm.errors import SverkaError, ValidationError
from tm.formats.tmx import TmxReader
from tm.memory.tmx_rows import ParseOutcome, Rejects, RowPlan, batch_keys, unit_rows

# Files smaller than this are parsed in the importing process: starting a second one and
# passing rows through a pipe costs more than it saves on a few thousand units.
PARALLEL_MIN_BYTES = 8 * 2**20
PARSE_PROCESS_ENV = "SVERKA_TMX_PARSE_PROCESS"  # "0": never, "1": always (tests)
# Rows per message: large enough that encoding and the pipe cost little per row, small
# enough that a batch in flight is a few hundred kilobytes.
BATCH_ROWS = 500
# Bytes the pipe holds (Linux's default is 64 KiB, less than one batch).
PIPE_BYTES = 1 << 20
_ROWS, _DONE, _ERROR = "rows", "done", "error"
_PR_SET_PDEATHSIG = 1  # prctl(2) option: the signal a process gets when its parent dies
_MARSHAL, _PICKLE = b"m", b"p"


class RowBatch(NamedTuple):
    """Consecutive rows of the file, and their sources' search keys when already made."""

    rows: list[tuple[Any, ...]]
    keys: list[bytes] | None  # tm.search.index.key_blob of each row's source


class ParseProcessError(SverkaError):
    """The parsing process failed in a way that is not the file's fault."""


def use_parse_process(path: Path) -> bool:
    """Say whether ``path`` is parsed in a second process (see the module's notes)."""
    setting = os.environ.get(PARSE_PROCESS_ENV, "").strip()
    if setting in ("0", "1"):
        return setting == "1"
    try:
        size = path.stat().st_size
    except OSError:  # the reader says what is wrong with the file
        return False
    return size >= PARALLEL_MIN_BYTES and (os.cpu_count() or 1) > 1


class RowSource:
    """Iterate the rows of a TMX file once, in batches; then ``outcome`` holds what the
    reading found.

    Call :meth:`close` with the import's fate: it stops the parsing process if one still
    runs and publishes or deletes the rejects file.
    """

    def __init__(self, path: str | Path, *, plan: RowPlan, max_bytes: int | None = None,
                 rejects: Path | None = None, parallel: bool | None = None,
                 name: str | None = None) -> None:
        self.path = Path(path)
        self.name = name or str(path)
        if rejects is not None and _same_file(rejects, self.path):
            raise ValidationError("rejects-is-input", "{path}: the rejects file cannot be the "
                                  "file imported", path=str(rejects))
        self.plan = plan
        self.max_bytes = max_bytes
        self.rejects = Rejects(rejects, plan.src_lang)
        self.parallel = use_parse_process(self.path) if parallel is None else parallel
        self.outcome = ParseOutcome()
        self._process: Any = None

    def batches(self) -> Iterator[RowBatch]:
        """Yield the rows of the file in order, in batches of up to :data:`BATCH_ROWS`."""
        if self.parallel:
            return self._from_process()
        return self._here()

    def _here(self) -> Iterator[RowBatch]:
        reader = TmxReader(self.path, max_bytes=self.max_bytes, name=self.name)
        for rows in _batched(unit_rows(reader, self.plan, self.outcome, self.rejects)):
            yield RowBatch(rows, None)
        self.rejects.close()

    def _from_process(self) -> Iterator[RowBatch]:
        context: Any = multiprocessing.get_context(
            "fork" if threading.active_count() == 1 else "spawn")
        receiver, sender = context.Pipe(duplex=False)
        _widen(receiver)
        self._process = context.Process(
            target=_parse, name="sverka-tmx-parse", daemon=True,
            args=(sender, receiver, os.getpid(), self.path, self.name, self.max_bytes,
                  self.plan, self.rejects.path))
        self._process.start()
        sender.close()  # so the pipe ends (EOFError) if the process dies
        try:
            while True:
                try:
                    kind, payload = _decode(receiver.recv_bytes())
                except EOFError:
                    self._process.join(timeout=5)
                    raise ParseProcessError(
                        "parse-process-ended", "{name}: the parsing process ended "
                        "unexpectedly (exit code {exit_code})", name=self.name,
                        exit_code=self._process.exitcode) from None
                if kind == _ROWS:
                    yield RowBatch(*payload)
                elif kind == _DONE:
                    self.outcome = payload
                    return
                else:
                    raise payload
        finally:
            receiver.close()

    def close(self, ok: bool) -> None:
        """Stop the parsing process; keep the rejects file if ``ok``, else delete it."""
        process, self._process = self._process, None
        if process is not None:
            if process.is_alive():
                process.terminate()
            process.join()
        if not self.parallel:
            self.rejects.close(ok)
        self.rejects.publish(ok)


def _same_file(one: Path, other: Path) -> bool:
    try:
        return one.resolve() == other.resolve() or (one.exists() and one.samefile(other))
    except OSError:
        return False


class _KeySharing:
    """Whether the parsing process should make the next batch's search keys.

    When its sends wait for room in the pipe, the importer is behind: the parsing process
    then makes the keys, in time it would otherwise spend waiting, instead of the importer.
    Both measures are smoothed (a single send can wait for the scheduler on a busy machine):
    keys are made here while the usual wait per batch is longer than making them takes.
    """

    SMOOTHING = 0.2  # weight of the newest measurement

    def __init__(self) -> None:
        self.wait = 0.0  # seconds a send usually waits
        self.cost = 0.002  # seconds making a batch's keys usually takes (a first guess)

    def now(self) -> bool:
        return self.wait > self.cost

    def waited(self, seconds: float) -> None:
        self.wait += self.SMOOTHING * (seconds - self.wait)

    def made_keys(self, seconds: float) -> None:
        self.cost += self.SMOOTHING * (seconds - self.cost)


def _batched(rows: Iterator[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH_ROWS:
            yield batch
            batch = []
    if batch:
        yield batch


def _encode(kind: str, payload: Any, codec: bytes = b"p") -> bytes:
    """Return a message: its codec's letter, then ``(kind, payload)`` in that codec."""
    if codec == _MARSHAL:
        return codec + marshal.dumps((kind, payload))
    return _PICKLE + pickle.dumps((kind, payload), pickle.HIGHEST_PROTOCOL)


def _decode(message: bytes) -> tuple[str, Any]:
    data = memoryview(message)[1:]
    kind, payload = marshal.loads(data) if message[:1] == _MARSHAL else pickle.loads(data)
    return kind, payload


def _widen(connection: Connection) -> None:
    """Give the pipe room for a few batches (Linux), so the two processes take turns less."""
    try:
        import fcntl
        fcntl.fcntl(connection.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_BYTES)
    except (ImportError, OSError):  # another system, or a lower limit: the default will do
        pass


def _detach(sender: Connection, receiver: Connection, importer: int) -> None:
    """Tie the parsing process's life to the importer's and drop what it must not hold."""
    receiver.close()  # the importer's end: with no other reader, a send fails once it is gone
    _die_with_parent(importer)
    _drop_inherited_sockets(keep=sender.fileno())


def _die_with_parent(parent: int) -> None:
    """Ask Linux to kill this process when its parent dies; exit now if it already has."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the broken pipe still ends it
        pass
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os._exit(1)


def _drop_inherited_sockets(*, keep: int) -> None:
    """Point every inherited socket (a database connection) at /dev/null.

    The descriptor numbers stay taken, so nothing the process opens later can be mistaken
    for them; the server no longer sees this process as a holder of the connection.
    """
    try:
        descriptors = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:  # no /proc: a forked child's sockets stay, the parent-death rules hold
        return
    null = os.open(os.devnull, os.O_RDWR)
    try:
        for fd in descriptors:
            if fd in (keep, null):
                continue
            try:
                if stat.S_ISSOCK(os.fstat(fd).st_mode):
                    os.dup2(null, fd)
            except OSError:  # closed meanwhile (the listing's own descriptor)
                pass
    finally:
        os.close(null)


def _parse(sender: Connection, receiver: Connection, importer: int, path: Path, name: str,
           max_bytes: int | None, plan: RowPlan, rejects_path: Path | None) -> None:
    """The parsing process: send the rows in batches, then the outcome, or the error."""
    _detach(sender, receiver, importer)
    send = sender.send_bytes
    outcome = ParseOutcome()
    # Rows of plain values (every engine's but Core's) go as marshal data: both ends are
    # the same interpreter, and it costs half of what pickle does.
    rows_codec = _MARSHAL if plan.format.mode != "core" else _PICKLE
    rejects = Rejects(rejects_path, plan.src_lang)
    ok = False
    try:
        reader = TmxReader(path, max_bytes=max_bytes, name=name)
        share = _KeySharing()
        for rows in _batched(unit_rows(reader, plan, outcome, rejects)):
            keys = None
            if share.now():
                started = time.perf_counter()
                keys = batch_keys(rows)
                share.made_keys(time.perf_counter() - started)
            started = time.perf_counter()
            send(_encode(_ROWS, (rows, keys), rows_codec))
            share.waited(time.perf_counter() - started)
        ok = True
    except SverkaError as error:
        send(_encode(_ERROR, error))
    except BrokenPipeError:  # the importer stopped reading: it has its own error to report
        pass
    except Exception as error:  # reported, not lost: the importer raises it
        send(_encode(_ERROR, ParseProcessError("parse-process-failed", "{name}: {kind}: {reason}",
                                               name=name, kind=type(error).__name__,
                                               reason=str(error))))
    finally:
        rejects.close(ok)
    if ok:
        send(_encode(_DONE, outcome))
    sender.close()
