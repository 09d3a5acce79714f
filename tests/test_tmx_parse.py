"""Parsing a TMX file in a second process gives the same import as parsing it in this one."""
from __future__ import annotations

import multiprocessing
import os
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.components import shared
from tests.test_tmx_memory import _inventory, _pair
from tests.test_tmx_reader import HOSTILE
from tests.tmx_samples import tmx, tu
from tm.errors import FormatError, InputError
from tm.formats.tmx import read_tmx
from tm.memory import import_tmx, tmx_parse
from tm.memory.tmx_parse import PARSE_PROCESS_ENV, ParseProcessError, use_parse_process
from tm.models import Memory, MemoryUnit, SearchTerms
from tm.search import fuzzy

COMPARED = ("tuid", "src_lang", "tgt_lang", "source", "target", "source_markup",
            "target_markup", "source_key", "context_before", "context_after", "created_at",
            "created_by", "changed_at", "changed_by", "usage_count", "last_used_at", "extra")


def _stored(session: Session, memory: str) -> list[tuple[object, ...]]:
    columns = [getattr(MemoryUnit, name) for name in COMPARED]
    return [tuple(row) for row in session.execute(
        select(*columns).join(Memory).where(Memory.name == memory).order_by(MemoryUnit.id))]


def _report(report: object) -> dict[str, object]:
    data = dict(report.as_dict())  # type: ignore[attr-defined]
    for key in ("memory", "seconds", "rejects"):
        del data[key]
    return data


@pytest.mark.slow
def test_every_real_tools_file_imports_alike_in_a_parsing_process(session: Session) -> None:
    shared("eval", "tmx", "inventory.tsv")
    for n, entry in enumerate(_inventory()):
        path = shared("eval", "tmx", entry["file"])
        src, tgt = _pair(entry["languages"]) if entry["languages"] else ("en", "fr")
        here, there = (_imported(session, path, memory=f"{name}{n}", src=src, tgt=tgt,
                                 parallel=parallel)
                       for name, parallel in (("here", False), ("there", True)))
        assert there == here, entry["file"]
        assert _stored(session, f"there{n}") == _stored(session, f"here{n}"), entry["file"]


def _imported(session: Session, path: Path, **options: Any) -> object:
    """The report of an import in a savepoint, or the error refusing it (and rolling back)."""
    try:
        with session.begin_nested():
            return _report(import_tmx(session, path, on_duplicate="keep-all", **options))
    except InputError as error:
        return str(error)


def test_duplicates_skips_and_rejects_from_a_parsing_process(session: Session,
                                                             tmp_path: Path) -> None:
    body = (tu("Один.", "One.") + tu("Два.", "") + tu("Один.", "One.")
            + '<tu><tuv xml:lang="ru"><seg>Три.</seg></tuv></tu>') * 700
    path = tmp_path / "in.tmx"
    path.write_text(tmx(body), encoding="utf-8")
    rejects = tmp_path / "rejects.tmx"
    report = import_tmx(session, path, memory="m", rejects=rejects, parallel=True)
    assert (report.read, report.imported, report.duplicates) == (2800, 1, 1399)
    assert {str(why): n for why, n in report.skipped.items()} == {
        "empty target": 700, "no en variant": 700}
    assert len(list(read_tmx(rejects).units())) == 1400
    assert not rejects.with_name("rejects.tmx.partial").exists()


@pytest.mark.parametrize("name", ["xxe", "billion-laughs", "not-well-formed", "not-tmx",
                                  "binary", "empty"])
def test_hostile_files_fail_the_same_way_in_a_parsing_process(session: Session, tmp_path: Path,
                                                               name: str) -> None:
    data, _message = HOSTILE[name]
    path = tmp_path / f"{name}.tmx"
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    errors = []
    for parallel in (False, True):
        with pytest.raises(FormatError) as raised, session.begin_nested():
            import_tmx(session, path, memory="m", parallel=parallel)
        errors.append(str(raised.value))
    assert errors[0] == errors[1]


