"""Fuzzy lookup: the index returns what a scan of the whole memory returns, kept up to date."""
from __future__ import annotations

import random
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from tests.conftest import SEED, import_seed
from tests.tmx_samples import tmx, tu
from tm.db import make_engine
from tm.documents import document_rows
from tm.errors import NotFoundError, ValidationError
from tm.ingest import TranslationInput, import_article, read_article
from tm.memory import get_or_create_memory, import_tmx
from tm.memory.tmx_rows import source_key
from tm.models import MemoryUnit, Origin, SearchTerms, Status
from tm.search import brute_force, fuzzy, index_units, warm_index
from tm.search.index import index_keys, key_blob, shared_index
from tm.search.normalize import hashed_keys
from tm.search.score import CONTEXT_MATCH, ORIGIN_PENALTIES
from tm.translations import edit_translation

WORDS = ("министр заявил сообщил президент правительство страны года рост экономики "
         "в на по о с и не что это как для время после против города новые данные "
         "расследование расследования Москва Бишкек Казахстан Европарламент резолюция "
         "переговоры встреча глава ведомства представитель области регион власти").split()


def add_units(session: Session, memory: str, pairs: list[tuple[str, str]], *,
              before: str | None = None, after: str | None = None) -> list[MemoryUnit]:
    """Store units in ``memory`` the way importers do, and index them."""
    target = get_or_create_memory(session, memory)
    units = [MemoryUnit(memory_id=target.id, src_lang="ru", tgt_lang="en", source=s,
                        target=t, source_key=source_key(s), context_before=before,
                        context_after=after) for s, t in pairs]
    session.add_all(units)
    session.flush()
    index_units(session, unit_ids=[u.id for u in units])
    return units


def sentence(rng: random.Random, length: int) -> str:
    words = [rng.choice(WORDS) for _ in range(length)]
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words)), str(rng.randrange(1990, 2030)))
    return " ".join(words).capitalize() + rng.choice(".!?")


def edited(rng: random.Random, text: str) -> str:
    words = text.rstrip(".!?").split()
    for _ in range(rng.randrange(0, 4)):
        at = rng.randrange(len(words))
        action = rng.choice("rid")
        if action == "r":
            words[at] = rng.choice(WORDS)
        elif action == "i":
            words.insert(at, rng.choice(WORDS))
        elif len(words) > 2:
            del words[at]
    return " ".join(words) + "."


def _ranked(matches: list) -> list[tuple[int, int]]:  # type: ignore[type-arg]
    return [(m.score, m.unit_id) for m in matches]


@pytest.mark.parametrize("min_score", [50, 70, 75, 90])
def test_fuzzy_equals_brute_force_on_a_random_memory(session: Session, min_score: int) -> None:
    rng = random.Random(min_score)
    sources = [sentence(rng, rng.randrange(3, 16)) for _ in range(400)]
    add_units(session, "main", [(s, f"t{i}") for i, s in enumerate(sources)])
    for _ in range(25):
        query = edited(rng, rng.choice(sources))
        assert _ranked(fuzzy(session, query, min_score=min_score, limit=30)) == _ranked(
            brute_force(session, query, min_score=min_score, limit=30)), query


def test_match_explains_itself(session: Session) -> None:
    add_units(session, "news", [("В 2021 году рост экономики составил 3,5%.",
                                 "In 2021 the economy grew by 3.5%.")])
    (match,) = fuzzy(session, "В 2022 году рост экономики составил 3,5%.")
    assert match.score == 98 and match.memory == "news"
    assert match.suggestion == "In 2022 the economy grew by 3.5%."
    assert [p.note for p in match.placeables] == ["number 2021 replaced with 2022"]
    assert ("replace", "2022", "2021") in [(d.op, d.query, d.source) for d in match.diff]
    assert match.provenance.memory == "news"
    assert match.as_dict()["penalties"] == {"number": 2}


def test_context_match_ranks_above_identical(session: Session) -> None:
    add_units(session, "main", [("Он ушёл.", "He left (elsewhere).")],
              before="Другое.", after="Иное.")
    add_units(session, "main", [("Он ушёл.", "He left.")], before="Дверь открылась.",
              after="Дверь закрылась.")
    matches = fuzzy(session, "Он ушёл.", before="Дверь открылась.", after="Дверь закрылась.")
    assert [(m.score, m.target) for m in matches] == [(CONTEXT_MATCH, "He left."),
                                                      (100, "He left (elsewhere).")]


def test_memory_penalty_ranks_a_trusted_memory_first(session: Session) -> None:
    add_units(session, "agency", [("Встреча прошла в Москве.", "The meeting was in Moscow.")])
    add_units(session, "desk", [("Встреча прошла в Москве.", "The meeting took place in "
                                                             "Moscow.")])
    get_or_create_memory(session, "agency").penalty = 10
    matches = fuzzy(session, "Встреча прошла в Москве.")
    assert [(m.score, m.memory) for m in matches] == [(100, "desk"), (90, "agency")]
    assert fuzzy(session, "Встреча прошла в Москве.", min_score=95, memories=["agency"]) == []


