"""The compiled DP (tm/align/kernel.py) aligns exactly as the Python DP it replaced.

Every article of the corpus, and long perturbed documents built from them, are aligned
twice: by Sverka, and with the aligner's DP swapped for the pure-Python one it had before
(tests/python_dp.py). Links and confidences must be equal to the last bit, so every
pass is covered: the beam, the rounds that widen a lost band, the refit's guided band,
and the realign's lexicon.
"""
from __future__ import annotations

import random

import pytest

from tests import python_dp
from tests.conftest import CORPORA
from tm.align import Link, align_paragraphs, align_sentences, dp
from tm.ingest import read_article
from tm.segment import split_units


def _paragraphs(path: str, lang: str) -> list[list[str]]:
    return [[s.text for s in split_units(p, lang)] for p in read_article(path).paragraphs]


def _articles() -> list[tuple[list[list[str]], list[list[str]]]]:
    return [(_paragraphs(str(folder / "ru.txt"), "ru"),
             _paragraphs(str(folder / "en.human.txt"), "en"))
            for folder in sorted(CORPORA.iterdir()) if (folder / "ru.txt").exists()]


def _both(align, *args) -> tuple[list[Link], list[Link]]:  # type: ignore[no-untyped-def]
    compiled = align(*args)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(dp, "Side", python_dp.Side)
        mp.setattr(dp, "best_path", python_dp.best_path)
        reference = align(*args)
    assert dp.Side is not python_dp.Side
    return compiled, reference


def _perturbed(rng: random.Random, sentences: list[tuple[str, str]], n: int,
               ) -> tuple[list[str], list[str]]:
    """``n`` sentence pairs drawn in order with some dropped, merged and left empty."""
    src: list[str] = []
    tgt: list[str] = []
    while len(src) < n:
        ru, en = sentences[len(src) % len(sentences)]
        roll = rng.random()
        if roll < 0.04:
            src.append(ru)  # no translation
        elif roll < 0.08:
            tgt.append(en)  # an added sentence
        elif roll < 0.14 and tgt:
            src.append(ru)
            tgt[-1] = tgt[-1] + " " + en  # merged into the one before
        elif roll < 0.15:
            src.append("")
            tgt.append("")
        else:
            src.append(ru)
            tgt.append(en)
    return src, tgt


def test_every_corpus_article_aligns_as_with_the_python_dp() -> None:
    articles = _articles()
    assert len(articles) >= 6
    for ru, en in articles:
        compiled, reference = _both(align_paragraphs, ru, en)
        assert compiled == reference
        flat = ([s for p in ru for s in p], [s for p in en for s in p])
        compiled, reference = _both(align_sentences, *flat)
        assert compiled == reference


@pytest.mark.parametrize("size", [1, 2, 7, 40, 300, 1500])
def test_perturbed_documents_align_as_with_the_python_dp(size: int) -> None:
    pairs = [(r, e) for ru, en in _articles() if len(ru) == len(en)
             for pr, pe in zip(ru, en, strict=True) if len(pr) == len(pe)
             for r, e in zip(pr, pe, strict=True)]
    assert len(pairs) > 50
    rng = random.Random(size)
    src, tgt = _perturbed(rng, pairs, size)
    compiled, reference = _both(align_sentences, src, tgt)
    assert compiled == reference
    # A document against a shuffled translation: the band is lost and widened.
    shuffled = tgt[:]
    rng.shuffle(shuffled)
    compiled, reference = _both(align_sentences, src, shuffled)
    assert compiled == reference


def test_sides_of_very_different_lengths_align_as_with_the_python_dp() -> None:
    ru = ["Москва, 3 февраля 2022 года.", "В 2021 году бюджет составил 4,4 млрд рублей."] * 40
    en = ["Moscow, 3 February 2022.", "In 2021 the budget was 4.4 billion roubles."] * 3
    for src, tgt in ((ru, en), (en, ru)):
        compiled, reference = _both(align_sentences, src, tgt)
        assert compiled == reference
