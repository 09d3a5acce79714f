"""Specifications of the lexical cue: stems, the seed lexicon, learning, and its effect."""
from __future__ import annotations

import random

import pytest
from sqlalchemy.orm import Session

from tm.align import Lexicon, align_paragraphs, align_sentences, memory_lexicon, seed_lexicon
from tm.align.lexicon import learn_lexicon, read_lexicon, stem, stems, text_pairs_lexicon
from tm.memory.memories import get_or_create_memory
from tm.memory.tmx_rows import source_key
from tm.models import MemoryUnit


@pytest.mark.parametrize(
    ("words", "lang"),
    [
        (["правительство", "правительства", "правительством"], "ru"),
        (["год", "года", "году"], "ru"),
        (["президента", "президентом", "президент"], "ru"),
        (["year", "years"], "en"),
        (["talks", "talk"], "en"),
    ],
)
def test_inflected_forms_share_a_stem(words: list[str], lang: str) -> None:
    assert len({stem(w, lang) for w in words}) == 1


def test_function_words_have_no_stem() -> None:
    assert stems("Это то, что было в доме.", "ru") == {stem("доме", "ru")}


def test_seed_lexicon_ships_and_translates_news_words() -> None:
    lexicon = seed_lexicon()
    assert len(lexicon) > 300
    keys, known = lexicon.translations(stems("Правительство одобрило бюджет", "ru"))
    assert known == 2
    assert keys & stems("The government approved the budget", "en")


def test_seed_lexicon_is_empty_for_other_pairs() -> None:
    assert len(seed_lexicon("de", "fr")) == 0


def test_read_lexicon_skips_comments_and_merges_forms() -> None:
    lexicon = read_lexicon(["# a comment", "дом дома\thouse home", "", "nope"], "ru", "en")
    assert dict(lexicon.entries) == {stem("дом", "ru"): frozenset({"house", "home"})}


def test_learn_lexicon_finds_consistent_pairs_and_caps_its_size() -> None:
    rng = random.Random(1)
    pairs = []
    for _ in range(40):
        k = rng.randrange(5)
        noise = rng.randrange(1000)
        pairs.append((frozenset({f"r{k}", f"n{noise}"}), frozenset({f"e{k}", f"x{noise + 1}"})))
    lexicon = learn_lexicon(pairs, "ru", "en")
    assert {k: set(v) for k, v in lexicon.entries.items()} == {f"r{k}": {f"e{k}"} for k in range(5)}
    assert len(learn_lexicon(pairs, "ru", "en", max_entries=2)) == 2


def test_memory_lexicon_learns_from_stored_units(session: Session) -> None:
    memory = get_or_create_memory(session, "main")
    units = [("Губернатор посетил завод.", "The governor visited the plant."),
             ("Губернатор открыл мост.", "The governor opened the bridge."),
             ("Новый завод построят весной.", "The new plant will be built in spring."),
             ("Мост закрыли на ремонт.", "The bridge was closed for repairs.")] * 2
    session.add_all(MemoryUnit(memory_id=memory.id, src_lang="ru", tgt_lang="en", source=s,
                               target=t, source_key=source_key(s)) for s, t in units)
    session.flush()
    lexicon = memory_lexicon(session, memory="main")
    assert stem("plant", "en") in lexicon.entries[stem("завод", "ru")]
    assert stem("bridg", "en") in lexicon.entries[stem("мост", "ru")]
    assert len(memory_lexicon(session, memory="other")) == 0


def test_lexicon_tells_which_sentence_was_dropped() -> None:
    # Same lengths, no numbers or names: only the words say which one is missing.
    src = ["Губернатор открыл новый мост.", "Врачи вылечили всех детей."]
    tgt = ["Doctors cured all the children."]
    with_words = align_sentences(src, tgt)
    assert [(x.src, x.tgt) for x in with_words] == [((0,), ()), ((1,), (0,))]


def test_empty_lexicon_switches_the_cue_off() -> None:
    src = ["Губернатор открыл новый мост.", "Врачи вылечили всех детей."]
    tgt = ["Doctors cured all the children."]
    links = align_sentences(src, tgt, lexicon=Lexicon("ru", "en"), realign=False)
    assert sum(len(x.src) for x in links) == 2


def test_paragraph_alignment_uses_the_lexicon_it_is_given() -> None:
    # As an import passing a memory's lexicon: the words decide which sentence was dropped.
    src = ["Губернатор открыл новый мост.", "Врачи вылечили всех детей."]
    tgt = ["Doctors cured all the children."]
    seeded = align_paragraphs([src], [tgt])
    assert [(x.src, x.tgt) for x in seeded] == [((0,), ()), ((1,), (0,))]
    without = align_paragraphs([src], [tgt], lexicon=Lexicon("ru", "en"), realign=False)
    assert without == align_sentences(src, tgt, lexicon=Lexicon("ru", "en"), realign=False)
    assert without != seeded


def test_text_pairs_lexicon_and_merge() -> None:
    learned = text_pairs_lexicon([("Хоккеисты выиграли", "Hockey players won")] * 3, "ru", "en")
    merged = seed_lexicon().merge(learned)
    assert len(merged) >= len(seed_lexicon())
    assert stem("hocke", "en") in merged.entries[stem("хоккеисты", "ru")]


def test_realign_on_a_long_document_keeps_links_covering() -> None:
    rng = random.Random(3)
    words = [("мост", "bridge"), ("завод", "plant"), ("врач", "doctor"), ("школа", "school"),
             ("дорога", "road"), ("город", "city"), ("река", "river"), ("лес", "forest")]
    src, tgt = [], []
    for _ in range(120):
        chosen = rng.sample(words, 3)
        src.append(" ".join(r for r, _ in chosen) + " стоят рядом.")
        tgt.append(" ".join(e for _, e in chosen) + " stand together.")
    del tgt[50]
    links = align_sentences(src, tgt, realign=True)
    assert [i for x in links for i in x.src] == list(range(120))
    assert [j for x in links for j in x.tgt] == list(range(119))
