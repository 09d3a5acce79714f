"""``sverka search`` and ``sverka concordance`` on the command line."""
from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tests.test_search_fuzzy import add_units

UNITS = [("В 2021 году рост экономики составил 3,5%.", "In 2021 the economy grew by 3.5%."),
         ("Начато расследование гибели журналиста.", "An investigation was opened.")]


@pytest.fixture
def memory(clean_db: Engine) -> None:
    with Session(clean_db) as session, session.begin():
        add_units(session, "main", UNITS)


def test_search_prints_matches(runner: Callable[..., Result], memory: None) -> None:
    result = runner("search", "В 2022 году рост экономики составил 3,5%.")
    assert result.exit_code == 0, result.output
    assert "98%" in result.output and "In 2022 the economy grew by 3.5%." in result.output
    assert "number 2021 replaced with 2022" in result.output


def test_search_json(runner: Callable[..., Result], memory: None) -> None:
    result = runner("search", "Начато расследование гибели журналиста", "--json",
                    "--min", "90")
    line = json.loads(result.output)
    assert [m["score"] for m in line["matches"]] == [99] and line["ms"] >= 0


def test_search_batch_prints_one_json_line_per_query(runner: Callable[..., Result],
                                                     memory: None, tmp_path: Path) -> None:
    queries = tmp_path / "queries.txt"
    queries.write_text("В 2022 году рост экономики составил 3,5%.\n\nСовсем другое.\n",
                       encoding="utf-8")
    result = runner("search", "--batch", str(queries), "--json")
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [len(line["matches"]) for line in lines] == [1, 0]
    assert all("ms" in line for line in lines)


@pytest.mark.parametrize("args, message", [
    ((), "give a TEXT or --batch FILE"),
    (("текст", "--memory", "nope"), "no memory named 'nope'"),
    (("текст", "--min", "0"), "minimum score 0 out of range"),
])
def test_search_errors_are_one_line(runner: Callable[..., Result], memory: None,
                                    args: tuple[str, ...], message: str) -> None:
    result = runner("search", *args)
    assert result.exit_code == 2 and message in result.output


def test_search_reindex(runner: Callable[..., Result], memory: None) -> None:
    result = runner("search", "--reindex")
    assert result.exit_code == 0 and "Indexed 2 units." in result.output


def test_concordance_command(runner: Callable[..., Result], memory: None) -> None:
    result = runner("concordance", "расследования")
    assert result.exit_code == 0, result.output
    assert "[расследование]" in result.output
    data = json.loads(runner("concordance", "economy", "--target", "--json").output)
    assert data["total"] == 1 and data["hits"][0]["spans"] == [[12, 19]]


def test_search_batch_missing_file_is_one_line(runner: Callable[..., Result],
                                               memory: None, tmp_path: Path) -> None:
    result = runner("search", "--batch", str(tmp_path / "missing.txt"))
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1
