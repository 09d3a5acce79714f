"""The scores report: systems table (best bold), document bars, segments, worst, history."""
from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tm.models import Origin, Segment, Track, Translation
from tm.scoring.store import score_testset
from tm.scoring.testsets import TrackLines, get_testset, import_testset
from tm.translations import edit_translation

REFERENCE = ["The cat sat on the mat.", "It is raining today.", "He said no.",
             "Prices rose by five percent.", "The talks will resume on Monday."]
GOOD = ["The cat sat on the mat.", "It rains today.", "He said no.",
        "Prices rose five percent.", "Talks resume on Monday."]
BAD = ["A cat.", "Rain.", "He said no.", "Prices.", "Monday talks."]


def _scored(session: Session, *, test: str | None = None) -> None:
    result = import_testset(
        session, "news", source=[f"Предложение {i}." for i in range(5)],
        doc_ids=["d1", "d1", "d2", "d2", "d2"],
        tracks=[TrackLines("ref", REFERENCE, Origin.HUMAN),
                TrackLines("mt:good", GOOD, Origin.MACHINE),
                TrackLines("mt:bad", BAD, Origin.MACHINE)])
    score_testset(session, result.test_set, references=["ref"], metrics=["bleu", "chrf", "ter"],
                  test=test, baseline="mt:good" if test else None, samples=100)
    session.commit()


def test_index_lists_test_sets(client: FlaskClient, session: Session) -> None:
    _scored(session)
    page = client.get("/scores").get_data(as_text=True)
    assert 'href="/scores/news"' in page


def test_report_shows_table_charts_and_worst_segments(client: FlaskClient,
                                                      session: Session) -> None:
    _scored(session, test="bs")
    response = client.get("/scores/news")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "mt:good" in page and "mt:bad" in page
    assert page.count("<strong>") >= 3  # the best of each metric in bold
    assert "nrefs:1|bs:100|seed:12345" in page  # the signature with every figure
    assert page.count("<svg") == 2 and "cdn" not in page.lower()
    assert "d1" in page and "d2" in page  # the per-document bars
    assert "BLEU is unreliable on single sentences" in page
    assert "Monday talks." not in page or "The talks will resume on Monday." in page
    bad = client.get("/scores/news?system=mt:bad").get_data(as_text=True)
    assert "Prices." in bad and "Prices rose by five percent." in bad  # side by side


def test_report_of_an_unscored_test_set(client: FlaskClient, session: Session) -> None:
    import_testset(session, "empty", source=["а"], tracks=[TrackLines("r", ["a"], Origin.HUMAN)])
    session.commit()
    assert "Not scored yet" in client.get("/scores/empty").get_data(as_text=True)


def test_unknown_test_set_is_a_404(client: FlaskClient) -> None:
    assert client.get("/scores/nope").status_code == 404


def test_history_shows_a_system_score_after_an_edit(client: FlaskClient,
                                                    session: Session) -> None:
    _scored(session)
    bad = session.scalars(select(Translation).join(Track).join(Segment)
                          .where(Track.name == "mt:bad").order_by(Segment.id).limit(1)).one()
    edit_translation(session, bad, author="Anna", text=REFERENCE[0])
    score_testset(session, get_testset(session, "news"), references=["ref"], metrics=["chrf"])
    session.commit()
    page = client.get("/scores/news?system=mt:bad&metric=chrf").get_data(as_text=True)
    history = page[page.index("<h2>History</h2>"):]
    assert history.count("mt:bad chrF") == 2  # the score in each run, before and after
