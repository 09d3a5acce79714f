"""Test sets: line-aligned files in, documents and tracks stored, every line back unchanged."""
from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tm.errors import ConflictError, EncodingError, FormatError, InputError, ValidationError
from tm.models import Origin, Segment, SegmentKind, Status, Translation, TranslationRevision
from tm.scoring.lines import decode_lines, join_lines, parse_docids, split_lines
from tm.scoring.testsets import (
    TrackLines,
    add_lines_to_testset,
    document_runs,
    get_testset,
    import_testset,
    ordered_segments,
    track_lines,
)
from tm.translations import get_track

Run = Callable[..., Result]

# Lines the ingest readers would change: runs of spaces, no-break and thin spaces, tabs,
# edge spaces, a carriage return, a line separator, an empty line.
AWKWARD = ["Он  сказал:\u00a0«да».", " начало", "конец ", "a\tb", "CRLF\r", "a\u2028b", "",
           "x\u2009y"]


@pytest.mark.parametrize("text, expected", [
    ("", []),
    ("a\n", ["a"]),
    ("a\nb", ["a", "b"]),
    ("a\n\nb\n", ["a", "", "b"]),
    ("a\r\nb\r\n", ["a\r", "b\r"]),
    ("a\u2028b\x85c\n", ["a\u2028b\x85c"]),
    ("  a  \n", ["  a  "]),
    ("\n", [""]),
])
def test_lines_split_at_newline_only(text: str, expected: list[str]) -> None:
    assert split_lines(text) == expected


@pytest.mark.parametrize("lines", [["a"], AWKWARD, [""], ["", ""]])
def test_lines_round_trip(lines: list[str]) -> None:
    assert split_lines(join_lines(lines)) == lines


@pytest.mark.parametrize("data, error", [
    (b"\xff\xfe\x00a", EncodingError),
    (b"caf\xe9\n", EncodingError),
    (b"a\x00b\n", FormatError),
    (b"", InputError),
])
def test_unusable_files_are_refused(data: bytes, error: type[Exception]) -> None:
    with pytest.raises(error):
        decode_lines(data, "f.txt")


@pytest.mark.parametrize("lines, expected", [
    (["line\tdoc_id\tdomain", "1\td1\tnews", "2\td1\tnews", "3\td2\tnews"], ["d1", "d1", "d2"]),
    (["d1", "d1", " d2 "], ["d1", "d1", "d2"]),
])
def test_docids_from_segments_tsv_or_one_a_line(lines: list[str], expected: list[str]) -> None:
    assert parse_docids(lines, "ids") == expected


@pytest.mark.parametrize("ids, expected", [
    (None, [(None, 3)]),
    (["a", "a", "b"], [("a", 2), ("b", 1)]),
    (["a", "b", "c"], [("a", 1), ("b", 1), ("c", 1)]),
])
def test_document_runs(ids: list[str] | None, expected: list[tuple[str | None, int]]) -> None:
    assert document_runs(ids, 3) == expected


def test_scattered_document_lines_are_refused() -> None:
    with pytest.raises(InputError, match="not consecutive"):
        document_runs(["a", "b", "a"], 3)


def _import(session: Session, name: str = "ts", doc_ids: list[str] | None = None) -> None:
    import_testset(session, name, source=["раз", "два", "три"], source_name="src.txt",
                   tracks=[TrackLines("ref", ["one", "two", "three"], Origin.HUMAN),
                           TrackLines("mt:x", ["one", "", "tree "], Origin.MACHINE)],
                   doc_ids=doc_ids)


def test_import_stores_one_body_segment_per_line(session: Session) -> None:
    _import(session, doc_ids=["d1", "d1", "d2"])
    test_set = get_testset(session, "ts")
    assert [m.doc_key for m in test_set.members] == ["d1", "d2"]
    segments = ordered_segments(session, test_set)
    assert [s.text for s in segments] == ["раз", "два", "три"]
    stored = session.scalars(select(Segment).order_by(Segment.id)).all()
    assert all(s.kind is SegmentKind.BODY and s.paragraph.text == s.text for s in stored)
    assert [s.position for s in stored] == [0, 1, 0]
    assert track_lines(session, test_set, get_track(session, "mt:x")) == ["one", "", "tree "]


def test_imported_translations_have_their_first_revision(session: Session) -> None:
    _import(session)
    translations = session.scalars(select(Translation)).all()
    assert len(translations) == 6
    by_track = {t.track.name: t for t in translations if t.segment.position == 0}
    assert by_track["ref"].status is Status.TRANSLATED
    assert by_track["mt:x"].status is Status.DRAFT and by_track["mt:x"].origin is Origin.MACHINE
    for translation in translations:
        assert [(r.number, r.text, r.action) for r in translation.revisions] == [
            (1, translation.text, "create")]
    assert session.scalar(select(func.count(TranslationRevision.id))) == 6


@pytest.mark.parametrize("name", ["", "two words", "42", "x" * 201])
def test_invalid_testset_names_are_refused(session: Session, name: str) -> None:
    with pytest.raises(ValidationError):
        _import(session, name)


def test_a_second_testset_of_the_same_name_conflicts(session: Session) -> None:
    _import(session)
    with pytest.raises(ConflictError):
        _import(session)


