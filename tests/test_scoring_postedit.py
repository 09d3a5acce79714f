"""Post-editing effort: HTER, chrF, unchanged share and edits, per system, document and
editor, of a pre-translation edited in place and of a machine track beside the final one."""
from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from sacrebleu.metrics import CHRF, TER
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.test_search_fuzzy import add_units
from tests.test_search_pretranslate import SENTENCES, _document
from tm.errors import ScoringError
from tm.models import Origin, Status, Translation
from tm.scoring.postedit import post_edit_effort
from tm.scoring.testsets import TrackLines, import_testset
from tm.search.pretranslate import pretranslate
from tm.translations import edit_translation

MACHINE = ["The minister met the ambassador of the European Union.",
           "The sides discussed trade and investments in 2022.",
           "The ambassador noted the EU is ready to expand the cooperation."]
FINAL = ["The foreign minister met the EU ambassador.",
         "The sides discussed trade and investments in 2022.",
         "The ambassador said the EU was ready to expand cooperation."]


def test_a_pretranslation_edited_in_place_is_measured_against_its_first_revision(
        session: Session, tmp_path: Path) -> None:
    document = _document(session, tmp_path)
    add_units(session, "main", list(zip(SENTENCES[:3], MACHINE, strict=True)))
    pretranslate(session, document.id, min_score=100)
    filled = list(session.scalars(select(Translation).order_by(Translation.segment_id)))
    assert [t.text for t in filled] == MACHINE
    edit_translation(session, filled[0], author="vera", text=FINAL[0])
    edit_translation(session, filled[1], author="vera", status=Status.REVIEWED)  # kept as is
    # filled[2] is left alone: nobody post-edited it, so it is not counted.
    (tm,) = post_edit_effort(session, [document.id])
    assert (tm.system, tm.final, tm.total.segments) == ("tm", "tm", 2)
    assert tm.total.unchanged == 0.5 and tm.total.edits_per_segment == 0.5
    assert tm.total.hter == round(TER().corpus_score(MACHINE[:2], [FINAL[:2]]).score, 2)
    assert tm.total.chrf == round(CHRF().corpus_score(MACHINE[:2], [FINAL[:2]]).score, 2)
    assert list(tm.editors) == ["vera"] and list(tm.documents) == [document.id]


def test_a_machine_track_is_measured_against_the_final_track(session: Session) -> None:
    result = import_testset(
        session, "pe", source=SENTENCES[:3], doc_ids=["a", "a", "b"],
        tracks=[TrackLines("human", FINAL, Origin.HUMAN),
                TrackLines("engine", MACHINE, Origin.MACHINE)])
    ids = [m.document_id for m in result.test_set.members]
    (engine,) = post_edit_effort(session, ids)
    assert (engine.system, engine.final, engine.total.segments) == ("engine", "human", 3)
    assert engine.total.hter == round(TER().corpus_score(MACHINE, [FINAL]).score, 2)
    assert engine.total.unchanged == round(1 / 3, 4)
    assert [e.segments for e in engine.documents.values()] == [2, 1]
    first = engine.documents[ids[0]]
    assert first.hter == round(TER().corpus_score(MACHINE[:2], [FINAL[:2]]).score, 2)


def test_nothing_to_compare_is_said(session: Session, tmp_path: Path) -> None:
    document = _document(session, tmp_path)
    with pytest.raises(ScoringError, match="no machine output"):
        post_edit_effort(session, [document.id])


def test_the_score_command_reports_post_editing_effort(runner: Callable[..., Result],
                                                       clean_db: Engine) -> None:
    with Session(clean_db) as session, session.begin():
        import_testset(session, "pe", source=SENTENCES[:3],
                       tracks=[TrackLines("human", FINAL, Origin.HUMAN),
                               TrackLines("engine", MACHINE, Origin.MACHINE)])
    result = runner("score", "--post-edit", "--testset", "pe", "--json")
    assert result.exit_code == 0, result.output
    (engine,) = json.loads(result.output)
    assert engine["system"] == "engine" and engine["segments"] == 3
    assert {"hter", "chrf", "unchanged", "edits_per_segment", "documents",
            "editors"} <= set(engine)
    text = runner("score", "--post-edit", "--testset", "pe").output
    assert text.startswith("engine → human: 3 segments, HTER ")
    both = runner("score", "--post-edit")
    assert both.exit_code != 0 and "--testset NAME or --document DOC" in both.output
    assert "Traceback" not in both.output


def test_the_scores_report_shows_the_effort_on_request(session: Session,
                                                       client: Any) -> None:
    from tm.scoring.store import score_testset

    result = import_testset(session, "pe", source=SENTENCES[:3],
                            tracks=[TrackLines("human", FINAL, Origin.HUMAN),
                                    TrackLines("engine", MACHINE, Origin.MACHINE)])
    score_testset(session, result.test_set, references=["human"])
    session.commit()
    plain = client.get("/scores/pe").get_data(as_text=True)
    assert "post_edit=1" in plain and "HTER" not in plain
    page = client.get("/scores/pe?post_edit=1").get_data(as_text=True)
    hter = round(TER().corpus_score(MACHINE, [FINAL]).score, 2)
    assert "engine → human" in page and f"{hter:.2f}" in page
    russian = client.get("/scores/pe?post_edit=1", headers={"Accept-Language": "ru"})
    assert "Трудозатраты на постредактирование" in russian.get_data(as_text=True)
