"""Sverka's TER statistic equals sacrebleu's, segment by segment (tm.scoring.ter).

sacrebleu's ``lib_ter`` is the reference: hand-made cases for each branch (shifts, ties,
empty sides, very unequal lengths), seeded random cases, and every segment of the WMT21
ru-en test set for all ten systems (reference A; both references on a slice).
"""
from __future__ import annotations

import random

import pytest
from sacrebleu.metrics import TER, lib_ter

from tests.test_scoring_wmt21 import _data
from tm.scoring.lines import read_lines
from tm.scoring.ter import FastTER, translation_edit_rate

RANDOM_CASES = 300  # enough to reach every branch many times in a few seconds
RANDOM_SEED = 7
METRIC_SLICE = 100  # segments of WMT21 scored through the whole metric, two references
LENGTHS = (0, 1, 3, 8, 20, 45)  # words; few distinct words make many shift candidates


@pytest.mark.parametrize("hypothesis, reference", [
    ("the cat sat on the mat", "the cat sat on the mat"),
    ("on the mat the cat sat", "the cat sat on the mat"),  # one shift
    ("mat the on sat cat the", "the cat sat on the mat"),  # many shifts
    ("a a a a b b b b", "b b b b a a a a"),  # equal candidates: the first wins
    ("", "the cat"),
    ("the cat", ""),
    ("", ""),
    ("word", " ".join(["word"] * 130)),  # the beam widens for unequal lengths
    (" ".join(["x", "y"] * 70), "y x"),
    (" ".join(f"w{i % 7}" for i in range(120)), " ".join(f"w{i % 5}" for i in range(110))),
])
def test_edit_rate_equals_sacrebleu(hypothesis: str, reference: str) -> None:
    hyp, ref = hypothesis.split(), reference.split()
    assert translation_edit_rate(hyp, ref) == lib_ter.translation_edit_rate(hyp, ref)


def _edited(rng: random.Random, words: list[str], vocabulary: list[str]) -> list[str]:
    """A reference with a few words dropped, added and blocks moved, as MT output differs."""
    words = list(words)
    for _ in range(rng.randint(0, 6)):
        choice = rng.random()
        if choice < 0.3 and words:
            words.pop(rng.randrange(len(words)))
        elif choice < 0.6:
            words.insert(rng.randint(0, len(words)), rng.choice(vocabulary))
        elif len(words) > 3:
            start, size = rng.randrange(len(words) - 2), rng.randint(1, 3)
            block = words[start:start + size]
            del words[start:start + size]
            at = rng.randint(0, len(words))
            words[at:at] = block
    return words


def test_edit_rate_equals_sacrebleu_on_random_cases() -> None:
    rng = random.Random(RANDOM_SEED)
    words = "a b c d e f the of , .".split()
    for _ in range(RANDOM_CASES):
        vocabulary = words[:rng.randint(1, len(words))]
        ref = [rng.choice(vocabulary) for _ in range(rng.choice(LENGTHS))]
        hyp = (_edited(rng, ref, vocabulary) if rng.random() < 0.6 else
               [rng.choice(vocabulary) for _ in range(rng.choice(LENGTHS))])
        assert translation_edit_rate(hyp, ref) == lib_ter.translation_edit_rate(hyp, ref), \
            (hyp, ref)


@pytest.mark.slow
def test_edit_rate_equals_sacrebleu_on_every_wmt21_segment() -> None:
    folder = _data()
    tokenize = TER()._preprocess_segment
    reference = [tokenize(line).split() for line in read_lines(folder / "ref.A.en.txt")]
    systems = sorted((folder / "systems").iterdir())
    assert len(systems) == 10
    pairs: set[tuple[tuple[str, ...], tuple[str, ...]]] = set()
    for path in systems:
        pairs.update((tuple(tokenize(line).split()), tuple(reference[number]))
                     for number, line in enumerate(read_lines(path)))
    # Systems often agree on a segment: each distinct pair (of 10,000) is compared once.
    assert len(pairs) > 7_500
    different = [(hyp, ref) for hyp, ref in pairs
                 if translation_edit_rate(hyp, ref) != lib_ter.translation_edit_rate(
                     list(hyp), list(ref))]
    assert different == []


@pytest.mark.parametrize("options", [{}, {"case_sensitive": True, "no_punct": True},
                                     {"normalized": True, "asian_support": True}])
def test_fast_ter_metric_equals_sacrebleu(options: dict[str, bool]) -> None:
    folder = _data()
    hypotheses = read_lines(folder / "systems" / "Online-B.en.txt")[:METRIC_SLICE]
    references = [read_lines(folder / f"ref.{name}.en.txt")[:METRIC_SLICE]
                  for name in ("A", "B")]
    ours, theirs = FastTER(**options), TER(**options)
    assert ours.corpus_score(hypotheses, references).score == \
        theirs.corpus_score(hypotheses, references).score
    assert str(ours.get_signature()) == str(theirs.get_signature())
    assert ours._extract_corpus_statistics(hypotheses, references) == \
        theirs._extract_corpus_statistics(hypotheses, references)
