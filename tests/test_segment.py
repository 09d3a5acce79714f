"""Specification of ``tm.segment.split_sentences`` (and ``split_units``) in partition notation.

A case is the text cut at sentence boundaries with "|": ``"Он ушёл.| |Дверь
закрылась."`` means the text "Он ушёл. Дверь закрылась." holds the sentences
"Он ушёл." and "Дверь закрылась."; parts that are only white space are the
gaps between sentences.
"""
from __future__ import annotations

import dataclasses
import random
import re

import pytest

from tm.segment import Span, candidates, split_sentences, split_units


def parse(case: str) -> tuple[str, list[tuple[int, str]]]:
    """Return the text of a partition case and its (start, sentence) pairs."""
    text, expected, offset = "", [], 0
    for part in case.split("|"):
        if part.strip():
            expected.append((offset, part))
        text += part
        offset += len(part)
    return text, expected


RU_CASES = [
    "Он ушёл.| |Дверь закрылась.",
    "Куда он ушёл?| |Никто не знает!| |Странно.",
    # abbreviations
    "Это, т. е. наш дом, стоит на горе.",
    "Это, т.е. наш дом, стоит на горе.",
    "Купили хлеб, молоко и т. д.| |Потом ушли.",
    "Купили хлеб, молоко и т. д. и пошли домой.",
    "Он не пришёл, т. к. болел.",
    "Так было в 2022 г.| |Цены выросли.",
    "В 2022 г. цены выросли.",
    "В 1990-х гг. цены росли.",
    "Ущерб составил 5 млн руб.| |Это много.",
    "Доход составил 3 млрд руб. за год.",
    "На митинг пришли 5 тыс. человек.",
    "Музей им. Пушкина открыт.",
    "Он живёт на ул. Ленина, д. 5, кв. 3.",
    "Подробнее см. рис. 3 в конце.",
    "Есть фрукты, напр. яблоки и груши.",
    "Выступил проф. Иванов.| |Зал аплодировал.",
    "Он приехал в г. Москву вчера.",
    "Это было в XX в.| |Теперь всё иначе.",
    # settlement types before a name; years, after a number, end a sentence
    "Он вырос в пгт. Северный и уехал.",
    "Жители р.п. Кольцово проголосовали.",
    "Гастроли прошли в гг. Казань и Самара.",
    "Завод построили в 1990 г.| |Он работает до сих пор.",
    # a sentence that so far is only its date goes on after the year
    "В 1941–1945 гг. СССР вёл войну.",
    "В 2013 г. Петров стал мэром.",
    "С начала 1990-х гг. Россия изменилась.",
    "В XIX в. Лермонтов служил на Кавказе.",
    "Температура 5 град. мороза.",
    # initials
    "Поэт А. С. Пушкин родился в Москве.",
    "Роман написал Л.Н. Толстой.",
    "Стихи Пушкина А. С.| |Потом прозу Гоголя.",
    # numbers and dates
    "Рост составил 1.5%.| |Это рекорд.",
    "Встреча 21.01.2022 прошла успешно.",
    "Он приехал 21 янв. 2022 года.",
    "Курс — 75,5 руб. за доллар.",
    # quotes
    "«Мы уходим», — сказал он.",
    "«Мы уходим!» — сказал он.",
    "Он сказал: «Мы уходим».| |Потом ушёл.",
    "Он сказал: «Мы уходим.»| |Потом ушёл.",
    "«Куда ты? Зачем?» — спросил он.",
    "Он ответил: „Нет“.| |И ушёл.",
    'Он крикнул: "Стой!"| |Все замерли.',
    "Фильм «Игра. Начало» вышел вчера.",
    # dialogue quoted whole, the attribution between dashes
    "«Куда ты идёшь? – спросил отец. – Уже темно».| |Он не ответил.",
    "«Подожди, — сказал отец. — Я сейчас приду».",
    "«Стой! – крикнул сторож. – Здесь нельзя ходить!»| |Мы остановились.",
    # a quoted paragraph without attribution inside still has its sentences
    "«Мы уходим из города.| |Завтра нас здесь уже не будет, и никто не вернётся», — сказал он.",
    # direct speech with dashes
    "— Куда? — спросил он.",
    "— Куда?| |— Домой.",
    "— Я устал, — сказал он.| |— Пойдём домой.",
    # ellipses
    "Я подумал… и остался.",
    "Я ждал...| |Никто не пришёл.",
    "Ну…| |Ладно.",
    "Я подумал... и остался.",
    # URLs and e-mails
    "Подробности на сайте https://example.com/a.b?c=d.| |Звоните.",
    "Пишите на info@example.ru.| |Ответим.",
    "Сайт www.example.ru работает.",
    # news dateline
    "БИШКЕК, 21 янв — Sputnik.| |Резолюция о поддержке принята.",
    "МОСКВА, 21 янв. — РИА Новости.| |Курс доллара вырос.",
    # list items
    "1. Первый пункт.| |2. Второй пункт.",
    "Список: а) первое;| |б) второе.",
    # a list run together on one line: each item a sentence
    "1. Купить хлеб| |2. Забрать посылку| |3. Позвонить маме",
    "План: а) Собрать вещи| |б) Вызвать такси",
    "1) Снег выпал.| |2) Дороги замело.",
    "• Первый пункт| |• Второй пункт",
    # an enumeration inside a sentence is no list
    "Читается как слоги: 1) ум 2) ут 3) са.",
    "Выбрать: а) чай, б) кофе.",
    "Я купил 3.| |Потом ещё 4.",
    "Купить: хлеб; молоко.",
    # informal text
    "Купила платье)| |Очень довольна!",
    "Дети обожают эти песни! 😃",
    "Отличный вечер! #москва #лето",
    "Он ушёл.| |(Это было давно.)| |Потом вернулся.",
    "Клятва исчезла.| |(А. Н. Радищев)| |В этих строфах нет рифмы.",
    "Посмотрите, что творится в Латвии. (перевод в титрах)",
    "Цены поднимут (( даже в несколько раз!| |Не верю.",
    "Мы говорили (а не спорили!) весь вечер.",
]

