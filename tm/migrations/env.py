"""Alembic environment: runs migrations on the engine handed over by ``tm.db``."""
from __future__ import annotations

from typing import Any, Literal

from alembic import context
from sqlalchemy import TypeDecorator, engine_from_config, pool

from tm.models import Base

config = context.config
target_metadata = Base.metadata


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    """Write Sverka's column types as their plain SQLAlchemy types, so scripts stay frozen."""
    if type_ == "type" and isinstance(obj, TypeDecorator):
        return repr(obj.impl).replace("DateTime(", "sa.DateTime(").replace("String(", "sa.String(")
    return False


def run_migrations() -> None:
    """Run migrations online, on the caller's engine or on ``sqlalchemy.url``."""
    engine = config.attributes.get("engine")
    if engine is None:
        engine = engine_from_config(config.get_section(config.config_ini_section, {}),
                                    prefix="sqlalchemy.", poolclass=pool.NullPool)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # SQLite alters a table by copying it to a new one and dropping the old: with
            # foreign keys enforced, that drop would cascade to every row that refers to
            # it (a document's segments and translations). Off for the migration (outside
            # a transaction, where SQLite takes the pragma), checked and on again after.
            connection.exec_driver_sql("PRAGMA foreign_keys = OFF")
            connection.commit()
        try:
            context.configure(connection=connection, target_metadata=target_metadata,
                              render_as_batch=sqlite, compare_type=True,
                              render_item=render_item)
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").first()
                    if broken is not None:
                        raise RuntimeError(f"the migration broke a foreign key: {broken}")
        finally:
            if sqlite:
                connection.rollback()
                connection.exec_driver_sql("PRAGMA foreign_keys = ON")
                connection.commit()


run_migrations()
