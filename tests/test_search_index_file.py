"""The index file: built once, mapped by every process of the machine, renewed by reindex and
merges; a unit committed through one process is found through another."""
from __future__ import annotations

import json
import random
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.conftest import ROOT
from tests.test_search_fuzzy import _ranked, edited, sentence
from tm.db import make_engine
from tm.memory import get_or_create_memory
from tm.memory.tmx_rows import source_key
from tm.models import MemoryUnit
from tm.search import brute_force, fuzzy, index_units, reindex
from tm.search.index import (
    build,
    configure_index_dir,
    index_keys,
    shared,
    shared_index,
    units_with_words,
    warm_index,
)
from tm.search.index.arrays import _Rows
from tm.search.index.build import Builder
from tm.search.index.store import MAGIC

# A second process of the same machine: it configures the same directory, warms its index,
# then answers one JSON line per query line (what it found, and where its arrays are from).
CHILD = textwrap.dedent("""
    import json, sys
    from sqlalchemy.orm import Session
    from tm.db import make_engine
    from tm.search import fuzzy
    from tm.search.index import configure_index_dir, shared_index, warm_index

    engine = make_engine(sys.argv[1])
    configure_index_dir(engine, sys.argv[2])
    rows = warm_index(engine)

    def state():
        index = shared_index(engine)
        return {"rows": rows, "loaded_from": str(index.loaded_from or ""),
                "last_id": index.last_id}

    print(json.dumps(state()), flush=True)
    for line in sys.stdin:
        with Session(engine) as session:
            found = [m.target for m in fuzzy(session, line.strip(), min_score=90)]
        print(json.dumps({"found": found, **state()}), flush=True)
""")


class Child:
    """A second Python process on the suite's database, asked for lookups line by line."""

    def __init__(self, url: str, directory: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", CHILD, url, str(directory)], cwd=ROOT, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.started = self._answer()

    def _answer(self) -> dict[str, object]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line, "the second process ended"
        answer: dict[str, object] = json.loads(line)
        return answer

    def lookup(self, text: str) -> dict[str, object]:
        assert self.process.stdin is not None
        self.process.stdin.write(text + "\n")
        self.process.stdin.flush()
        return self._answer()

    def close(self) -> None:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.close()
        self.process.wait(timeout=60)
        self.process.stdout.close()


@pytest.fixture
def child(database_url: str, tmp_path: Path) -> Iterator[type[Child]]:
    started: list[Child] = []

    class Started(Child):
        def __init__(self) -> None:
            super().__init__(database_url, tmp_path)
            started.append(self)

    yield Started
    for process in started:
        process.close()


@pytest.fixture
def engine_with_file(clean_db: Engine, database_url: str,
                     tmp_path: Path) -> Iterator[Engine]:
    """An engine of the suite's database whose index lives in a file under ``tmp_path``."""
    engine = make_engine(database_url)
    configure_index_dir(engine, tmp_path)
    yield engine
    engine.dispose()


def add(engine: Engine, texts: list[str]) -> None:
    """Store and index units (the target says which), committed."""
    with Session(engine) as session, session.begin():
        memory = get_or_create_memory(session, "main")
        units = [MemoryUnit(memory_id=memory.id, src_lang="ru", tgt_lang="en", source=text,
                            target=f"t:{text}", source_key=source_key(text)) for text in texts]
        session.add_all(units)
        session.flush()
        index_units(session, unit_ids=[u.id for u in units])


def sentences(count: int, start: int = 0) -> list[str]:
    """Distinct sentences: numbers are all one key, so each has a word of its own."""
    def word(n: int) -> str:
        return "".join("абвгдежзик"[int(digit)] for digit in str(n))

    return [f"Министр {word(n)} сообщил о пакете санкций {word(n * 7 + 3)} против страны."
            for n in range(start, start + count)]


def lookup(engine: Engine, text: str) -> list[str]:
    with Session(engine) as session:
        return [m.target for m in fuzzy(session, text, min_score=90)]


def index_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("search-index/*/*.sidx"))


def test_a_second_process_maps_the_file_instead_of_building(
        engine_with_file: Engine, tmp_path: Path, child: type[Child]) -> None:
    add(engine_with_file, sentences(40))
    assert lookup(engine_with_file, sentences(1, 5)[0]) == [f"t:{sentences(1, 5)[0]}"]
    (file,) = index_files(tmp_path)
    assert shared_index(engine_with_file).loaded_from == file
    other = child()
    assert other.started == {"rows": 40, "loaded_from": str(file),
                             "last_id": shared_index(engine_with_file).last_id}


