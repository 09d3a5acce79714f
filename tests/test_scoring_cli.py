"""``sverka score``: test sets scored from storage, plain files, paired tests as sacrebleu."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import sacrebleu
from click.testing import Result
from sacrebleu.significance import PairedTest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import CORPORA
from tm.models import Score, ScoreRun, SegmentScore
from tm.scoring.lines import join_lines

Run = Callable[..., Result]
SEED = 12345


def _reference() -> list[str]:
    """English sentences of the sample corpus, one a line."""
    lines = []
    for path in sorted(CORPORA.glob("*/en.human.txt")):
        for paragraph in path.read_text(encoding="utf-8").splitlines():
            lines.extend(s for s in re.split(r"(?<=[.!?])\s+", paragraph.strip()) if s)
    return lines[:60]


def _drop_every(lines: list[str], n: int) -> list[str]:
    """A worse 'system': every n-th word dropped."""
    return [" ".join(w for i, w in enumerate(line.split(), 1) if i % n) for line in lines]


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    """A reference, a source of the same length and three close systems."""
    ref = _reference()
    texts = {"src": [f"Предложение {i}." for i in range(len(ref))], "ref": ref,
             "sys1": _drop_every(ref, 7), "sys2": _drop_every(ref, 8),
             "sys3": _drop_every(ref, 5)}
    paths = {}
    for name, lines in texts.items():
        (tmp_path / f"{name}.txt").write_bytes(join_lines(lines).encode())
        paths[name] = str(tmp_path / f"{name}.txt")
    return paths


def _import(runner: Run, files: dict[str, str]) -> None:
    ids = Path(files["src"]).with_name("ids.txt")
    ids.write_text("".join(f"doc{i // 20}\n" for i in range(len(_reference()))))
    result = runner("import-testset", "t", "--source", files["src"], "--ref",
                    f"ref={files['ref']}", "--docids", str(ids),
                    *(a for s in ("sys1", "sys2", "sys3") for a in ("--system",
                                                                     f"{s}={files[s]}")))
    assert result.exit_code == 0, result.output


def test_score_testset_stores_every_level(runner: Run, files: dict[str, str],
                                          session: Session) -> None:
    _import(runner, files)
    result = runner("score", "--testset", "t", "--ref", "ref", "--metrics", "bleu,chrf",
                    "--documents", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    corpus = [r for r in rows if "document" not in r]
    assert {(r["system"], r["metric"]) for r in corpus} == {
        (s, m) for s in ("sys1", "sys2", "sys3") for m in ("bleu", "chrf")}
    assert {r["document"] for r in rows if "document" in r} == {"doc0", "doc1", "doc2"}
    hyps = Path(files["sys2"]).read_text().splitlines()
    ref = Path(files["ref"]).read_text().splitlines()
    expected = sacrebleu.BLEU().corpus_score(hyps, [ref])
    bleu = next(r for r in corpus if r["system"] == "sys2" and r["metric"] == "bleu")
    assert bleu["score"] == pytest.approx(expected.score)
    assert bleu["signature"] == sacrebleu.BLEU(references=[ref]).get_signature().format()
    assert session.scalar(select(func.count(ScoreRun.id))) == 1
    assert session.scalar(select(func.count(Score.id))) == 3 * 2 * (1 + 3)
    assert session.scalar(select(func.count(SegmentScore.id))) == 3 * 2 * len(ref)


def test_score_files_equals_sacrebleu(runner: Run, files: dict[str, str]) -> None:
    result = runner("score", "--hyp", files["sys1"], "--ref", files["ref"], "--metrics",
                    "chrf,ter", "--json")
    rows = json.loads(result.output)
    hyps = Path(files["sys1"]).read_text().splitlines()
    ref = Path(files["ref"]).read_text().splitlines()
    assert [r["score"] for r in rows] == pytest.approx([
        sacrebleu.CHRF().corpus_score(hyps, [ref]).score,
        sacrebleu.TER().corpus_score(hyps, [ref]).score])


def test_score_prints_a_table_with_signatures(runner: Run, files: dict[str, str]) -> None:
    output = runner("score", "--hyp", files["sys1"], "--ref", files["ref"]).output
    assert "BLEU" in output and "chrF2" in output and "TER" in output
    assert "nrefs:1|case:mixed|eff:no|tok:13a" in output


@pytest.mark.parametrize("args, message", [
    (["--testset", "nope", "--ref", "ref"], "no test set named 'nope'"),
    (["--testset", "t", "--ref", "nope"], "no track named 'nope'"),
    (["--testset", "t", "--ref", "ref", "--metrics", "meteor"], "unknown metric meteor"),
    (["--testset", "t", "--ref", "ref", "--system", "sys1", "--paired-bs"], "at least one"),
    (["--ref", "ref"], "give --testset NAME"),
])
def test_score_errors_are_one_line(runner: Run, files: dict[str, str], args: list[str],
                                   message: str) -> None:
    _import(runner, files)
    result = runner("score", *args)
    assert result.exit_code == 2
    assert message in result.output and len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize("args, message", [
    # where the track goes is checked before the file, which may be empty or missing
    (["add-track", "--document", "9999", "{empty}", "--track", "x"],
     "no document with id 9999"),
    (["add-track", "9999", "{empty}", "--track", "x"], "no document with id 9999"),
    # a missing file is said as every other command says it
    (["add-track", "--testset", "t", "{missing}", "--track", "x"], "{missing}: no such file"),
    (["score", "--hyp", "{missing}", "--ref", "{missing}"], "{missing}: no such file"),
])
def test_add_track_and_score_errors_say_one_thing_one_way(
        runner: Run, files: dict[str, str], tmp_path: Path, args: list[str],
        message: str) -> None:
    _import(runner, files)
    names = {"empty": str(tmp_path / "empty.txt"), "missing": str(tmp_path / "missing.txt")}
    (tmp_path / "empty.txt").write_text("")
    result = runner(*(a.format(**names) for a in args))
    assert result.exit_code == 2
    assert result.output.strip() == f"Error: {message.format(**names)}"


def _sacrebleu_api(files: dict[str, str], test: str) -> dict[str, list]:
    """What sacrebleu's CLI computes: its PairedTest on the same files and seed."""
    def read(name: str) -> list[str]:
        return Path(files[name]).read_text().splitlines()

    ref = [read("ref")]
    metrics = {"BLEU": sacrebleu.BLEU(references=ref), "chrF2": sacrebleu.CHRF(references=ref)}
    _, table = PairedTest([(n, read(n)) for n in ("sys1", "sys2", "sys3")], metrics, None,
                          test_type=test, n_samples=200 if test == "ar" else 1000,
                          n_ar_confidence=0 if test == "ar" else -1)()
    return table