def test_a_track_of_another_length_is_refused(session: Session) -> None:
    _import(session)
    with pytest.raises(InputError, match="2 lines, the source has 3"):
        add_lines_to_testset(session, get_testset(session, "ts"),
                             TrackLines("mt:y", ["a", "b"], Origin.MACHINE, "y.txt"))


def test_a_track_cannot_be_added_twice(session: Session) -> None:
    _import(session)
    with pytest.raises(ConflictError):
        add_lines_to_testset(session, get_testset(session, "ts"),
                             TrackLines("mt:x", ["a", "b", "c"], Origin.MACHINE))


def _write(path: Path, lines: list[str]) -> str:
    path.write_bytes(join_lines(lines).encode("utf-8"))
    return str(path)


def test_cli_round_trip_is_byte_exact(runner: Run, session: Session, tmp_path: Path) -> None:
    source = _write(tmp_path / "src.txt", [f"Строка {i}  с\u00a0пробелами " for i in
                                            range(len(AWKWARD))])
    ref = _write(tmp_path / "ref.txt", AWKWARD)
    hyp = _write(tmp_path / "hyp.txt", list(reversed(AWKWARD)))
    result = runner("import-testset", "awk", "--source", source, "--ref", f"human={ref}",
                    "--system", f"mt:a={hyp}", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["tracks"] == {"human": 8, "mt:a": 8}
    test_set = get_testset(session, "awk")
    segments = ordered_segments(session, test_set)
    assert join_lines([s.text for s in segments]).encode() == Path(source).read_bytes()
    for name, path in (("human", ref), ("mt:a", hyp)):
        lines = track_lines(session, test_set, get_track(session, name), segments)
        assert join_lines(lines).encode() == Path(path).read_bytes()


def test_cli_add_track_to_testset_and_document(runner: Run, tmp_path: Path) -> None:
    source = _write(tmp_path / "src.txt", ["а", "б", "в"])
    ref = _write(tmp_path / "ref.txt", ["a", "b", "v"])
    ids = _write(tmp_path / "ids.tsv", ["line\tdoc_id", "1\tx", "2\tx", "3\ty"])
    assert runner("import-testset", "t", "--source", source, "--ref", f"r={ref}",
                  "--docids", ids).exit_code == 0
    added = runner("add-track", "t", _write(tmp_path / "h.txt", ["1", "2", "3"]),
                   "--track", "mt:h", "--json")
    assert json.loads(added.output)["translations"] == 3
    documents = json.loads(runner("documents", "--json").output)
    first = min(d["id"] for d in documents)
    added = runner("add-track", str(first), _write(tmp_path / "d.txt", ["1", "2"]),
                   "--track", "mt:d", "--json")
    assert json.loads(added.output)["translations"] == 2


def test_cli_add_track_says_where_with_an_option(runner: Run, tmp_path: Path) -> None:
    source = _write(tmp_path / "src.txt", ["а", "б"])
    assert runner("import-testset", "wmt21", "--source", source, "--ref",
                  f"r={_write(tmp_path / 'ref.txt', ['a', 'b'])}").exit_code == 0
    hyp = _write(tmp_path / "h.txt", ["1", "2"])
    added = runner("add-track", hyp, "--testset", "wmt21", "--track", "mt:h")
    assert added.output == "Added 2 translations to test set 'wmt21' as track 'mt:h'.\n"
    document = min(d["id"] for d in json.loads(runner("documents", "--json").output))
    added = runner("add-track", "--document", str(document), hyp, "--track", "mt:d", "--json")
    assert json.loads(added.output) == {"target": str(document), "track": "mt:d",
                                        "translations": 2}


@pytest.mark.parametrize("where", [[], ["--document", "1", "--testset", "t"],
                                   ["--testset", "t", "t"]])
def test_cli_add_track_needs_one_place(runner: Run, tmp_path: Path, where: list[str]) -> None:
    result = runner("add-track", *where, _write(tmp_path / "h.txt", ["1"]), "--track", "x")
    assert result.exit_code == 2
    assert "--document ID or --testset NAME" in result.output


@pytest.mark.parametrize("args, message", [
    (["--ref", "r=REF", "--system", "bad"], "NAME=FILE"),
    (["--ref", "r=SHORT"], "has 1 line, the source has 2"),
    (["--ref", "r=REF", "--docids", "SHORT"], "document-id file has 1 line,"),
    (["--ref", "r=MISSING"], "no such file"),
])
def test_cli_import_errors_are_one_line(runner: Run, tmp_path: Path, args: list[str],
                                        message: str) -> None:
    files = {"REF": _write(tmp_path / "ref.txt", ["a", "b"]),
             "SHORT": _write(tmp_path / "short.txt", ["a"]),
             "MISSING": str(tmp_path / "missing.txt")}
    args = [next((a.replace(k, v) for k, v in files.items() if k in a), a) for a in args]
    result = runner("import-testset", "t", "--source",
                    _write(tmp_path / "src.txt", ["а", "б"]), *args)
    assert result.exit_code == 2
    assert message in result.output and len(result.output.strip().splitlines()) == 1
