"""The Alembic migrations build the schema the models describe, on SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from click.testing import CliRunner
from sqlalchemy import Column, func, inspect, select

from tests.dbutil import temporary_database
from tm.cli import cli
from tm.db import (
    SCHEMA_HEAD,
    SQLITE_PAGE_SIZE,
    alembic_config,
    current_revision,
    downgrade,
    head_revision,
    make_engine,
    upgrade,
)
from tm.models import Base, RevisionAction, SegmentRevision, TranslationRevision


def test_upgrade_creates_the_schema_the_models_describe(tmp_path: Path) -> None:
    with temporary_database(tmp_path) as url:
        engine = make_engine(url)
        try:
            assert current_revision(engine) is None
            upgrade(engine)
            head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
            assert current_revision(engine) == head == head_revision(engine) == SCHEMA_HEAD
            with engine.connect() as connection:
                diff = compare_metadata(
                    MigrationContext.configure(connection, opts={"compare_type": True}),
                    Base.metadata)
            assert diff == []
        finally:
            engine.dispose()


@pytest.mark.parametrize("column", [TranslationRevision.__table__.c.action,
                                    SegmentRevision.__table__.c.action])
def test_every_revision_action_fits_its_column(column: Column[RevisionAction]) -> None:
    # The columns are the VARCHAR(20) they were created as: a longer action needs a migration.
    assert column.type.length == 20
    assert all(len(action.value) <= column.type.length for action in RevisionAction)


def test_downgrade_to_base_and_upgrade_again(tmp_path: Path) -> None:
    with temporary_database(tmp_path) as url:
        engine = make_engine(url)
        try:
            upgrade(engine)
            downgrade(engine, "base")
            assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
            upgrade(engine)
            assert {"document", "segment", "translation", "translation_revision"} <= set(
                inspect(engine).get_table_names())
        finally:
            engine.dispose()


def test_a_command_refuses_an_outdated_schema_and_works_on_the_newest(tmp_path: Path) -> None:
    with temporary_database(tmp_path) as url:
        engine = make_engine(url)
        try:
            upgrade(engine, "0005")
            assert current_revision(engine) == "0005"
            refused = CliRunner().invoke(cli, ["--db", url, "documents"])
            assert refused.exit_code == 2
            assert f"schema is at 0005, this Sverka needs {SCHEMA_HEAD}: run `sverka db upgrade`" \
                in refused.output
            upgrade(engine)
            done = CliRunner().invoke(cli, ["--db", url, "documents", "--json"])
            assert done.exit_code == 0 and json.loads(done.output) == []
        finally:
            engine.dispose()


def test_upgrade_twice_is_harmless(tmp_path: Path) -> None:
    with temporary_database(tmp_path) as url:
        engine = make_engine(url)
        try:
            upgrade(engine)
            upgrade(engine)
            assert current_revision(engine) is not None
        finally:
            engine.dispose()


def test_a_new_sqlite_database_has_large_pages_and_an_old_one_keeps_its_own(
        tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite3"
    with sqlite3.connect(old) as connection:  # made by an earlier Sverka: 4 KiB pages
        connection.execute("CREATE TABLE t (a)")
    for path, expected in ((tmp_path / "new.sqlite3", SQLITE_PAGE_SIZE), (old, 4096)):
        engine = make_engine(f"sqlite:///{path}")
        try:
            with engine.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA page_size").scalar() == expected
                assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        finally:
            engine.dispose()


def test_upgrade_dates_each_documents_activity_by_its_last_translation_change(
        tmp_path: Path) -> None:
    """0010 gives stored documents the time their translations last changed, else their
    import's (made by going down to 0009 and up again over a seeded database), and loses
    no row on the way."""
    from sqlalchemy import update
    from sqlalchemy.orm import Session

    from tests.conftest import import_seed
    from tm.ingest.importer import create_line_documents
    from tm.models import Document, Segment, Translation

    imported = dt.datetime(2021, 5, 1, tzinfo=dt.UTC)
    edited = dt.datetime(2022, 2, 3, 4, 5, tzinfo=dt.UTC)
    with temporary_database(tmp_path) as url:
        engine = make_engine(url)
        try:
            upgrade(engine)
            with Session(engine) as session:
                seed = import_seed(session).document.id
                (bare,), _ = create_line_documents(
                    session, [("Без перевода", 1)], ["Строка."], src_lang="ru",
                    tgt_lang="en", source_format="text", source_name="-")
                session.execute(update(Document).values(imported_at=imported))
                one = session.scalars(select(Translation.id).join(Segment).where(
                    Segment.document_id == seed)).first()
                session.execute(update(Translation).values(updated_at=imported))
                session.execute(update(Translation).where(Translation.id == one)
                                .values(updated_at=edited))
                session.commit()
                bare_id = bare.id
                rows = session.scalar(select(func.count()).select_from(Translation))
            downgrade(engine, "0009")
            upgrade(engine)
            with Session(engine) as session:
                # SQLite copies the altered table: its referrers are all still there.
                assert session.scalar(select(func.count()).select_from(Translation)) == rows
                assert session.get_one(Document, seed).active_at == edited
                assert session.get_one(Document, bare_id).active_at == imported
        finally:
            engine.dispose()
