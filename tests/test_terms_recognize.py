"""Term recognition: every word form of a term, abbreviations as written, never inside a word."""
from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from tm.terms.recognize import TermEntry, TermHit, TermIndex, target_present

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "data" / "terms_gold.json"


def found(terms: Sequence[str | TermEntry], text: str) -> list[str]:
    """Return the forms the terms are found in, in text order."""
    entries = [t if isinstance(t, TermEntry) else TermEntry(i, t, f"target {i}")
               for i, t in enumerate(terms)]
    return [hit.found for hit in TermIndex.build(entries).find(text)]


@pytest.mark.parametrize("term, text, forms", [
    ("Казахстан", "Резолюция по Казахстану носит предвзятый характер", ["Казахстану"]),
    ("Европарламент", "депутаты Европарламента приняли резолюцию", ["Европарламента"]),
    ("снегопад", "Как город справлялся со снегопадами", ["снегопадами"]),
    ("теплосеть", "износ теплосетей", ["теплосетей"]),
    ("Москва", "МОСКВА, 5 дек — Сверка.", ["МОСКВА"]),
    ("Крым", "отдых в Крыму", ["Крыму"]),  # a short capitalised word is no abbreviation
    ("Кузнецов", "признался Кузнецов, и Кузнецова поздравили", ["Кузнецов", "Кузнецова"]),
    ("шайба", "обе шайбы, двух шайб, шайбу", ["шайбы", "шайб", "шайбу"]),
])
def test_a_single_word_matches_in_every_form(term: str, text: str, forms: list[str]) -> None:
    assert found([term], text) == forms


@pytest.mark.parametrize("term, text, forms", [
    ("Европейский парламент", "Резолюция Европейского парламента", ["Европейского парламента"]),
    ("Европейский парламент", "письмо Европейскому парламенту", ["Европейскому парламенту"]),
    ("Европейский парламент", "в европейских парламентах", ["европейских парламентах"]),
    ("Банк России", "решение, принятое Банком России", ["Банком России"]),
    ("Совет по правам человека ООН", "членом Совета по правам человека ООН",
     ["Совета по правам человека ООН"]),
    ("Международный год фундаментальных наук", "к Международному году фундаментальных наук",
     ["Международному году фундаментальных наук"]),
    ("Индекс-Центр", "экономист «Индекс-Центра»", ["Индекс-Центра"]),
    ("Telegram-канал", "в нашем Telegram-канале", ["Telegram-канале"]),
    ("В. В. Иванов", "заявил председатель В. В. Иванов.", ["В. В. Иванов"]),
])
def test_a_multi_word_term_matches_in_every_form_agreeing_or_not(term: str, text: str,
                                                                 forms: list[str]) -> None:
    assert found([term], text) == forms


@pytest.mark.parametrize("term, text", [
    ("Европейский парламент", "Европейский и национальный парламент"),  # not adjacent
    ("Европейский парламент", "парламент Европейский"),  # not in order
    ("Европейский парламент", "Европейский, парламент"),  # punctuation between
    ("Индекс Центр", "агентство Индекс-Центр"),  # a space in the term, a hyphen in the text
    ("Индекс-Центр", "индекс центра"),
])
def test_a_multi_word_term_needs_its_words_in_order_separated_as_in_the_term(
        term: str, text: str) -> None:
    assert found([term], text) == []


@pytest.mark.parametrize("term, text, forms", [
    ("ОДКБ", "Действия ОДКБ были своевременными", ["ОДКБ"]),
    ("ОДКБ", "действия одкб", []),
    ("ОДКБ", "силы Одкб", []),
    ("МИД РК", "заявил МИД РК.", ["МИД РК"]),
    ("МИД РК", "заявил мид рк", []),
    ("МИД", "представитель МИДа", []),  # as written: no case endings
    ("РК", "курсы РКИ в РК", ["РК"]),
    ("ЦБ", "Аналитики ожидают, что ЦБ сохранит ставку", ["ЦБ"]),
    ("кВт", "мощность 5 кВт, а не 5 квт", ["кВт"]),
])
def test_abbreviations_match_only_as_written(term: str, text: str, forms: list[str]) -> None:
    assert found([term], text) == forms


@pytest.mark.parametrize("text, forms", [
    ("НОВОСИБИРСК, 18 мая — Сверка. Музей", ["Сверка"]),
    ("итоговая сверка данных", []),
    ("по данным Сверки", []),
    ("по данным СВЕРКИ", []),
])
def test_a_case_sensitive_term_matches_only_as_written(text: str, forms: list[str]) -> None:
    assert found([TermEntry(1, "Сверка", "Sverka", case_sensitive=True)], text) == forms


@pytest.mark.parametrize("term, text", [
    ("парламент", "депутаты Европарламента"),
    ("Урал", "добирается на работу на Уралмаш"),
    ("Казахстан", "в отношении казахстанских чиновников"),
    ("Кыргызстан", "избитого в Алматы кыргызстанца"),
    ("бюджет", "рост бюджетных расходов"),
    ("инфляция", "проинфляционные риски"),
    ("G", "саммит G20"),
    ("20", "саммит G20"),
])
def test_no_term_matches_inside_another_word(term: str, text: str) -> None:
    assert found([term], text) == []


@pytest.mark.parametrize("term, text", [
    ("Орлов", "гнёзда орлов"),
    ("Громов", "раскаты громов"),
    ("Кузнецов", "артель кузнецов"),
])
def test_a_name_matches_only_capitalised_words_read_as_names(term: str, text: str) -> None:
    assert found([term], text) == []


def test_a_word_shared_with_a_name_still_matches_the_name() -> None:
    assert found(["Орлов"], "капитан команды Д. С. Орлов") == ["Орлов"]


