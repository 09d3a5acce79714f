"""What every command shares: the database it works on, opened lazily.

SQLAlchemy and ``tm.db`` are imported when a command first asks for the database, so the
commands without one (``--help``, ``segment``, ``align``) never load them.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from tm.errors import SverkaError

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from tm.queue import JobQueue


class CliContext:
    """The database settings of one ``sverka`` invocation."""

    def __init__(self, *, db: str | None, data_dir: str | None) -> None:
        self._db, self._data_dir = db, data_dir
        self._url: str | None = None
        self._engine: Engine | None = None
        self._factory: sessionmaker[Session] | None = None
        self._queue: JobQueue | None = None

    @property
    def url(self) -> str:
        """The database URL: ``--db``, else ``$SVERKA_DATABASE_URL``, else the data dir's."""
        if self._url is None:
            from tm.db import database_url

            self._url = database_url(self._db, self._data_dir)
        return self._url

    @property
    def data_dir(self) -> Path:
        """The data directory: ``--data-dir``, else ``$SVERKA_DATA_DIR`` or the XDG one."""
        from tm.db import default_data_dir

        return Path(self._data_dir).expanduser() if self._data_dir else default_data_dir()

    @property
    def engine(self) -> Engine:
        """The engine, created on first use."""
        if self._engine is None:
            from tm.db import make_engine

            self._engine = make_engine(self.url)
        return self._engine

    def share_search_index(self) -> None:
        """Map the search index file of the data dir, as the server does (commands that look up)."""
        from tm.search.index import configure_index_dir

        configure_index_dir(self.engine, self.data_dir)

    @property
    def queue(self) -> JobQueue:
        """The job queue (``$SVERKA_QUEUE_URL``, else a SQLite file in the data dir)."""
        if self._queue is None:
            from tm.db import session_factory
            from tm.queue import open_job_queue

            self._queue = open_job_queue(session_factory(self.engine), data_dir=self.data_dir)
        return self._queue

    def ensure_schema(self) -> None:
        """Create the schema in a new database; refuse to work on an outdated one."""
        from tm.db import SCHEMA_HEAD, current_revision, head_revision, upgrade

        revision = current_revision(self.engine)
        if revision is None:
            upgrade(self.engine)
            return
        if revision == SCHEMA_HEAD:
            return
        head = head_revision(self.engine)
        if revision != head:
            raise SverkaError("schema-outdated", "the database schema is at {revision}, this "
                              "Sverka needs {head}: run `sverka db upgrade`",
                              revision=revision, head=head)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Yield a session committed on success, rolled back on any error."""
        from tm.db import session_factory

        self.ensure_schema()
        if self._factory is None:
            self._factory = session_factory(self.engine)
        with self._factory() as session, session.begin():
            yield session

    def close(self) -> None:
        """Release the database connections."""
        if self._queue is not None:
            self._queue.close()
        if self._engine is not None:
            self._engine.dispose()


def counted(n: int, singular: str, plural: str) -> str:
    """Return ``n`` and the noun in its number, as the command line's English reports say
    them: ``1 unit``, ``2 units``, ``1,204 units``."""
    return f"{n:,} {singular if n == 1 else plural}"


def emit_json(data: Any) -> None:
    """Print ``data`` as one line of JSON."""
    click.echo(json.dumps(data, ensure_ascii=False, default=str))


json_option = click.option("--json", "as_json", is_flag=True,
                           help="Print the result as JSON for scripts.")


def language_pair_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--src-lang`` and ``--tgt-lang`` (the desk's pair by default) to a command."""
    from tm.lang import SOURCE_LANG, TARGET_LANG

    function = click.option("--tgt-lang", default=TARGET_LANG, show_default=True,
                            help="Target language (BCP 47).")(function)
    return click.option("--src-lang", default=SOURCE_LANG, show_default=True,
                        help="Source language (BCP 47).")(function)


@contextmanager
def terminal_progress(quiet: bool = False) -> Iterator[Callable[[str, int, int], None] | None]:
    """Yield a ``progress(stage, done, total)`` that draws a bar on a terminal's stderr.

    None when stderr is no terminal (a script, a pipe) or ``quiet``: nothing is drawn.
    """
    import sys
    import time

    stream = sys.stderr
    if quiet or not stream.isatty():
        yield None
        return
    drawn_at, width = [0.0], [0]

    def progress(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - drawn_at[0] < PROGRESS_REDRAW_S and done < total:
            return
        drawn_at[0] = now
        share = min(done / total, 1.0) if total else 0.0
        filled = int(share * PROGRESS_BAR_WIDTH)
        line = (f"\r{stage:<18} [{'#' * filled}{'.' * (PROGRESS_BAR_WIDTH - filled)}] "
                f"{done:,}/{total:,}")
        stream.write(line.ljust(width[0]))
        width[0] = len(line)
        stream.flush()

    try:
        yield progress
    finally:
        if width[0]:
            stream.write("\r" + " " * width[0] + "\r")
            stream.flush()


PROGRESS_REDRAW_S = 0.1
PROGRESS_BAR_WIDTH = 30


def cli_actor() -> str:
    """Who the audit log says did what a command did: the machine's user, as ``cli:NAME``."""
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no name for this uid (a container)
        return "cli"


def record_command_event(session: Session, action: str, object_type: str, object_id: object,
                         detail: dict[str, Any] | None = None) -> None:
    """Record in the audit log what a command did, in its transaction."""
    from tm.accounts import record_event
    from tm.models import AuditAction

    record_event(session, AuditAction(action), actor=cli_actor(), object_type=object_type,
                 object_id=object_id, detail=detail)
