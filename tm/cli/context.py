"""What every command shares: the database it works on, opened lazily."""
from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from tm.db import current_revision, database_url, make_engine, session_factory, upgrade
from tm.errors import SverkaError


class CliContext:
    """The database settings of one ``sverka`` invocation."""

    def __init__(self, *, db: str | None, data_dir: str | None) -> None:
        self.url = database_url(db, data_dir)
        self._engine: Engine | None = None
        self._factory: sessionmaker[Session] | None = None

    @property
    def engine(self) -> Engine:
        """The engine, created on first use."""
        if self._engine is None:
            self._engine = make_engine(self.url)
        return self._engine

    def ensure_schema(self) -> None:
        """Create the schema in a new database; refuse to work on an outdated one."""
        from alembic.script import ScriptDirectory

        from tm.db import alembic_config

        revision = current_revision(self.engine)
        if revision is None:
            upgrade(self.engine)
            return
        head = ScriptDirectory.from_config(alembic_config(self.engine)).get_current_head()
        if revision != head:
            raise SverkaError(f"the database schema is at {revision}, this Sverka needs {head}: "
                              "run `sverka db upgrade`")

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Yield a session committed on success, rolled back on any error."""
        self.ensure_schema()
        if self._factory is None:
            self._factory = session_factory(self.engine)
        with self._factory() as session, session.begin():
            yield session

    def close(self) -> None:
        """Release the database connections."""
        if self._engine is not None:
            self._engine.dispose()


def emit_json(data: Any) -> None:
    """Print ``data`` as one line of JSON."""
    click.echo(json.dumps(data, ensure_ascii=False, default=str))


json_option = click.option("--json", "as_json", is_flag=True,
                           help="Print the result as JSON for scripts.")
