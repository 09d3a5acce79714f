"""Pre-translation fills a track from the memories and counts segments by match band."""
from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.test_search_fuzzy import add_units
from tm.ingest import import_article, read_article
from tm.models import Document, Origin, Segment, Status, Translation
from tm.search.pretranslate import band, pretranslate

SENTENCES = [
    "Министр иностранных дел Казахстана провёл встречу с послом Европейского союза.",
    "Стороны обсудили вопросы торговли и инвестиций в 2022 году.",
    "Посол отметил, что Европейский союз готов расширять сотрудничество с Казахстаном.",
    "Министр поблагодарил посла за конструктивный диалог и пригласил его в Астану.",
    "Встреча прошла в дружественной атмосфере, сообщает пресс-служба министерства.",
    "Погода в Астане в эти дни была солнечной и тёплой, без осадков и сильного ветра.",
]


@pytest.mark.parametrize("score, name", [
    (101, "101%"), (100, "100%"), (99, "95–99%"), (95, "95–99%"), (94, "85–94%"),
    (85, "85–94%"), (84, "75–84%"), (75, "75–84%"), (74, "50–74%"), (50, "50–74%"),
    (49, "no match"), (None, "no match"),
])
def test_bands(score: int | None, name: str) -> None:
    assert band(score) == name


def _document(session: Session, tmp_path: Path) -> Document:
    path = tmp_path / "article.txt"
    path.write_text(" ".join(SENTENCES) + "\n", encoding="utf-8")
    document = import_article(session, read_article(path)).document
    texts = [s.text for s in session.scalars(select(Segment).where(
        Segment.document_id == document.id).order_by(Segment.position))]
    assert texts == SENTENCES
    return document


def _memory(session: Session) -> None:
    s = SENTENCES
    add_units(session, "main", [(s[0], "The foreign minister of Kazakhstan met the EU "
                                       "ambassador.")], before=None, after=s[1])  # 101
    add_units(session, "main", [(s[1].replace("2022", "2021"), "The sides discussed trade "
                                                               "and investment in 2021.")])
    add_units(session, "main", [(s[2], "The ambassador said the EU was ready to expand "
                                       "cooperation with Kazakhstan.")])  # 100
    add_units(session, "main", [(s[3].replace("конструктивный", "открытый"),
                                 "The minister thanked the ambassador for an open dialogue "
                                 "and invited him to Astana.")])  # 1 of 11 words: 90
    add_units(session, "main", [("Встреча прошла в тёплой атмосфере, сообщает посольство.",
                                 "The meeting was warm, the embassy said.")])  # 5 of 8: 62


def test_pretranslate_fills_the_track_and_counts_bands(session: Session,
                                                       tmp_path: Path) -> None:
    document = _document(session, tmp_path)
    _memory(session)
    report = pretranslate(session, document.id, min_score=85, author="tm-bot")
    assert report.segments == {"101%": 1, "100%": 1, "95–99%": 1, "85–94%": 1, "75–84%": 0,
                               "50–74%": 1, "no match": 1}
    assert report.filled == 4 and report.words["101%"] == 10
    filled = {t.segment.position: t for t in session.scalars(select(Translation))}
    assert sorted(t.tm_score or 0 for t in filled.values()) == [90, 98, 100, 101]
    assert all(t.origin is Origin.TM and t.track.name == "tm" for t in filled.values())
    second = next(t for t in filled.values() if t.tm_score == 98)
    assert second.text == "The sides discussed trade and investment in 2022."  # placeable
    assert second.status is Status.DRAFT
    assert next(t for t in filled.values() if t.tm_score == 101).status is Status.TRANSLATED


def test_pretranslate_keeps_existing_translations_unless_told(session: Session,
                                                              tmp_path: Path) -> None:
    document = _document(session, tmp_path)
    _memory(session)
    pretranslate(session, document.id, min_score=100)
    again = pretranslate(session, document.id, min_score=85)
    assert (again.filled, again.kept) == (2, 2)
    over = pretranslate(session, document.id, min_score=85, overwrite=True)
    assert over.filled == 4


def test_pretranslate_command_reports_bands(runner: Callable[..., Result], clean_db: Engine,
                                            tmp_path: Path) -> None:
    with Session(clean_db) as session, session.begin():
        document_id = _document(session, tmp_path).id
        _memory(session)
    result = runner("pretranslate", str(document_id), "--min-score", "95", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["filled"] == 3 and report["segments"]["no match"] == 1
    text = runner("pretranslate", str(document_id))
    assert "101%" in text.output and "kept" in text.output
    missing = runner("pretranslate", "999")
    assert missing.exit_code == 2 and "no document with id 999" in missing.output


def test_boilerplate_is_matched_and_counted_like_any_segment(session: Session) -> None:
    """An approved «Подписывайтесь на Sputnik в Дзен» fills the next article's line too."""
    from tests.conftest import import_seed
    from tm.documents import document_rows
    from tm.models import SegmentKind
    from tm.translations import edit_translation

    first = import_seed(session).document
    for row in document_rows(session, first.id, ["human"]):
        if row.segment.kind is SegmentKind.BOILERPLATE and row.translations["human"]:
            edit_translation(session, row.translations["human"], status=Status.APPROVED,
                             author="v")
    second = import_seed(session).document
    boilerplate = [s for s in second.segments if s.kind is SegmentKind.BOILERPLATE]
    report = pretranslate(session, second.id, min_score=100)
    assert report.boilerplate == len(boilerplate) > 0
    assert sum(report.segments.values()) == len(second.segments)  # none left out of bands
    filled = {t.segment.text for t in session.scalars(select(Translation).where(
        Translation.segment_id.in_([s.id for s in boilerplate])).join(Translation.track)
        .where(Translation.origin == Origin.TM))}
    assert "Подписывайтесь на Sputnik в Дзен" in filled
