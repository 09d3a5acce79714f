"""QA checks: one case table per check, then ``check`` on whole pairs."""
from __future__ import annotations

import pytest

from tm.qa import check, numbers


@pytest.mark.parametrize("text, expected", [
    ("В 2022 году 15 человек", ["15", "2022"]),
    ("1,5 млн", ["1.5"]), ("1.5 million", ["1.5"]),
    ("1 000 рублей", ["1000"]), ("1,000 roubles", ["1000"]), ("1\u00a0000", ["1000"]),
    ("без чисел", []),
])
def test_numbers_are_normalised(text: str, expected: list[str]) -> None:
    assert numbers(text) == expected


@pytest.mark.parametrize("source, target, codes", [
    # numbers
    ("Погибли 15 человек.", "15 people died.", []),
    ("Погибли 15 человек.", "16 people died.", ["numbers"]),
    ("Рост составил 1,5%.", "Growth was 1.5%.", []),
    ("Бюджет 1 000 рублей.", "A budget of 1,000 roubles.", []),
    # dates
    ("БИШКЕК, 21 янв — Sputnik.", "BISHKEK, January 21 – Sputnik.", []),
    ("Это было 3 мая.", "It was on May 3.", []),
    ("Это было 3 мая.", "It was on March 3.", ["dates"]),
    ("Сенатор прибыл на маяк.", "The senator came to the lighthouse.", []),
    ("Декларацию подали 5 декабря.", "The declaration was filed on Dec. 5.", []),
    ("Он может прийти.", "He may come.", []),
    ("После январских событий.", "After the January events.", []),
    ("После январских событий 5 января.", "After the events of January 6.", ["numbers"]),
    # unpaired quotes and brackets
    ("Он сказал (тихо).", "He said (quietly).", []),
    ("Он сказал (тихо).", "He said (quietly.", ["unpaired"]),
    ("«Да», — сказал он.", '"Yes," he said.', []),
    ("«Да», — сказал он.", '"Yes, he said.', ["unpaired"]),
    ("«Да», — сказал он.", "«Yes, he said.", ["unpaired"]),
    ("«Да», — сказал он.", "“Yes,” he said.", []),
    ("«Да», — сказал он.", "“Yes, he said.", ["unpaired"]),
    # a quotation running over several sentences: open in both
    ('"Это важно.', '"This matters.', []),
    ("«Это важно.", '"This matters.', []),
    ("Это важно (очень.", "This matters (a lot.", []),
    ("Это важно (очень).", "This matters (a lot.", ["unpaired"]),
    # empty, identical
    ("Текст.", "", ["empty"]),
    ("Текст.", "   ", ["empty"]),
    ("Текст.", "Текст.", ["identical", "cyrillic"]),
    ("COVID-19", "COVID-19", []),
    # length ratio
    ("Это довольно длинное русское предложение о погоде.", "Weather.", ["length"]),
    ("Это довольно длинное русское предложение о погоде.",
     "This is a rather long Russian sentence about the weather.", []),
    ("Да.", "Yes, absolutely, that is what I have always been saying.", []),
    # double spaces
    ("Он ушёл.", "He  left.", ["spaces"]),
    ("Он ушёл.", "He left. ", []),
    # Cyrillic left in English
    ("Он ушёл в Минфин.", "He went to the Минфин.", ["cyrillic"]),
])
def test_checks(source: str, target: str, codes: list[str]) -> None:
    assert [w.code for w in check(source, target)] == codes


def test_warnings_say_what_differs() -> None:
    [warning] = check("Погибли 15 человек.", "16 people died.")
    assert warning.as_dict() == {"code": "numbers", "detail": "missing 15; extra 16"}
