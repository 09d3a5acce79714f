"""WMT21 Russian→English: Sverka's BLEU and chrF from its own storage equal the published scores.

The test set (source, references A and B, ten systems, published scores) lives in
``../shared/eval/scoring/wmt21-ru-en/``. Without it the test is skipped, except in CI.
"""
from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from tests.conftest import SHARED
from tm.models import Origin
from tm.scoring.lines import read_docids, read_lines
from tm.scoring.store import score_testset
from tm.scoring.testsets import TrackLines, import_testset

WMT21 = SHARED / "eval" / "scoring" / "wmt21-ru-en"
# The published figures are given to many decimals; the issue asks for equality to two.
DECIMALS = 2
# published-scores.tsv names a reference set by these suffixes.
REFERENCE_SETS = {"A": ["A"], "all": ["A", "B"]}


def _data() -> Path:
    if not WMT21.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{WMT21} is missing; CI needs ../shared beside the repository")
        pytest.skip(f"{WMT21} not available")
    return WMT21


def _published(folder: Path) -> dict[tuple[str, str, str], float]:
    with (folder / "published-scores.tsv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    published = {}
    for row in rows:
        metric, refs = row["metric"].split("-")
        if refs in REFERENCE_SETS:
            published[(row["system"], metric, refs)] = float(row["score"])
    return published


@pytest.mark.slow
def test_wmt21_scores_from_storage_equal_the_published_ones(session: Session) -> None:
    folder = _data()
    systems = sorted(p.name.removesuffix(".en.txt") for p in (folder / "systems").iterdir())
    assert len(systems) == 10
    tracks = [TrackLines(name, read_lines(folder / f"ref.{name}.en.txt"), Origin.SUPPLIED)
              for name in ("A", "B")]
    tracks += [TrackLines(name, read_lines(folder / "systems" / f"{name}.en.txt"),
                          Origin.MACHINE) for name in systems]
    result = import_testset(session, "wmt21", source=read_lines(folder / "source.ru.txt"),
                            tracks=tracks, doc_ids=read_docids(folder / "segments.tsv"))
    assert (result.documents, result.segments) == (107, 1000)
    session.expire_all()  # score what was stored, not what is still in memory

    published = _published(folder)
    for refs_name, references in REFERENCE_SETS.items():
        report = score_testset(session, result.test_set, references=references,
                               systems=systems, metrics=["bleu", "chrf"])
        ours = {(s.system, s.metric, refs_name): round(s.score, DECIMALS)
                for s in report.scores}
        expected = {key: round(value, DECIMALS) for key, value in published.items()
                    if key[2] == refs_name}
        assert len(expected) == 20
        assert ours == expected
