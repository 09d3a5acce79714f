"""The aligner on the seed article and on degenerate input: right, or honest about doubt."""
from __future__ import annotations

import pytest

from tests.conftest import SEED
from tm.align import Link, align_paragraphs, align_sentences
from tm.ingest import read_article
from tm.segment import split_units


def _sentences(path: str, lang: str) -> list[list[str]]:
    return [[s.text for s in split_units(p, lang)]
            for p in read_article(SEED / path).paragraphs]


def _covers(links: list[Link], n_src: int, n_tgt: int) -> bool:
    src = [i for link in links for i in link.src]
    tgt = [j for link in links for j in link.tgt]
    return src == list(range(n_src)) and tgt == list(range(n_tgt))


# The corpus translation renders the seed article sentence for sentence (checked by hand):
# Russian sentence i is translated by English sentence i.
@pytest.mark.parametrize("use_paragraphs", [True, False], ids=["paragraphs", "flat"])
def test_seed_article_aligns_with_every_link_correct(use_paragraphs: bool) -> None:
    ru, en = _sentences("ru.txt", "ru"), _sentences("en.human.txt", "en")
    flat_ru, flat_en = [s for p in ru for s in p], [s for p in en for s in p]
    links = (align_paragraphs(ru, en) if use_paragraphs
             else align_sentences(flat_ru, flat_en))
    assert [(link.src, link.tgt) for link in links] == [
        ((i,), (i,)) for i in range(len(flat_ru))]
    assert min(link.score for link in links) >= 0.9


RU = ["Президент подписал закон о бюджете на 2022 год.",
      "Расходы на образование вырастут на 3,7%.",
      "Документ вступит в силу 1 января."]
EN = ["The president signed the 2022 budget law.",
      "Spending on education will rise by 3.7%.",
      "The document takes effect on January 1."]


@pytest.mark.parametrize("src, tgt", [
    ([], EN), (RU, []), (RU, EN * 10), (RU * 10, EN), (RU, RU), (EN, EN), ([""], EN),
    (RU, ["?"] * 3), (["Да."] * 50, ["Yes."] * 50),
], ids=["empty-ru", "empty-en", "en-10x", "ru-10x", "identical-ru", "identical-en",
        "empty-sentence", "punctuation-only", "repeated"])
def test_degenerate_input_gives_covering_links_without_exceptions(src: list[str],
                                                                  tgt: list[str]) -> None:
    links = align_sentences(src, tgt)
    assert _covers(links, len(src), len(tgt))
    assert all(0.0 <= link.score <= 1.0 for link in links)


def test_one_side_ten_times_longer_is_mostly_unaligned_or_doubtful() -> None:
    links = align_sentences(RU, EN * 10)
    two_sided = [link for link in links if link.src and link.tgt]
    assert len(two_sided) <= len(RU)
    assert sum(len(link.tgt) for link in two_sided) <= 3 * len(RU)


def test_identical_texts_align_one_to_one() -> None:
    links = align_sentences(RU, RU)
    assert [(link.src, link.tgt) for link in links] == [((i,), (i,)) for i in range(3)]