def test_memories_filter_and_language_pair(session: Session) -> None:
    add_units(session, "a", [("Встреча прошла.", "A")])
    add_units(session, "b", [("Встреча прошла.", "B")])
    assert [m.target for m in fuzzy(session, "Встреча прошла.", memories=["b"])] == ["B"]
    assert fuzzy(session, "Встреча прошла.", src="de", tgt="en") == []
    with pytest.raises(NotFoundError):
        fuzzy(session, "Встреча прошла.", memories=["nope"])


@pytest.mark.parametrize("min_score, limit", [(0, 5), (102, 5), (70, 0)])
def test_rejects_bad_options(session: Session, min_score: int, limit: int) -> None:
    with pytest.raises(ValidationError):
        fuzzy(session, "Текст.", min_score=min_score, limit=limit)


def test_new_units_are_findable_at_once_and_deleted_ones_disappear(session: Session) -> None:
    add_units(session, "main", [("Первое предложение памяти.", "First.")])
    assert fuzzy(session, "Второе предложение памяти.") == []  # the index is loaded now
    (unit,) = add_units(session, "main", [("Второе предложение памяти.", "Second.")])
    assert [m.target for m in fuzzy(session, "Второе предложение памяти.")] == ["Second."]
    session.execute(delete(MemoryUnit).where(MemoryUnit.id == unit.id))
    assert fuzzy(session, "Второе предложение памяти.") == []


def test_the_index_survives_a_restart(clean_db: Engine, database_url: str) -> None:
    with Session(clean_db) as session, session.begin():
        add_units(session, "main", [("Сохранённое предложение.", "Kept.")])
    with Session(clean_db) as session:
        assert [m.target for m in fuzzy(session, "Сохранённое предложение.")] == ["Kept."]
    with Session(clean_db) as session, session.begin():  # committed after the index loaded
        add_units(session, "main", [("Ещё одно сохранённое предложение.", "More.")])
    other = make_engine(database_url)  # a new process: nothing cached
    try:
        with Session(other) as session:
            assert [m.target for m in fuzzy(session, "Ещё одно сохранённое предложение.")] == [
                "More."]
            assert [m.target for m in fuzzy(session, "Сохранённое предложение.")] == ["Kept."]
    finally:
        other.dispose()
    with Session(clean_db) as session:
        assert [m.target for m in fuzzy(session, "Ещё одно сохранённое предложение.")] == [
            "More."]


def test_rolled_back_units_are_not_found(clean_db: Engine) -> None:
    with Session(clean_db) as session:
        add_units(session, "main", [("Отменённое предложение.", "Gone.")])
        assert len(fuzzy(session, "Отменённое предложение.")) == 1
        session.rollback()
    with Session(clean_db) as session:
        assert fuzzy(session, "Отменённое предложение.") == []
        session.rollback()
    with Session(clean_db) as session, session.begin():
        add_units(session, "main", [("Новое предложение.", "New.")])
    with Session(clean_db) as session:
        assert [m.target for m in fuzzy(session, "Новое предложение.")] == ["New."]


def test_approved_translations_are_findable_with_their_provenance(session: Session) -> None:
    document = import_seed(session).document
    row = document_rows(session, document.id, ["human"])[2]
    human = row.translations["human"]
    assert human is not None
    edit_translation(session, human, status=Status.APPROVED, author="vera")
    (match,) = fuzzy(session, row.segment.text)
    assert match.target == human.text and match.score == 100
    assert (match.provenance.document_id, match.provenance.track,
            match.provenance.author) == (document.id, "human", "vera")
    assert match.provenance.status is Status.APPROVED
    edit_translation(session, human, status=Status.REVIEWED, author="boris")
    assert fuzzy(session, row.segment.text) == []


def test_imported_tmx_units_are_findable_at_once(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "m.tmx"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header srclang="ru" '
        'datatype="plaintext" segtype="sentence" adminlang="en" o-tmf="x" '
        'creationtool="t" creationtoolversion="1"/><body>'
        '<tu><tuv xml:lang="ru"><seg>Импортированное предложение о погоде.</seg></tuv>'
        '<tuv xml:lang="en"><seg>An imported sentence about the weather.</seg></tuv></tu>'
        '</body></tmx>', encoding="utf-8")
    assert fuzzy(session, "Импортированное предложение о погоде.") == []
    import_tmx(session, path, memory="tmx")
    (match,) = fuzzy(session, "Импортированное предложение о погоде!")
    assert (match.score, match.memory) == (99, "tmx")
    import_tmx(session, path, memory="tmx")  # the same unit again: a duplicate, merged
    assert len(fuzzy(session, "Импортированное предложение о погоде!")) == 1