EN_CASES = [
    "He left.| |The door closed.",
    "Where did he go?| |Nobody knows!| |Strange.",
    # abbreviations
    "Mr. Smith met Dr. Jones.",
    "Mrs. Brown and Prof. Green came.",
    "He lives in the U.S.| |He likes it.",
    "The U.S. economy grew.",
    "The U.K. government said so.",
    "Fruits, e.g. apples, are good.",
    "It is the best, i.e. the cheapest.",
    "We bought milk, bread, etc.| |Then we left.",
    "We bought milk, bread, etc. and left.",
    "Apple Inc. said it will grow.",
    "On Jan. 5 he left.",
    "In Sept. 2021 it rained.",
    "See p. 5 and No. 7.",
    "The meeting is at 5 p.m. tomorrow.",
    "Smith et al. proposed it.",
    "Gen. Musharraf took power.",
    # initials
    "J. R. R. Tolkien wrote it.",
    "It was written by George W. Bush.",
    # numbers
    "The price rose 1.5% in 2021.| |It was a record.",
    "It happened on 21.01.2022 at noon.",
    "Version 3.2.1 is out.",
    # quotes
    '"We are leaving," he said.',
    'He said, "We are leaving."| |Then he left.',
    '"Where?" he asked.',
    "“Stop!” she shouted.| |Everybody froze.",
    # ellipses
    "I waited...| |Nobody came.",
    "I thought... and stayed.",
    # URLs and e-mails
    "Visit www.example.com for details.",
    "Write to info@example.com.| |We reply fast.",
    "See https://example.com/page?id=1.| |It explains everything.",
    "Read http://example.com/a| |Then reply.",
    # informal text without capitals or spaces
    "i am here.| |you are there.",
    "is it good or bad?| |what's your opinion?",
    "Is it good or bad?|what's your opinion?",
    "I studied at school.|But it was hard.",
    "Posted via Newsfeeds.Com today.",
    # a name spelt with "!" inside a sentence
    "He sold ads for Yahoo! in the nineties.",
    "Yahoo! was founded in a trailer.",
    "We used Yahoo!| |It was slow.",
    # letter formulas
    "Hi David:| |Thought you might be interested.",
    "Louise,| |There are only two options.",
    "Thanks,| |Martin",
    "Also, I have a ticket.",
    "Moscow, Kiev and Minsk agreed.",
    # parentheses
    "He left (finally!) and we cheered.",
    "He left.| |(He was tired.)| |Then he slept.",
    # a list run together on one line
    "1. Pack the bags| |2. Call a taxi",
    "a. Red apples| |b. Green pears| |c. Yellow plums",
    "1.) Read the manual.| |2.) Ask the team.",
    "• 4. Boil water| |• 5. Add the pasta",
]

NEWLINE_CASES = [
    ("ru", "Заголовок статьи|\n|Текст статьи."),
    ("ru", "Первый абзац.|\n\n|Второй абзац."),
    ("ru", "Он сказал|\n|что придёт"),
    ("en", "Headline Without Stop|\r\n|Body text."),
    ("en", "- first item|\n|- second item"),
]


