"""Alembic environment: runs migrations on the engine handed over by ``tm.db``."""
from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool

from tm.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    """Run migrations online, on the caller's engine or on ``sqlalchemy.url``."""
    engine = config.attributes.get("engine")
    if engine is None:
        engine = engine_from_config(config.get_section(config.config_ini_section, {}),
                                    prefix="sqlalchemy.", poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=connection.dialect.name == "sqlite",
                          compare_type=True)
        with context.begin_transaction():
            context.run_migrations()


run_migrations()
