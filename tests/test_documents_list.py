"""The documents list: paged on the server, the most recently active first, filtered by kind
(an article, or a test set's document), track, progress and text; a test set's documents
listed under it. The same in the web page, the API and ``sverka documents``."""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import pytest
from click.testing import Result
from flask.testing import FlaskClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tests.conftest import import_seed
from tm.documents import (
    ACTIVITY_RESOLUTION_S,
    DocumentFilter,
    DocumentKind,
    Progress,
    list_documents,
    page_documents,
)
from tm.errors import ValidationError
from tm.ingest.importer import create_line_documents
from tm.models import Document, Origin, Status, TestSet, utcnow
from tm.scoring.testsets import TrackLines, import_testset
from tm.translations import add_translation, edit_translation, get_or_create_track

LONG_AGO = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


def _articles(session: Session, count: int) -> list[int]:
    """``count`` one-line articles, the first imported longest ago."""
    documents, _ = create_line_documents(
        session, [(f"Статья {n:03}", 1) for n in range(count)],
        [f"Предложение номер {n}." for n in range(count)], src_lang="ru", tgt_lang="en",
        source_format="text", source_name="-")
    for n, document in enumerate(documents):
        document.active_at = LONG_AGO + dt.timedelta(minutes=n)
    session.flush()
    return [d.id for d in documents]


def _test_set(session: Session, name: str = "wmt-mini") -> list[int]:
    result = import_testset(session, name, source=["Один.", "Два.", "Три."],
                            doc_ids=["a", "a", "b"],
                            tracks=[TrackLines("ref", ["One.", "Two.", "Three."], Origin.SUPPLIED)])
    return [m.document_id for m in result.test_set.members]


def test_a_page_holds_its_size_and_knows_the_total(session: Session) -> None:
    _articles(session, 120)
    first = page_documents(session, number=1, size=50)
    last = page_documents(session, number=3, size=50)
    assert (first.total, first.pages, len(first.documents)) == (120, 3, 50)
    assert len(last.documents) == 20
    assert {d.id for d in first.documents}.isdisjoint(d.id for d in last.documents)
    # A page past the last (a stale link) is the last.
    assert page_documents(session, number=9, size=50).number == 3


@pytest.mark.parametrize("number, size", [(0, 50), (1, 0), (1, 501), (1_000_001, 50)])
def test_page_numbers_and_sizes_are_bounded(session: Session, number: int, size: int) -> None:
    with pytest.raises(ValidationError):
        page_documents(session, number=number, size=size)


def test_the_most_recently_active_document_comes_first(session: Session) -> None:
    ids = _articles(session, 3)
    assert [d.id for d in list_documents(session)] == ids[::-1]
    # A change to the oldest article's translation makes it the most recent.
    track = get_or_create_track(session, "human")
    segment = session.get_one(Document, ids[0]).paragraphs[0].segments[0]
    translation = add_translation(session, segment, track, "Sentence number 0.", lang="en")
    assert [d.id for d in list_documents(session)][0] == ids[0]
    session.execute(update(Document).values(active_at=LONG_AGO))
    session.execute(update(Document).where(Document.id == ids[2])
                    .values(active_at=LONG_AGO + dt.timedelta(days=1)))
    edit_translation(session, translation, author=None, status=Status.TRANSLATED)
    summary = list_documents(session)[0]
    assert summary.id == ids[0] and summary.active_at is not None
    assert utcnow() - summary.active_at < dt.timedelta(seconds=30)