def check(case: str, lang: str) -> None:
    text, expected = parse(case)
    spans = split_sentences(text, lang)
    assert [(s.start, s.text) for s in spans] == expected
    for span in spans:
        assert text[span.start:span.end] == span.text


@pytest.mark.parametrize("case", RU_CASES)
def test_russian(case: str) -> None:
    check(case, "ru")


@pytest.mark.parametrize("case", EN_CASES)
def test_english(case: str) -> None:
    check(case, "en")


@pytest.mark.parametrize("lang, case", NEWLINE_CASES)
def test_line_break_ends_sentence(lang: str, case: str) -> None:
    check(case, lang)


@pytest.mark.parametrize("text", ["", " ", "\n\n", " \t\r\n \u00a0 "])
def test_whitespace_only_gives_nothing(text: str) -> None:
    assert split_sentences(text, "ru") == []


def test_offsets_exclude_surrounding_whitespace() -> None:
    text = "  Он ушёл.   Дверь закрылась.  \n"
    assert split_sentences(text, "ru") == [
        Span(2, 10, "Он ушёл."),
        Span(13, 29, "Дверь закрылась."),
    ]


LANGUAGE_TAGS = ["ru", "ru-RU", "RU", "ru_RU", "en", "en-GB", "de", "zh-Hant-TW", "", "x"]


@pytest.mark.parametrize("lang", LANGUAGE_TAGS)
def test_any_language_tag_is_accepted(lang: str) -> None:
    spans = split_sentences("Mr. Smith came. Он ушёл. Done!", lang)
    assert spans and all(s.text.strip() == s.text for s in spans)


def test_regional_tag_uses_primary_language() -> None:
    text = "i am here. you are there."
    assert split_sentences(text, "en-GB") == split_sentences(text, "en")


def test_span_is_frozen() -> None:
    span = Span(0, 1, "a")
    with pytest.raises(dataclasses.FrozenInstanceError):
        span.start = 2  # type: ignore[misc]
    assert not hasattr(span, "__dict__")


def test_spans_are_exact_ordered_and_stripped_on_noisy_text() -> None:
    rng = random.Random(7)
    alphabet = [*"аБвГ xyZ.!?…;:,()[]«»„“”\"'—-–\n\r\t 0123456789@/#:)",
                "www.", "http://", " т. е. "]
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80)))
        for lang in ("ru", "en", "xx"):
            spans = split_sentences(text, lang)
            previous_end = 0
            for span in spans:
                assert text[span.start:span.end] == span.text
                assert span.text and span.text == span.text.strip()
                assert span.start >= previous_end
                previous_end = span.end
            assert not text[:spans[0].start].strip() if spans else not text.strip()
            covered = "".join(s.text for s in spans)
            assert "".join(covered.split()) == "".join(text.split())


@pytest.mark.parametrize("case", [
    "МОСКВА, 3 фев — ТАСС.| |горсовет утвердил бюджет.",
    "Горсовет утвердил бюджет.|\n|МОСКВА, 3 фев — ТАСС.| |горсовет утвердил бюджет.",
    # Only at the start of a line: inside one the dateline rule has no say.
    "Он сказал: «Всё.| |МОСКВА, 3 фев — ТАСС. горсовет».",
])
def test_split_units_cuts_a_leading_dateline_off_each_line(case: str) -> None:
    text, expected = parse(case)
    assert [(s.start, s.text) for s in split_units(text, "ru")] == expected


def test_candidate_scan_finds_what_one_regex_would() -> None:
    """The guarded scan yields the matches of the link-or-punctuation regex, in order."""
    one_regex = re.compile(candidates._LINK + "|" + candidates._PUNCTUATION, re.VERBOSE)
    rng = random.Random(3)
    alphabet = [*"аБвГ xyZ.!?…;:,()[]«»\"'—-\t 0123456789@/#+_)", "www.", "http://", ", We",
                "https://", "ftp://", "a@b.ru", " т. е. ", "school.But", "bad?what", "; 2) "]
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        start = rng.randint(0, len(text))
        expected = [(m.start(), m.end(), m.group("link") is not None)
                    for m in one_regex.finditer(text, start)]
        found = [(m.start(), m.end(), m.re is candidates.LINK_PATTERN)
                 for m in candidates.find_candidates(text, start, len(text))]
        assert found == expected, text
        without_commas = [(m.start(), m.end(), m.group("link") is not None)
                          for m in one_regex.finditer(text, start) if m.group("comma") is None]
        found = [(m.start(), m.end(), m.re is candidates.LINK_PATTERN)
                 for m in candidates.find_candidates(text, start, len(text), commas=False)]
        assert found == without_commas, text
