"""Headlines, datelines and boilerplate are recognised in news articles."""
from __future__ import annotations

import pytest

from tests.conftest import SEED
from tm.ingest import read_article
from tm.ingest.structure import analyse, paragraph_kinds
from tm.models import SegmentKind as K
from tm.segment import is_dateline, split_units


def test_seed_article_structure() -> None:
    article = read_article(SEED / "ru.txt")
    pieces = analyse(list(article.paragraphs), "ru")
    kinds = [[p.kind for p in par] for par in pieces]
    texts = [[p.span.text for p in par] for par in pieces]
    assert kinds[0] == [K.BOILERPLATE]  # the rubric line repeated through the article
    assert kinds[1] == [K.HEADLINE]
    assert texts[1] == ["Резолюция Европарламента по Казахстану носит предвзятый характер — МИД РК"]
    assert kinds[2] == [K.BODY]
    assert texts[3] == ["Подписывайтесь на Sputnik в Дзен"] and kinds[3] == [K.BOILERPLATE]
    assert texts[4][:2] == ["БИШКЕК, 21 янв — Sputnik.",
                            "Резолюция Европейского парламента по ситуации в Казахстане носит "
                            "предвзятый характер и основана на необъективных выводах и данных, "
                            "заявил МИД РК."]
    assert kinds[4][:2] == [K.DATELINE, K.BODY]
    teasers = [t[0] for t, k in zip(texts, kinds, strict=True) if k == [K.BOILERPLATE]]
    assert "Как избитого в Алматы кыргызстанца привезли на родину — видео" in teasers
    assert teasers[-1].startswith("Действия ОДКБ были своевременными")
    assert sum(k == [K.HEADLINE] for k in kinds) == 1


@pytest.mark.parametrize("paragraphs, expected", [
    (["Заголовок без точки", "Текст статьи. Второе предложение.", "Читайте также: другое"],
     [K.HEADLINE, K.BODY, K.BOILERPLATE]),
    (["Title line", "Body text here.", "Subscribe to our newsletter", "More body text."],
     [K.HEADLINE, K.BODY, K.BOILERPLATE, K.BODY]),
    (["Рубрика", "Заголовок", "Текст.", "Подзаголовок внутри", "Ещё текст.", "Рубрика"],
     [K.BOILERPLATE, K.HEADLINE, K.BODY, K.HEADLINE, K.BODY, K.BOILERPLATE]),
    (["Текст.", "Ещё текст.", "Похожая новость в конце статьи"],
     [K.BODY, K.BODY, K.BOILERPLATE]),
])
def test_paragraph_kinds(paragraphs: list[str], expected: list[K]) -> None:
    assert paragraph_kinds(paragraphs) == expected


@pytest.mark.parametrize("text", [
    "БИШКЕК, 21 янв — Sputnik.", "ЕКАТЕРИНБУРГ, 14 марта.", "МОСКВА, 3 фев — РИА Новости.",
    "BISHKEK, January 21 – Sputnik.", "NEW YORK, Jan. 5 - Reuters.",
])
def test_datelines(text: str) -> None:
    assert is_dateline(text)


@pytest.mark.parametrize("text", [
    "МИД РК заявил, что резолюция предвзята.", "США, Китай и Россия договорились.",
    "В 2022 г. цены выросли.",
])
def test_sentences_that_are_not_datelines(text: str) -> None:
    assert not is_dateline(text)


def test_dateline_is_split_from_the_first_sentence() -> None:
    paragraph = "МОСКВА, 3 фев — РИА Новости. Горсовет утвердил бюджет."
    assert [s.text for s in split_units(paragraph, "ru")] == [
        "МОСКВА, 3 фев — РИА Новости.", "Горсовет утвердил бюджет."]
    for span in split_units(paragraph, "ru"):
        assert paragraph[span.start:span.end] == span.text