def test_a_second_reference_is_not_scored_as_a_system(runner: Run, files: dict[str, str],
                                                      tmp_path: Path) -> None:
    second = tmp_path / "ref2.txt"
    second.write_text(Path(files["ref"]).read_text().replace("the", "a"))
    assert runner("import-testset", "t", "--source", files["src"], "--ref", f"A={files['ref']}",
                  "--ref", f"B={second}", "--system", f"mt={files['sys1']}",
                  "--json").exit_code == 0
    rows = json.loads(runner("score", "--testset", "t", "--ref", "A", "--json").output)
    assert {r["system"] for r in rows} == {"mt"}
    asked = json.loads(runner("score", "--testset", "t", "--ref", "A", "--system", "B",
                              "--json").output)
    assert {r["system"] for r in asked} == {"B"}


def test_with_only_references_the_error_names_the_tracks_to_choose(
        runner: Run, files: dict[str, str]) -> None:
    assert runner("import-testset", "t", "--source", files["src"], "--ref", f"A={files['ref']}",
                  "--ref", f"B={files['sys1']}").exit_code == 0
    result = runner("score", "--testset", "t", "--ref", "A")
    assert result.exit_code == 2
    assert result.output.strip() == ("Error: test set 't' has no machine or supplied track to "
                                     "score; name one of B with --system")


@pytest.mark.parametrize("metrics", ["bleu,chrf", "ter,bleu"])
def test_the_paired_tests_baseline_is_the_best_system_and_is_named(
        runner: Run, files: dict[str, str], metrics: str) -> None:
    _import(runner, files)
    rows = json.loads(runner("score", "--testset", "t", "--ref", "ref", "--metrics", metrics,
                             "--paired-bs", "--samples", "100", "--json").output)
    first = [r for r in rows if r["metric"] == metrics.split(",")[0]]
    best = (min if metrics.startswith("ter") else max)(first, key=lambda r: r["score"])
    assert [r["system"] for r in rows if r["baseline"]] == [best["system"]] * 2
    assert best["system"] != "sys1"  # not the first alphabetically: the best
    table = runner("score", "--testset", "t", "--ref", "ref", "--metrics", metrics,
                   "--paired-bs", "--samples", "100").output.splitlines()
    assert table[0] == f"baseline of the paired test: {best['system']}"
    assert table[-1] == f"* p < 0.05 against the baseline, {best['system']}"