def test_a_file_broken_after_many_units_imports_nothing_and_leaves_no_rejects(
        session: Session, tmp_path: Path) -> None:
    path = tmp_path / "broken.tmx"
    path.write_text(tmx(tu("Один.", "One.") * 5000 + tu("Два.", "")).replace("</body>", "<tu>"),
                    encoding="utf-8")
    rejects = tmp_path / "rejects.tmx"
    with pytest.raises(FormatError, match="not well-formed"), session.begin_nested():
        import_tmx(session, path, memory="m", rejects=rejects, parallel=True)
    assert session.scalar(select(func.count()).select_from(MemoryUnit)) == 0
    assert not rejects.exists() and not rejects.with_name("rejects.tmx.partial").exists()


def assert_single_threaded() -> None:
    """Only a single-threaded process forks its parser, and only a fork inherits a patch."""
    names = [thread.name for thread in threading.enumerate()]
    assert len(names) == 1, f"an earlier test left threads running: {names}"


def test_a_parsing_process_that_dies_is_an_error_not_a_short_import(
        session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "in.tmx"
    path.write_text(tmx(tu("Один.", "One.") * 2000), encoding="utf-8")

    def dies(*_args: object) -> None:
        os._exit(3)

    assert_single_threaded()
    monkeypatch.setattr(tmx_parse, "unit_rows", dies)  # the forked process inherits it
    with pytest.raises(ParseProcessError, match="exit code 3"), session.begin_nested():
        import_tmx(session, path, memory="m", parallel=True)
    assert session.scalar(select(func.count()).select_from(MemoryUnit)) == 0


def test_an_unexpected_error_in_the_parsing_process_is_reported(
        session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "in.tmx"
    path.write_text(tmx(tu("Один.", "One.")), encoding="utf-8")

    def fails(*_args: object) -> None:
        raise RuntimeError("disk on fire")

    assert_single_threaded()
    monkeypatch.setattr(tmx_parse, "unit_rows", fails)  # the forked process inherits it
    with pytest.raises(ParseProcessError, match="RuntimeError: disk on fire"):
        import_tmx(session, path, memory="m", parallel=True)


def test_only_large_files_are_parsed_in_a_second_process(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    small, large = tmp_path / "small.tmx", tmp_path / "large.tmx"
    small.write_bytes(b"x" * 1000)
    with open(large, "wb") as handle:
        handle.truncate(tmx_parse.PARALLEL_MIN_BYTES)
    monkeypatch.delenv(PARSE_PROCESS_ENV, raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert (use_parse_process(small), use_parse_process(large)) == (False, True)
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert not use_parse_process(large)
    monkeypatch.setenv(PARSE_PROCESS_ENV, "1")
    assert use_parse_process(small)
    monkeypatch.setenv(PARSE_PROCESS_ENV, "0")
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert not use_parse_process(large)


def test_a_threaded_importer_spawns_its_parsing_process(
        session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A web server's worker threads: forking would copy their locks, so the process is
    # spawned (a fresh interpreter), and the import is the same.
    path = tmp_path / "in.tmx"
    path.write_text(tmx(tu("Один.", "One.") + tu("Два.", "Two.", attrs=' tuid="2"')),
                    encoding="utf-8")
    methods = []
    get_context = multiprocessing.get_context

    def spy(method: str) -> object:
        methods.append(method)
        return get_context(method)

    monkeypatch.setattr(multiprocessing, "get_context", spy)
    release = threading.Event()
    waiting = threading.Thread(target=release.wait)
    waiting.start()
    try:
        report = import_tmx(session, path, memory="m", parallel=True)
    finally:
        release.set()
        waiting.join()
    assert methods == ["spawn"]
    assert (report.read, report.imported) == (2, 2)
    assert [row[3:5] for row in _stored(session, "m")] == [("Один.", "One."), ("Два.", "Two.")]


def test_search_keys_made_by_the_parsing_process_are_the_importers(
        session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "in.tmx"
    path.write_text(tmx("".join(tu(f"Президент заявил {i} раз, что из-за «погоды» всё.",
                                   f"Said {i}.") for i in range(1200))), encoding="utf-8")
    import_tmx(session, path, memory="here", parallel=False)
    monkeypatch.setattr(tmx_parse._KeySharing, "now", lambda self: True)  # always there
    import_tmx(session, path, memory="there", parallel=True)

    def keys(memory: str) -> list[bytes]:
        return list(session.scalars(select(SearchTerms.keys).join(
            MemoryUnit, MemoryUnit.id == SearchTerms.unit_id).join(Memory)
            .where(Memory.name == memory).order_by(MemoryUnit.id)))

    assert len(keys("there")) == 1200
    assert keys("there") == keys("here")
    assert fuzzy(session, "Президент заявил 5 раз, что из-за погоды всё.", min_score=70,
                 memories=["there"])


def test_the_parsing_process_makes_keys_only_while_the_importer_is_behind() -> None:
    sharing = tmx_parse._KeySharing()
    sharing.made_keys(0.002)
    for _ in range(20):  # sends that do not wait: the importer keeps up
        sharing.waited(0.0001)
    assert not sharing.now()
    for _ in range(20):  # sends that wait longer than making the keys takes
        sharing.waited(0.01)
    assert sharing.now()
    sharing.waited(0.0)  # one quick send does not flip it
    assert sharing.now()


def test_absent_values_are_stored_as_null_and_empty_ones_as_empty(session: Session,
                                                                   tmp_path: Path) -> None:
    path = tmp_path / "in.tmx"
    path.write_text(tmx(tu("Один.", "One.")
                        + tu("Два.", "Two.", attrs=' tuid="" creationid="" changeid=""',
                             inner='<prop type="x-context-pre"></prop>')), encoding="utf-8")
    import_tmx(session, path, memory="m")
    plain, empty = session.execute(
        select(MemoryUnit.tuid, MemoryUnit.created_by, MemoryUnit.changed_by,
               MemoryUnit.context_before, MemoryUnit.source_markup, MemoryUnit.created_at,
               MemoryUnit.usage_count).order_by(MemoryUnit.id)).all()
    assert tuple(plain) == (None,) * 7
    assert tuple(empty) == ("", "", "", "", None, None, None)


def _children(pid: int) -> list[int]:
    """Return the ids of the live processes whose parent is ``pid`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _busy_sessions(database_url: str) -> int:
    """Count the other sessions on the test database that are inside a statement (PostgreSQL)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return int(connection.scalar(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = :name "
                "AND pid <> pg_backend_pid() AND state <> 'idle'"),
                {"name": make_url(database_url).database}))
    finally:
        engine.dispose()


@pytest.mark.slow
def test_a_killed_import_takes_its_parsing_process_and_database_session_with_it(
        database_url: str, clean_db: object, tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    # Large enough that the parsing process is still sending (the pipe full) when the
    # importer is killed.
    path = tmp_path / "big.tmx"
    path.write_text(tmx("".join(tu(f"Предложение номер {i} о бюджете.", f"Sentence {i}.")
                                for i in range(60_000))), encoding="utf-8")
    command = [sys.executable, "-m", "tm.cli", "--db", database_url, "import-tmx", str(path),
               "--memory", "killed"]
    env = {**os.environ, PARSE_PROCESS_ENV: "1"}
    importer = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        children: list[int] = []
        while not children and time.monotonic() < deadline and importer.poll() is None:
            children = _children(importer.pid)
            time.sleep(0.05)
        assert children, "the import never started its parsing process"
        time.sleep(0.5)  # the parsing process is well into the file
    finally:
        importer.send_signal(signal.SIGKILL)
        importer.wait()
    deadline = time.monotonic() + 10
    while any(map(_alive, children)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(map(_alive, children)), "the parsing process outlived its importer"
    if database_url.startswith("postgresql"):
        while _busy_sessions(database_url) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _busy_sessions(database_url) == 0, "a session of the killed import is active"
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