@pytest.mark.parametrize("parallel", [False, True], ids=["one-process", "parsing-process"])
def test_a_replaced_unit_leaves_the_index_with_it(session: Session, tmp_path: Path,
                                                   parallel: bool) -> None:
    older, newer = tmp_path / "old.tmx", tmp_path / "new.tmx"
    filler = "".join(tu(f"Заполнитель номер {i} о погоде.", f"Filler {i}.") for i in range(600))
    for path, date, english in ((older, "20200101T000000Z", "Home."),
                                (newer, "20230101T000000Z", "House.")):
        path.write_text(tmx(filler + tu("Большой дом у реки.", english,
                                        attrs=f' changedate="{date}"')), encoding="utf-8")
    import_tmx(session, older, memory="m", parallel=parallel)
    report = import_tmx(session, newer, memory="m", parallel=parallel)  # keep-newest
    assert (report.replaced, report.duplicates) == (1, 600)
    assert [m.target for m in fuzzy(session, "Большой дом у реки.")] == ["House."]
    indexed = session.scalar(select(func.count()).select_from(SearchTerms))
    assert indexed == session.scalar(select(func.count()).select_from(MemoryUnit)) == 601


@pytest.mark.parametrize("origin, expected", [
    (Origin.HUMAN, 100),
    (Origin.SUPPLIED, 100 - ORIGIN_PENALTIES[Origin.SUPPLIED]),
    (Origin.MACHINE, 100 - ORIGIN_PENALTIES[Origin.MACHINE]),
])
def test_origin_of_the_translation_costs_points(session: Session, origin: Origin,
                                                expected: int) -> None:
    translation = TranslationInput(article=read_article(SEED / "en.human.txt"),
                                   track="t", origin=origin)
    document = import_article(session, read_article(SEED / "ru.txt"),
                              translations=[translation]).document
    row = document_rows(session, document.id, ["t"])[2]
    translated = row.translations["t"]
    assert translated is not None
    edit_translation(session, translated, status=Status.APPROVED, author="vera")
    (match,) = fuzzy(session, row.segment.text)
    assert match.score == expected and match.text_score == 100
    assert match.provenance.origin is origin


def test_a_lower_id_committed_later_is_still_found(clean_db: Engine) -> None:
    """PostgreSQL can commit id 500 after id 1000 was read; the skipped ids are watched."""
    from sqlalchemy import insert as sa_insert


    def unit_with_terms_id(session: Session, text: str, terms_id: int) -> None:
        (unit,) = add_units(session, "main", [(text, text)])
        session.execute(delete(SearchTerms).where(SearchTerms.unit_id == unit.id))
        session.execute(sa_insert(SearchTerms).values(id=terms_id, unit_id=unit.id,
                                                      memory_id=unit.memory_id,
                                                      keys=key_blob(text)))

    with Session(clean_db) as session, session.begin():
        index_units(session, unit_ids=[])  # the index generation
        unit_with_terms_id(session, "Позднее предложение номер один.", 1000)
    with Session(clean_db) as session:
        assert len(fuzzy(session, "Позднее предложение номер один.")) == 1
    shared_index(clean_db).refresh_from(clean_db)
    with Session(clean_db) as session, session.begin():
        unit_with_terms_id(session, "Раннее предложение номер два.", 500)
    shared_index(clean_db).refresh_from(clean_db)
    assert 500 in shared_index(clean_db).gap_seen  # read into the shared index
    with Session(clean_db) as session:
        assert [m.target for m in fuzzy(session, "Раннее предложение номер два.")] == [
            "Раннее предложение номер два."]


@pytest.mark.parametrize("text", [
    "Президент заявил, что «из-за» санкций ВВП упал на 3,5% в 2022 году.",
    "O’Brien's rock-n-roll G20 summit: 12:30, 1.000.000 rubles_and__more",
    "  tabs\tand\u00a0no-break\u2009thin\u3000ideographic\x1cseparators ",
    "ёлка Ёлка ЁЛКА ёлка, ёлка. ёлка…ёлка—ёлка",
    "123abc abc123 1,2,3 ,,, -- '' a-b-c-"])
def test_index_keys_are_the_texts_word_and_number_keys(text: str) -> None:
    # Twice: the second time from the chunk cache.
    assert list(index_keys(text)) == hashed_keys(text)
    assert list(index_keys(text)) == hashed_keys(text)


def test_index_keys_of_random_texts_match_the_tokenizer() -> None:
    rng = random.Random(3)
    alphabet = "абвгдеёжзийк ABCxyz 0123456789 .,:;-'’«»()!?\t\n\u00a0_"
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        assert list(index_keys(text)) == hashed_keys(text), text


def test_warming_loads_the_index_before_the_first_lookup(clean_db: Engine,
                                                         database_url: str) -> None:
    with Session(clean_db) as session, session.begin():
        memory = get_or_create_memory(session, "m")
        for n in range(30):
            text = f"Президент заявил о {n}-м пакете санкций."
            session.add(MemoryUnit(memory_id=memory.id, src_lang="ru", tgt_lang="en",
                                   source=text, target=f"Package {n}.",
                                   source_key=source_key(text)))
        session.flush()
        index_units(session, memory_id=memory.id)
    server = make_engine(database_url)  # a new server process: nothing loaded yet
    try:
        assert shared_index(server).loaded_rows == 0
        assert warm_index(server) == 30
        assert shared_index(server).loaded_rows == 30
        with Session(server) as session:
            assert fuzzy(session, "Президент заявил о 7-м пакете санкций.", min_score=90)
    finally:
        server.dispose()