def test_the_paired_table_keeps_its_columns_aligned(runner: Run, files: dict[str, str],
                                                     tmp_path: Path) -> None:
    """A significant row (p=…*) and one that is not line up, part by part."""
    close = Path(files["sys2"]).read_text().splitlines()
    close[0] = close[0].rsplit(" ", 1)[0]  # one word fewer: worse, not significantly
    (tmp_path / "close.txt").write_text("\n".join(close) + "\n")
    assert runner("import-testset", "t", "--source", files["src"], "--ref", f"ref={files['ref']}",
                  "--system", f"worse={files['sys3']}", "--system", f"best={files['sys2']}",
                  "--system", f"close={tmp_path / 'close.txt'}").exit_code == 0
    table = runner("score", "--testset", "t", "--ref", "ref", "--metrics", "bleu,chrf",
                   "--paired-bs", "--samples", "100").output.splitlines()
    worse, close_row = (next(line for line in table if line.startswith(name))
                        for name in ("worse ", "close "))
    assert "*" in worse.split("p=")[1] and "*" not in close_row.split("p=")[1]
    for pattern in (r"\d+\.\d\d \(", r"± ", r"p=", r"\) "):  # every part of every cell
        assert [m.start() for m in re.finditer(pattern, worse)] \
            == [m.start() for m in re.finditer(pattern, close_row)], (pattern, table)


@pytest.mark.parametrize("flag, test", [("--paired-bs", "bs"), ("--paired-ar", "ar")])
def test_paired_tests_equal_sacrebleu(runner: Run, files: dict[str, str], flag: str,
                                      test: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _import(runner, files)
    samples = ["--samples", "200"] if test == "ar" else []
    # sacrebleu's baseline is the first system it is given
    rows = json.loads(runner("score", "--testset", "t", "--ref", "ref", "--system", "sys1",
                             "--system", "sys2", "--system", "sys3", "--metrics", "bleu,chrf",
                             flag, *samples, "--baseline", "sys1", "--json").output)
    monkeypatch.setenv("SACREBLEU_SEED", str(SEED))
    table = _sacrebleu_api(files, test)
    for name, metric in (("BLEU", "bleu"), ("chrF2", "chrf")):
        ours = [r for r in rows if r["metric"] == metric]
        assert [r["system"] for r in ours] == ["sys1", "sys2", "sys3"]
        for row, result in zip(ours, table[name], strict=True):
            assert (row["score"], row["mean"], row["ci"]) == pytest.approx(
                (result.score, result.mean, result.ci))
            assert row["p_value"] == (None if result.p_value is None
                                      else pytest.approx(result.p_value))
        assert ours[0]["baseline"] and ours[0]["p_value"] is None
        assert f"seed:{SEED}" in ours[0]["signature"] and f"{test}:" in ours[0]["signature"]


def test_paired_bootstrap_equals_the_sacrebleu_command(runner: Run,
                                                       files: dict[str, str]) -> None:
    rows = json.loads(runner("score", "--hyp", files["sys1"], "--hyp", files["sys2"],
                             "--hyp", files["sys3"], "--ref", files["ref"], "--metrics",
                             "bleu,chrf", "--paired-bs", "--baseline", files["sys1"],
                             "--json").output)
    done = subprocess.run(  # sacrebleu's baseline: the first system
        [sys.executable, "-m", "sacrebleu", files["ref"], "-i", files["sys1"], files["sys2"],
         files["sys3"], "-m", "bleu", "chrf", "--paired-bs", "-w", "4", "--format", "text"],
        capture_output=True, text=True, check=True, env={"SACREBLEU_SEED": str(SEED)})
    printed = [float(p) for p in re.findall(r"p = (\d\.\d{4})", done.stdout)]
    ours = [r["p_value"] for system in ("sys2", "sys3") for metric in ("bleu", "chrf")
            for r in rows if r["system"].endswith(f"{system}.txt") and r["metric"] == metric]
    assert printed == [round(p, 4) for p in ours]
    cells = re.findall(r"(\d+\.\d{4}) \((\d+\.\d{4}) ± (\d+\.\d{4})\)", done.stdout)
    assert [tuple(map(float, c)) for c in cells] == [
        (round(r["score"], 4), round(r["mean"], 4), round(r["ci"], 4)) for r in rows]
