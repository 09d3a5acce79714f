"""The ``sverka`` command line: every command has help, reports have --json, errors are one line."""
from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import CORPORA, SEED
from tm.cli import cli
from tm.models import Segment

Run = Callable[..., Result]


def _commands() -> list[list[str]]:
    paths = []
    context = click.Context(cli)
    for name in cli.list_commands(context):
        paths.append([name])
        for sub in getattr(cli.get_command(context, name), "commands", {}):
            paths.append([name, sub])
    return paths


@pytest.mark.parametrize("path", _commands(), ids=" ".join)
def test_every_command_has_help(path: list[str]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output


def test_the_web_commands_are_plugged_in() -> None:
    assert {"serve", "demo", "import", "segment", "load-corpora", "db", "show", "documents"} <= set(
        cli.list_commands(click.Context(cli)))


def test_db_upgrade_reports_the_revision(runner: Run) -> None:
    result = runner("db", "upgrade", "--json")
    assert result.exit_code == 0
    assert json.loads(result.output)["to"] is not None


def test_load_corpora_is_idempotent(runner: Run) -> None:
    first = json.loads(runner("load-corpora", "--json").output)
    second = json.loads(runner("load-corpora", "--json").output)
    folders = sorted(p.name for p in CORPORA.iterdir() if (p / "ru.txt").exists())
    assert sorted(e["key"] for e in first) == folders and all(e["loaded"] for e in first)
    assert [e["id"] for e in second] == [e["id"] for e in first]
    assert not any(e["loaded"] for e in second)
    listed = json.loads(runner("documents", "--json").output)
    assert len(listed) == len(folders)
    assert all(d["tracks"]["human"] for d in listed)


def test_documents_search(runner: Run) -> None:
    runner("load-corpora")
    listed = json.loads(runner("documents", "--search", "Казахстан", "--json").output)
    assert [d["title"][:10] for d in listed] == ["Резолюция "]


def test_show_prints_source_and_translation_side_by_side(runner: Run) -> None:
    doc = json.loads(runner("import", str(SEED / "ru.txt"), "--translation",
                            str(SEED / "en.human.txt"), "--json").output)["id"]
    output = runner("show", str(doc), "--width", "140").output
    line = next(x for x in output.splitlines() if "БИШКЕК" in x)
    assert "BISHKEK" in line


def test_show_numbers_segments_from_one_as_the_web_does(runner: Run) -> None:
    doc = json.loads(runner("import", str(SEED / "ru.txt"), "--json").output)["id"]
    rows = runner("show", str(doc), "--width", "140").output.splitlines()[1:]
    assert rows[0].split()[0] == "1"
    segments = json.loads(runner("show", str(doc), "--json").output)["segments"]
    assert [s["number"] for s in segments] == [s["position"] + 1 for s in segments] \
        == list(range(1, len(segments) + 1))


def test_a_reader_that_stops_reading_is_not_an_error(tmp_path: Path) -> None:
    """`sverka segment big.txt | head -1`: the pipe closes early; no error, exit 0."""
    big = tmp_path / "big.txt"
    big.write_text("Он ушёл. Дверь закрылась.\n" * 20_000, encoding="utf-8")  # > a pipe's buffer
    process = subprocess.Popen([sys.executable, "-m", "tm.cli", "segment", "--lang", "ru",
                                str(big)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    with process.stdout, process.stderr:
        assert process.stdout.readline() == "Он ушёл.\n".encode()
        process.stdout.close()
        assert process.wait(timeout=60) == 0
        assert process.stderr.read() == b""


def test_show_unknown_document_is_one_line(runner: Run) -> None:
    result = runner("show", "999")
    assert result.exit_code == 2 and result.output.strip() == "Error: no document with id 999"


@pytest.mark.parametrize("lang, text, expected", [
    ("ru", "Он ушёл. Дверь закрылась.", ["Он ушёл.", "Дверь закрылась."]),
    ("en", "Mr. Smith left. The door closed.", ["Mr. Smith left.", "The door closed."]),
])
def test_segment_command(tmp_path: Path, lang: str, text: str, expected: list[str]) -> None:
    path = tmp_path / "in.txt"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["segment", "--lang", lang, str(path)])
    assert result.output.splitlines() == expected
    spans = json.loads(CliRunner().invoke(cli, ["segment", "--lang", lang, "--json"],
                                          input=text.encode()).output)
    assert [text[s["start"]:s["end"]] for s in spans] == expected


def test_segment_splits_a_text_as_an_import_does(runner: Run, session: Session,
                                                  tmp_path: Path) -> None:
    path = tmp_path / "article.txt"
    # The sentence rules alone keep these datelines with the lower-case sentence after them.
    path.write_text("Горсовет утвердил бюджет\nМОСКВА, 3 фев — ТАСС. горсовет утвердил бюджет "
                    "на 2022 год. Он вырос на 5%.\nБИШКЕК, 21 янв — Sputnik. … и всё.\n",
                    encoding="utf-8")
    doc = json.loads(runner("import", str(path), "--json").output)["id"]
    imported = list(session.scalars(select(Segment.text).where(Segment.document_id == doc)
                                    .order_by(Segment.position)))
    printed = runner("segment", "--lang", "ru", str(path)).output.splitlines()
    assert printed == imported
    assert {"МОСКВА, 3 фев — ТАСС.", "БИШКЕК, 21 янв — Sputnik."} <= set(printed)

def test_unknown_database_driver_is_one_line() -> None:
    result = CliRunner().invoke(cli, ["--db", "nosuchdb://x/y", "documents"])
    assert result.exit_code != 0 and "Traceback" not in result.output


def test_console_script_runs_without_traceback(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "tm.cli", "--data-dir", str(tmp_path),
                           "show", "1"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip() == "Error: no document with id 1"
    assert (tmp_path / "sverka.sqlite3").exists()