def test_saves_within_a_minute_leave_the_documents_row_alone(session: Session) -> None:
    """Translators saving in one document do not queue on its row with every keystroke."""
    (document_id,) = _articles(session, 1)
    track = get_or_create_track(session, "human")
    segment = session.get_one(Document, document_id).paragraphs[0].segments[0]
    translation = add_translation(session, segment, track, "One.", lang="en")
    marked = session.get_one(Document, document_id)
    session.refresh(marked)
    first = marked.active_at
    recently = first - dt.timedelta(seconds=ACTIVITY_RESOLUTION_S // 2)
    session.execute(update(Document).where(Document.id == document_id)
                    .values(active_at=recently))
    edit_translation(session, translation, author=None, text="One!")
    session.refresh(marked)
    assert marked.active_at == recently


def test_articles_and_test_set_documents_are_told_apart(session: Session) -> None:
    articles = _articles(session, 2)
    members = _test_set(session)
    assert len(members) == 2  # documents a and b
    kinds = {d.id: d.as_dict()["kind"] for d in list_documents(session)}
    assert {kinds[i] for i in articles} == {"article"}
    assert {kinds[i] for i in members} == {"testset"}
    only_articles = list_documents(session, DocumentFilter(kind=DocumentKind.ARTICLE))
    assert sorted(d.id for d in only_articles) == sorted(articles)
    of_test_sets = list_documents(session, DocumentFilter(kind=DocumentKind.TEST_SET))
    assert sorted(d.id for d in of_test_sets) == sorted(members)
    assert of_test_sets[0].test_sets == ("wmt-mini",)


def test_a_test_sets_documents_come_in_its_order(session: Session) -> None:
    members = _test_set(session)
    test_set_id = session.scalar(select(TestSet.id))
    listed = list_documents(session, DocumentFilter(test_set=test_set_id))
    assert [d.id for d in listed] == members


def test_track_and_progress_filters(session: Session) -> None:
    """Progress is how far a track has come: exactly one stage matches each document."""
    draft, translated, approved = _articles(session, 3)
    track = get_or_create_track(session, "agency")
    for document_id, status in ((draft, Status.DRAFT), (translated, Status.TRANSLATED),
                                (approved, Status.APPROVED)):
        segment = session.get_one(Document, document_id).paragraphs[0].segments[0]
        add_translation(session, segment, track, "Text.", lang="en", status=status)
    _articles(session, 1)  # no translation in any track

    def ids(**options: object) -> set[int]:
        return {d.id for d in list_documents(session, DocumentFilter(**options))}  # type: ignore[arg-type]

    assert ids(track="agency") == {draft, translated, approved}
    assert ids(track="agency", progress=Progress.UNTRANSLATED) == {draft}
    assert ids(track="agency", progress=Progress.UNREVIEWED) == {translated}
    assert ids(track="agency", progress=Progress.UNAPPROVED) == set()
    assert ids(track="agency", progress=Progress.APPROVED) == {approved}
    assert ids(track="human") == set()
    # Without a track: documents that some track of theirs has brought that far.
    assert ids(progress=Progress.APPROVED) == {approved}


def test_the_seed_article_is_found_by_its_text(session: Session) -> None:
    document_id = import_seed(session).document.id
    _articles(session, 5)
    assert [d.id for d in list_documents(session, DocumentFilter(query="Европарламент"))] == [
        document_id]
    assert list_documents(session, DocumentFilter(query="ОДКБ")) == []
    in_text = list_documents(session, DocumentFilter(query="предвзят", text=True))
    assert [d.id for d in in_text] == [document_id]


# The web page and the API.

def _committed(session: Session, count: int) -> list[int]:
    ids = _articles(session, count)
    _test_set(session)
    session.commit()
    return ids


def test_the_page_lists_articles_by_page_with_the_test_sets_above(
        session: Session, client: FlaskClient) -> None:
    ids = _committed(session, 60)
    page = client.get("/").get_data(as_text=True)
    assert "Статья 059" in page and "Статья 009" not in page  # newest first, 50 a page
    assert "wmt-mini · a" not in page  # a test set's documents are under it
    assert 'class="test-sets"' in page and ">wmt-mini</a>" in page
    assert 'id="documents-pager"' in page and 'data-pages="2"' in page
    second = client.get("/?page=2").get_data(as_text=True)
    assert "Статья 009" in second and "Статья 059" not in second
    assert 'class="test-sets"' not in second
    assert f'href="/documents/{ids[0]}"' in second


def test_the_page_lists_one_test_sets_documents(session: Session, client: FlaskClient) -> None:
    _committed(session, 3)
    test_set_id = session.scalar(select(TestSet.id))
    page = client.get(f"/?test_set={test_set_id}").get_data(as_text=True)
    assert page.index("wmt-mini · a") < page.index("wmt-mini · b")
    assert "Статья" not in page
    every = client.get("/?kind=all").get_data(as_text=True)
    assert "wmt-mini · a" in every and "Статья 002" in every


@pytest.mark.parametrize("query", ["page=0", "page=x", "page=99999999", "kind=poem",
                                   "progress=half", "test_set=-1", "q=" + "я" * 201,
                                   "track=" + "t" * 101])
def test_bad_parameters_are_a_page_in_the_users_language(client: FlaskClient,
                                                         query: str) -> None:
    response = client.get(f"/?{query}", headers={"Accept-Language": "ru"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Traceback" not in page and "<html" in page
    assert any(word in page.lower() for word in ("страниц", "неизвестн", "тестового", "длиннее"))


def test_an_unknown_test_set_is_a_404(client: FlaskClient) -> None:
    assert client.get("/?test_set=999").status_code == 404


def test_the_api_pages_with_a_total_and_a_next_link(session: Session,
                                                    client: FlaskClient) -> None:
    _committed(session, 7)
    response = client.get("/api/documents?per_page=5")
    assert response.status_code == 200
    assert len(response.get_json()) == 5
    assert response.headers["X-Total-Count"] == "9"  # 7 articles, 2 test-set documents
    assert 'rel="next"' in response.headers["Link"] and "page=2" in response.headers["Link"]
    rest = client.get("/api/documents?per_page=5&page=2")
    assert len(rest.get_json()) == 4 and "Link" not in rest.headers
    articles = client.get("/api/documents?kind=article").get_json()
    assert len(articles) == 7 and {d["kind"] for d in articles} == {"article"}
    assert client.get("/api/documents?per_page=501").status_code == 422


def test_the_cli_filters_as_the_page_does(session: Session,
                                          runner: Callable[..., Result]) -> None:
    _committed(session, 2)
    every = json.loads(runner("documents", "--json").output)
    assert len(every) == 4 and every[0]["active_at"] is not None
    of_set = json.loads(runner("documents", "--test-set", "wmt-mini", "--json").output)
    assert [d["title"] for d in of_set] == ["wmt-mini · a", "wmt-mini · b"]
    assert {d["kind"] for d in of_set} == {"testset"} and of_set[0]["test_sets"] == ["wmt-mini"]
    assert [d["kind"] for d in json.loads(
        runner("documents", "--kind", "article", "--json").output)] == ["article", "article"]
    text = runner("documents", "--kind", "testset").output
    assert "(test set wmt-mini)" in text
    missing = runner("documents", "--test-set", "nope")
    assert missing.exit_code != 0 and "no test set named 'nope'" in missing.output