def test_the_longest_of_overlapping_terms_wins() -> None:
    terms = ["МИД", "Казахстан", "МИД Казахстана", "РК", "МИД РК", "права человека",
             "Уполномоченный по правам человека"]
    text = ("позиция МИД Казахстана; заявил МИД РК; в Казахстане; — заявил МИД. "
            "Уполномоченный по правам человека в РК")
    assert found(terms, text) == ["МИД Казахстана", "МИД РК", "Казахстане", "МИД",
                                  "Уполномоченный по правам человека", "РК"]


def test_entries_with_the_same_span_are_all_kept() -> None:
    entries = [TermEntry(1, "горсовет", "city council"), TermEntry(2, "Горсовет", "city hall")]
    hits = TermIndex.build(entries).find("председатель горсовета")
    assert [(h.entry_id, h.target) for h in hits] == [(1, "city council"), (2, "city hall")]


def test_a_hit_gives_the_offsets_of_the_form_found_with_yo_folded() -> None:
    text = "забросил 19-летний нападающий Артём Кузнецов."
    (hit,) = TermIndex.build([TermEntry(7, "Артем Кузнецов", "Artyom Kuznetsov",
                                        note="forward")]).find(text)
    assert hit == TermHit(entry_id=7, term="Артем Кузнецов", start=30, end=44,
                          found="Артём Кузнецов", target="Artyom Kuznetsov")
    assert text[hit.start:hit.end] == hit.found
    assert hit.as_dict()["found"] == "Артём Кузнецов"


def test_a_term_written_with_yo_matches_a_text_without() -> None:
    assert found(["Артём", "ёлка"], "Артем и елки") == ["Артем", "елки"]


def test_the_form_found_keeps_the_text_s_own_white_space() -> None:
    assert found(["Европейский парламент"], "Резолюция Европейского\u00a0 парламента") == [
        "Европейского\u00a0 парламента"]


def test_hits_come_in_text_order() -> None:
    hits = TermIndex.build([TermEntry(1, "ЕС", "EU"), TermEntry(2, "Казахстан", "Kazakhstan")]
                           ).find("ЕС и Казахстан, Казахстан и ЕС")
    assert [(h.start, h.entry_id) for h in hits] == [(0, 1), (5, 2), (16, 2), (28, 1)]


def test_an_entry_without_words_is_left_out() -> None:
    index = TermIndex.build([TermEntry(1, " — ", "dash"), TermEntry(2, "ОДКБ", "CSTO")])
    assert [h.entry_id for h in index.find("ОДКБ — союз")] == [2]
    assert TermIndex.build([]).find("ОДКБ") == []


@pytest.mark.parametrize("target, text, present", [
    ("European Parliament", "The European Parliament's resolution", True),
    ("European Parliament", "the european parliament said", True),
    ("Foreign Ministry", "the foreign ministries of the EU", True),
    ("ministries", "the ministry said", True),
    ("human rights", "human-rights groups", True),
    ("CSTO", "the CSTO's troops", True),
    ("EU", "sanctions of the EU.", True),
    ("EU", "a eu decision", False),  # an abbreviation as written
    ("Foreign Ministry", "the Ministry for Foreign Affairs", False),  # not in order
    ("Kazakh Foreign Ministry", "Kazakh ministry", False),  # every word
    ("Parliament", "the Europarliament", False),  # not inside another word
    ("Parliament", "a parliamentary group", False),
    ("human rights", "human, rights", False),
    ("", "anything", False),
])
def test_target_present_finds_the_english_target_in_any_form(target: str, text: str,
                                                              present: bool) -> None:
    assert target_present(target, text) is present


def test_target_present_reads_russian_by_lemmas() -> None:
    assert target_present("Европейский парламент", "Европейскому парламенту", lang="ru")
    assert not target_present("парламент", "Европарламенту", lang="ru")


def _gold() -> Any:
    return json.loads(GOLD.read_text(encoding="utf-8"))


def test_the_gold_set_marks_the_corpus_as_it_is() -> None:
    gold = _gold()
    ids = {e["id"] for e in gold["entries"]}
    for article in gold["articles"]:
        lines = (ROOT / article["article"]).read_text(encoding="utf-8").splitlines()
        for line in article["lines"]:
            assert lines[line["line"] - 1] == line["text"]
            for start, end, entry_id, form in line["spans"]:
                assert line["text"][start:end] == form and entry_id in ids
        for number, start, end, entry_id, form in article["distractors"]:
            assert lines[number - 1][start:end] == form and entry_id in ids


def test_recognition_on_the_gold_set_has_precision_and_recall_of_at_least_95() -> None:
    gold = _gold()
    index = TermIndex.build(
        TermEntry(e["id"], e["source"], e["target"], case_sensitive=e.get("case_sensitive", False))
        for e in gold["entries"])
    wanted = hits = correct = 0
    for article in gold["articles"]:
        distractors = article["distractors"]
        for line in article["lines"]:
            got = index.find(line["text"])
            spans = {tuple(s[:3]) for s in line["spans"]}
            wanted += len(spans)
            hits += len(got)
            correct += len(spans & {(h.start, h.end, h.entry_id) for h in got})
            for number, start, end, entry_id, form in distractors:
                assert not any(h.entry_id == entry_id and h.start < end and start < h.end
                               for h in got if number == line["line"]), form
    assert correct / hits >= 0.95
    assert correct / wanted >= 0.95


def test_a_surname_the_dictionary_does_not_know_is_found_in_its_inflected_forms() -> None:
    # pymorphy3 reads «Токаев» as a plural genitive of «токай», «Токаева» as the surname.
    index = TermIndex.build([TermEntry(1, "Токаев", "Tokayev")])
    assert [h.found for h in index.find("Заявление Токаева и слова Токаеву.")] == [
        "Токаева", "Токаеву"]
