"""The scores report: systems table (best bold), document bars, segments, worst, history.

And each document's own page; worst segments show the texts that were scored.
"""
from __future__ import annotations

import sacrebleu
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tm.models import Origin, Segment, Track, Translation
from tm.scoring.results import worst_segments
from tm.scoring.store import score_testset
from tm.scoring.testsets import TrackLines, get_testset, import_testset
from tm.source_edits import edit_source
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


def _document_ids(session: Session) -> dict[str, int]:
    """Document key (d1, d2) → document id in the test set 'news'."""
    return {m.doc_key or "": m.document_id for m in get_testset(session, "news").members}


def test_report_links_each_document_to_its_page(client: FlaskClient, session: Session) -> None:
    _scored(session)
    ids = _document_ids(session)
    page = client.get("/scores/news?system=mt:bad").get_data(as_text=True)
    for document_id in ids.values():  # the bars and the worst segments' document column
        assert f'href="/scores/news/documents/{document_id}?run=' in page


def test_document_page_shows_its_systems_distribution_and_worst_segments(
        client: FlaskClient, session: Session) -> None:
    _scored(session)
    d2 = _document_ids(session)["d2"]
    response = client.get(f"/scores/news/documents/{d2}?system=mt:bad")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Document d2" in page and 'href="/scores/news?' in page
    # The stored document-level scores: chrF of each system over d2's segments only.
    for system, lines in (("mt:good", GOOD), ("mt:bad", BAD)):
        expected = sacrebleu.CHRF().corpus_score(lines[2:], [REFERENCE[2:]]).score
        assert f"{expected:.2f}" in page, system
    table = page[page.index("<table class=\"report scores\">"):page.index("</table>")]
    assert table.count("<strong>") == 3  # the best of BLEU, chrF and TER
    assert page.count("<svg") == 1 and "3 segments." in page  # d2's segment scores
    worst = page[page.index("<table class=\"bilingual worst\">"):]
    assert "Prices." in worst and "Monday talks." in worst
    assert "A cat." not in worst  # d1's segment is not d2's


def test_document_page_of_another_document_is_a_404(client: FlaskClient,
                                                    session: Session) -> None:
    _scored(session)
    import_testset(session, "other", source=["а"], tracks=[TrackLines("r", ["a"], Origin.HUMAN)])
    session.commit()
    other = get_testset(session, "other").members[0].document_id
    assert client.get(f"/scores/news/documents/{other}").status_code == 404


def test_document_page_before_any_run(client: FlaskClient, session: Session) -> None:
    import_testset(session, "empty", source=["а"], tracks=[TrackLines("r", ["a"], Origin.HUMAN)])
    session.commit()
    document_id = get_testset(session, "empty").members[0].document_id
    page = client.get(f"/scores/empty/documents/{document_id}").get_data(as_text=True)
    assert "Not scored yet" in page


def test_document_page_links_to_its_scores(client: FlaskClient, session: Session) -> None:
    _scored(session)
    d1 = _document_ids(session)["d1"]
    page = client.get(f"/documents/{d1}").get_data(as_text=True)
    assert f'href="/scores/news/documents/{d1}"' in page


def test_document_page_in_russian(client: FlaskClient, session: Session) -> None:
    _scored(session)
    d1 = _document_ids(session)["d1"]
    page = client.get(f"/scores/news/documents/{d1}",
                      headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert "Системы в этом документе" in page and "Документ d1" in page


def _translation(session: Session, track: str, position: int) -> Translation:
    return session.scalars(select(Translation).join(Track).join(Segment)
                           .where(Track.name == track).order_by(Segment.id)
                           .offset(position).limit(1)).one()


def test_worst_segments_show_the_scored_texts_and_mark_later_edits(
        client: FlaskClient, session: Session) -> None:
    _scored(session)
    edit_translation(session, _translation(session, "mt:bad", 0), author="Anna",
                     text="The cat sat on a mat.")
    edit_translation(session, _translation(session, "ref", 0), author="Anna",
                     text="The cat was sitting on the mat.")
    segment = _translation(session, "ref", 0).segment
    edit_source(session, segment, "Кошка сидела.", author="Anna")
    session.commit()
    page = client.get("/scores/news?system=mt:bad").get_data(as_text=True)
    row = page[page.index(f'data-segment="{segment.id}"'):]
    row = row[:row.index("</tr>")]
    assert "A cat." in row and "The cat sat on the mat." in row  # as scored
    assert "Предложение 0." in row
    assert row.count("changed since scoring") == 3
    assert "now: The cat sat on a mat." in row and "now: The cat was sitting on the mat." in row
    assert "now: Кошка сидела." in row

    run = score_testset(session, get_testset(session, "news"), references=["ref"],
                        metrics=["chrf"]).run
    session.commit()
    worst = worst_segments(session, run, "mt:bad", limit=5)
    assert not any(w.changed for w in worst)  # the new run scored the edited texts
    assert "The cat sat on a mat." in [w.hypothesis for w in worst]