def test_a_unit_committed_through_one_process_is_found_through_another(
        engine_with_file: Engine, child: type[Child]) -> None:
    add(engine_with_file, sentences(30))
    other = child()
    text = "Совершенно новое предложение о переговорах в Бишкеке."
    assert other.lookup(text)["found"] == []
    add(engine_with_file, [text])
    # At once: every lookup reads the rows committed since its index last read.
    assert other.lookup(text)["found"] == [f"t:{text}"]
    other.lookup(text)
    assert lookup(engine_with_file, text) == [f"t:{text}"]


def test_a_unit_added_by_the_second_process_is_found_by_the_first(
        engine_with_file: Engine, database_url: str, tmp_path: Path) -> None:
    add(engine_with_file, sentences(10))
    assert lookup(engine_with_file, sentences(1)[0])
    text = "Делегация прибыла в Астану для консультаций по визовому режиму."
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from tests.test_search_index_file import add
        from tm.db import make_engine
        from tm.search.index import configure_index_dir
        engine = make_engine({database_url!r})
        configure_index_dir(engine, {str(tmp_path)!r})
        add(engine, [{text!r}])
    """)
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, timeout=120)
    assert lookup(engine_with_file, text) == [f"t:{text}"]


def test_reindex_writes_a_new_file_and_removes_the_old(
        engine_with_file: Engine, tmp_path: Path, child: type[Child]) -> None:
    add(engine_with_file, sentences(20))
    lookup(engine_with_file, sentences(1)[0])
    (old,) = index_files(tmp_path)
    with Session(engine_with_file) as session, session.begin():
        reindex(session)
    assert lookup(engine_with_file, sentences(1, 3)[0]) == [f"t:{sentences(1, 3)[0]}"]
    (new,) = index_files(tmp_path)
    assert new != old and new.name.split("-")[0] != old.name.split("-")[0]
    assert child().started["loaded_from"] == str(new)


def test_a_merge_writes_a_new_file_a_new_process_maps(
        engine_with_file: Engine, tmp_path: Path, child: type[Child],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shared, "DELTA_MERGE_MIN", 5)
    add(engine_with_file, sentences(20))
    lookup(engine_with_file, sentences(1)[0])
    (first,) = index_files(tmp_path)
    index = shared_index(engine_with_file)
    add(engine_with_file, sentences(4, 20))
    index.refresh_from(engine_with_file)
    assert index_files(tmp_path) == [first] and len(index.delta) == 4  # not merged yet
    add(engine_with_file, sentences(4, 24))
    index.refresh_from(engine_with_file)
    (merged,) = index_files(tmp_path)
    assert merged != first and index.loaded_from == merged and not len(index.delta)
    other = child()
    assert other.started["loaded_from"] == str(merged) and other.started["rows"] == 28
    text = sentences(1, 26)[0]
    assert other.lookup(text)["found"] == [f"t:{text}"]


def test_a_process_that_merges_after_another_maps_its_file(
        engine_with_file: Engine, database_url: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shared, "DELTA_MERGE_MIN", 5)
    add(engine_with_file, sentences(20))
    lookup(engine_with_file, sentences(1)[0])
    second = make_engine(database_url)
    try:
        configure_index_dir(second, tmp_path)
        lookup(second, sentences(1)[0])
        add(engine_with_file, sentences(8, 20))
        shared_index(engine_with_file).refresh_from(engine_with_file)
        (merged,) = index_files(tmp_path)
        shared_index(second).refresh_from(second)
        assert shared_index(second).loaded_from == merged  # mapped, not built again
        text = sentences(1, 27)[0]
        assert lookup(second, text) == [f"t:{text}"]
    finally:
        second.dispose()


@pytest.mark.parametrize("broken", [
    lambda whole: b"", lambda whole: MAGIC, lambda whole: MAGIC + bytes(64),
    lambda whole: b"not an index at all",
    # a whole file of the first format, whose posting lists were in entry order
    lambda whole: whole.replace(MAGIC, b"SVERKA-INDEX-1\n", 1)])
def test_a_broken_or_earlier_file_is_built_again(
        engine_with_file: Engine, tmp_path: Path, broken: Callable[[bytes], bytes]) -> None:
    add(engine_with_file, sentences(12))
    lookup(engine_with_file, sentences(1)[0])
    (good,) = index_files(tmp_path)
    good.write_bytes(broken(good.read_bytes()))  # as a crash or an older Sverka left it
    other = make_engine(str(engine_with_file.url))
    try:
        configure_index_dir(other, tmp_path)
        assert lookup(other, sentences(1, 4)[0]) == [f"t:{sentences(1, 4)[0]}"]
        (rebuilt,) = index_files(tmp_path)
        assert shared_index(other).loaded_from == rebuilt and rebuilt.stat().st_size > 4096
    finally:
        other.dispose()


def test_without_a_directory_the_index_stays_in_memory(clean_db: Engine) -> None:
    add(clean_db, sentences(5))
    assert lookup(clean_db, sentences(1, 2)[0]) == [f"t:{sentences(1, 2)[0]}"]
    assert shared_index(clean_db).loaded_from is None


def test_an_unusable_directory_leaves_the_index_in_memory(
        clean_db: Engine, database_url: str, tmp_path: Path) -> None:
    (tmp_path / "data").write_text("a file where the directory would be")
    engine = make_engine(database_url)
    try:
        configure_index_dir(engine, tmp_path / "data")
        add(engine, sentences(5))
        assert lookup(engine, sentences(1, 2)[0]) == [f"t:{sentences(1, 2)[0]}"]
        assert shared_index(engine).loaded_from is None
    finally:
        engine.dispose()


@pytest.mark.parametrize("packed_max", [build.PACKED_MAX, -1], ids=["3 bytes", "4 bytes"])
@pytest.mark.parametrize("in_file", [True, False], ids=["file", "memory"])
def test_lookups_on_the_arrays_equal_a_scan(
        clean_db: Engine, database_url: str, tmp_path: Path, packed_max: int, in_file: bool,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Committed units, read into the arrays (the caller's own rows are scanned instead)."""
    monkeypatch.setattr(build, "PACKED_MAX", packed_max)
    rng = random.Random(packed_max + in_file)
    sources = [sentence(rng, rng.randrange(3, 16)) for _ in range(300)]
    add(clean_db, sources)
    engine = make_engine(database_url)
    try:
        if in_file:
            configure_index_dir(engine, tmp_path)
        warm_index(engine)
        index = shared_index(engine)
        assert len(index.arrays) == 300 and not len(index.delta)
        assert index.arrays.keys.width == index.arrays.post_entries.width == (
            3 if packed_max > 0 else 4)
        assert (index.loaded_from is not None) == in_file
        with Session(engine) as session:
            for min_score in (50, 75, 95):
                for _ in range(12):
                    query = edited(rng, rng.choice(sources))
                    assert _ranked(fuzzy(session, query, min_score=min_score, limit=30)) \
                        == _ranked(brute_force(session, query, min_score=min_score,
                                               limit=30)), query
            for source in sources[:10]:
                words = [list(index_keys(w)) for w in source.split()[:2]]
                expected = sorted(u.id for u in session.scalars(select(MemoryUnit))
                                  if all(set(w) & set(index_keys(u.source)) for w in words))
                assert units_with_words(session, words) == expected
    finally:
        engine.dispose()


