"""Link confidence (tm/align/score.py): translation evidence times the choice among rivals."""
from __future__ import annotations

import pytest

from tm.align.dp import Step
from tm.align.score import Words, confidences


def _one(step: Step, words: Words) -> float:
    return confidences([step], [words])[0]


@pytest.mark.parametrize("sure, doubtful", [
    # Same link, translated words found against none found.
    ((Step(0, 1, 0, 1, 2.0, 4.0), Words(3, 0)), (Step(0, 1, 0, 1, 2.0, 4.0), Words(0, 3))),
    # A merge chosen by a small margin is doubted more than a 1-1 link.
    ((Step(0, 1, 0, 1, 2.0, 1.0), Words(3, 1)), (Step(0, 2, 0, 1, 6.0, 1.0), Words(3, 1))),
    # A wider margin over the rival link, more confidence.
    ((Step(0, 1, 0, 1, 2.0, 6.0), Words(2, 1)), (Step(0, 1, 0, 1, 2.0, 0.2), Words(2, 1))),
])
def test_confidence_orders_evidence(sure: tuple[Step, Words], doubtful: tuple[Step, Words]) -> None:
    assert _one(*sure) > _one(*doubtful)


def test_headline_among_translated_sentences_is_trusted() -> None:
    # Lengths disagree (little null gain), but the neighbourhood is translated.
    steps = [Step(0, 1, 0, 1, 5.5, 3.0)] + [Step(i, i + 1, i, i + 1, 2.0, 8.0) for i in range(1, 6)]
    words = [Words(1, 1)] + [Words(3, 1)] * 5
    assert confidences(steps, words)[0] > 0.5


def test_unrelated_neighbourhood_scores_low() -> None:
    steps = [Step(i, i + 1, i, i + 1, 3.0, 8.0) for i in range(6)]
    assert max(confidences(steps, [Words(0, 3)] * 6)) < 0.5


def test_null_links_and_no_lexicon_stay_in_range() -> None:
    steps = [Step(0, 1, 0, 0, 4.2, float("inf")), Step(1, 2, 0, 1, 1.0, 3.0)]
    assert all(0.0 <= x <= 1.0 for x in confidences(steps))
