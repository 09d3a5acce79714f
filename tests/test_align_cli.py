"""Specifications of ``sverka align``: formats, the seed article, errors."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from lxml import etree

from tm.cli import cli

SEED = Path(__file__).resolve().parents[1] / "corpora" / "sputnik-2022-01-21-kz-mfa-europarl"
RU, EN = str(SEED / "ru.txt"), str(SEED / "en.human.txt")


def sverka(tmp_path: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--data-dir", str(tmp_path), "align", *args])


def test_seed_article_aligns_line_by_line_with_confidence(tmp_path: Path) -> None:
    done = sverka(tmp_path, RU, EN, "--format", "json")
    assert done.exit_code == 0, done.output
    links = json.loads(done.output)["links"]
    # Both files hold one sentence-aligned translation a line (datelines split alike).
    assert [(x["src"], x["tgt"]) for x in links] == [([i], [i]) for i in range(len(links))]
    assert len(links) >= 22
    assert min(x["score"] for x in links) > 0.9
    assert links[0]["src_text"].startswith("Беспорядки")
    assert links[0]["tgt_text"].startswith("Unrest")


def test_tsv_is_score_source_target(tmp_path: Path) -> None:
    done = sverka(tmp_path, RU, EN)
    assert done.exit_code == 0, done.output
    rows = [line.split("\t") for line in done.output.splitlines()]
    assert all(len(row) == 3 for row in rows)
    assert all(0.0 <= float(score) <= 1.0 for score, _, _ in rows)
    assert rows[1][1].startswith("Резолюция") and rows[1][2].startswith("European")


def test_tmx_has_one_unit_per_two_sided_link(tmp_path: Path) -> None:
    done = sverka(tmp_path, RU, EN, "--format", "tmx")
    assert done.exit_code == 0, done.output
    root = etree.fromstring(done.output.encode("utf-8"))
    units = root.findall("body/tu")
    links = json.loads(sverka(tmp_path, RU, EN, "--format", "json").output)["links"]
    assert len(units) == sum(1 for x in links if x["src"] and x["tgt"])
    first = units[0]
    assert first.find("prop").get("type") == "x-align-score"
    assert [tuv.get("{http://www.w3.org/XML/1998/namespace}lang")
            for tuv in first.findall("tuv")] == ["ru", "en"]


def test_tmx_leaves_out_sentences_without_counterpart(tmp_path: Path) -> None:
    ru = tmp_path / "ru.txt"
    en = tmp_path / "en.txt"
    ru.write_text("Погибли 12 человек. Пострадали 30 человек.\n", encoding="utf-8")
    en.write_text("12 people died.\n", encoding="utf-8")
    done = sverka(tmp_path, str(ru), str(en), "--format", "tmx")
    assert done.exit_code == 0, done.output
    assert done.output.count("<tu>") == 1
    assert "Пострадали" not in done.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.txt", EN], "missing.txt: no such file"),
        ([RU, EN, "--src-lang", "not a tag!"], "not a language tag"),
    ],
)
def test_errors_are_one_line_and_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    done = sverka(tmp_path, *args)
    assert done.exit_code == 2
    assert message in done.output
    assert len(done.output.strip().splitlines()) == 1


def test_empty_file_is_an_input_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("\n", encoding="utf-8")
    done = sverka(tmp_path, RU, str(empty))
    assert done.exit_code == 2
    assert "empty" in done.output


def test_help_lists_the_formats(tmp_path: Path) -> None:
    done = sverka(tmp_path, "--help")
    assert done.exit_code == 0
    assert "tsv" in done.output and "tmx" in done.output