@pytest.mark.parametrize("slice_keys", [1, 3, 50, 1 << 16])
def test_the_counting_sort_lists_each_units_keys_once_shortest_units_first(
        slice_keys: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build, "SLICE_MIN", slice_keys)
    rng = np.random.default_rng(slice_keys)
    rows = [(n + 1, 3 * n, 1 + n % 2,
             rng.integers(0, 40, size=int(rng.integers(0, 12))).astype("<u4").tobytes())
            for n in range(400)]
    first = Builder()
    first.add_rows(rows[:150])
    merged = Builder()
    merged.add_arrays(first.finish())
    merged.add_rows(_Rows(*map(list, zip(*rows[150:], strict=True))))
    arrays = merged.finish()
    # Each key's list: its units by word count (repeats included), then by number.
    listed = sorted({(int(k), len(row[3]) // 4, n) for n, row in enumerate(rows)
                     for k in np.frombuffer(row[3], "<u4")})
    counts = np.diff(arrays.post_starts.astype(np.int64))
    entries = arrays.post_entries.run(0, len(arrays.post_entries))
    assert list(zip(np.repeat(arrays.post_keys, counts).tolist(), entries.tolist(),
                    strict=True)) == [(key, n) for key, _, n in listed]
    assert arrays.word_keys(0, len(arrays.keys)).tobytes() == b"".join(row[3] for row in rows)
    assert arrays.keys.width == arrays.post_entries.width == 3  # the values fit 3 bytes
    assert arrays.unit_ids.tolist() == [row[1] for row in rows]
    assert arrays.empty.tolist() == [n for n, row in enumerate(rows) if not row[3]]
