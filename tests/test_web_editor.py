"""The bilingual editor: its page, and the JSON API under it (save, conflict, history, memory)."""
from __future__ import annotations

import json
import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.conftest import SEED
from tm.ingest import Article, TranslationInput, import_article, read_article
from tm.models import RevisionAction, Status
from tm.workspace import editor_units, page_of


def _units(client: FlaskClient, doc: int, **args: str) -> dict:  # type: ignore[type-arg]
    query = "&".join(f"{k}={v}" for k, v in {"track": "human", **args}.items())
    return client.get(f"/api/documents/{doc}/units?{query}").get_json()  # type: ignore[no-any-return]


def test_editor_page_shows_units_with_textareas(seed_document: int, client: FlaskClient) -> None:
    doc = seed_document
    page = client.get(f"/documents/{doc}/edit?track=human").get_data(as_text=True)
    assert "БИШКЕК, 21 янв — Sputnik." in page
    assert ">BISHKEK, January 21 – Sputnik.</textarea>" in page
    assert 'for="t-' in page and "editor.js" in page


def test_editor_page_hands_its_script_every_status_and_action_with_their_names(
        seed_document: int, client: FlaskClient) -> None:
    doc = seed_document
    client.post("/settings", data={"locale": "ru"})
    page = client.get(f"/documents/{doc}/edit?track=human").get_data(as_text=True)
    strings = json.loads(re.search(
        r'<script type="application/json" id="editor-strings">(.*?)</script>', page, re.S)[1])
    assert [s["value"] for s in strings["statuses"]] == [s.value for s in Status]
    assert strings["statuses"][0]["label"] == "черновик"
    assert set(strings["actions"]) == {a.value for a in RevisionAction}
    assert strings["actions"]["source-edit"] == "оригинал изменён"


def test_save_edits_text_and_status_and_bumps_the_version(
        seed_document: int, client: FlaskClient) -> None:
    doc = seed_document
    unit = _units(client, doc)["units"][2]
    t = unit["translation"]
    response = client.put(f"/api/translations/{t['id']}", json={
        "text": "Edited text.", "status": "reviewed", "expected_version": t["version"]})
    saved = response.get_json()["translation"]
    assert response.status_code == 200
    assert (saved["text"], saved["status"], saved["author"]) == ("Edited text.", "reviewed", "Anna")
    assert saved["version"] > t["version"]


def test_a_save_takes_one_connection_and_answers_what_it_committed(
        seed_document: int, client: FlaskClient, app: Flask) -> None:
    from sqlalchemy import event

    t = _units(client, seed_document)["units"][2]["translation"]
    pool = app.extensions["sverka_engine"].pool
    checkouts: list[object] = []

    def count(*_args: object) -> None:
        checkouts.append(1)

    event.listen(pool, "checkout", count)
    try:
        saved = client.put(f"/api/translations/{t['id']}", json={
            "text": "Edited again.", "expected_version": t["version"]}).get_json()["translation"]
    finally:
        event.remove(pool, "checkout", count)
    assert len(checkouts) == 1  # the answer is read before the commit, not on a second one
    stored = _units(client, seed_document)["units"][2]["translation"]
    assert (saved["text"], saved["version"]) == (stored["text"], stored["version"])


def test_saving_needs_a_login_and_records_the_user_not_a_typed_name(
        seed_document: int, client: FlaskClient, anonymous: FlaskClient) -> None:
    doc = seed_document
    t = _units(client, doc)["units"][2]["translation"]
    refused = anonymous.put(f"/api/translations/{t['id']}",
                            json={"text": "x", "expected_version": t["version"]})
    assert refused.status_code == 401 and refused.get_json()["error"] == "Unauthorized"
    client.post("/settings", data={"author": "Mallory"})  # no such setting any more
    saved = client.put(f"/api/translations/{t['id']}",
                       json={"text": "x", "expected_version": t["version"]}).get_json()
    assert saved["translation"]["author"] == "Anna"


def test_stale_save_is_a_conflict_with_both_versions(
        seed_document: int, client: FlaskClient) -> None:
    doc = seed_document
    t = _units(client, doc)["units"][2]["translation"]
    url = f"/api/translations/{t['id']}"
    first = client.put(url, json={"text": "First.", "expected_version": t["version"]})
    assert first.status_code == 200
    response = client.put(url, json={"text": "Second.", "expected_version": t["version"]})
    body = response.get_json()
    assert response.status_code == 409
    assert body["theirs"]["text"] == "First." and body["yours"]["text"] == "Second."
    # Keeping mine: save again on top of their version.
    again = client.put(url, json={"text": "Second.", "expected_version": body["theirs"]["version"]})
    assert again.get_json()["translation"]["text"] == "Second."


def test_history_has_word_diffs_and_restore_brings_a_version_back(
        seed_document: int, client: FlaskClient) -> None:
    doc = seed_document
    t = _units(client, doc)["units"][2]["translation"]
    url = f"/api/translations/{t['id']}"
    original = t["text"]
    version = client.put(url, json={"text": "Changed.", "expected_version": t["version"]}
                         ).get_json()["translation"]["version"]
    revisions = client.get(f"{url}/history").get_json()
    assert [r["number"] for r in revisions] == [2, 1]
    assert {"op": "insert", "text": "Changed"} in revisions[0]["diff"]
    restored = client.post(f"{url}/restore", json={"number": 1, "expected_version": version})
    assert restored.get_json()["translation"]["text"] == original
    assert client.get(f"{url}/history").get_json()[0]["action"] == "restore"


def test_untranslated_segment_gets_a_translation(seed_document: int, client: FlaskClient) -> None:
    doc = seed_document
    unit = _units(client, doc, track="editor")["units"][0]
    assert unit["translation"] is None and unit["warnings"][0]["code"] == "empty"
    response = client.post(f"/api/segments/{unit['segment_id']}/translation",
                           json={"track": "editor", "text": "Headline", "status": "translated"})
    assert response.status_code == 201
    assert response.get_json()["translation"]["status"] == "translated"
    twice = client.post(f"/api/segments/{unit['segment_id']}/translation",
                        json={"track": "editor", "text": "Other"})
    assert twice.status_code == 409 and twice.get_json()["theirs"]["text"] == "Headline"


def test_note_is_saved(seed_document: int, client: FlaskClient) -> None:
    doc = seed_document
    t = _units(client, doc)["units"][2]["translation"]
    response = client.put(f"/api/translations/{t['id']}",
                          json={"note": "check the name", "expected_version": t["version"]})
    assert response.get_json()["translation"]["note"] == "check the name"


def test_filters_by_status_and_warning(seed_document: int, client: FlaskClient) -> None:
    doc = seed_document
    everything = _units(client, doc)
    t = everything["units"][3]["translation"]
    client.put(f"/api/translations/{t['id']}",
               json={"text": "Left  in Москва.", "status": "rejected",
                     "expected_version": t["version"]})
    rejected = _units(client, doc, status="rejected")
    assert [u["translation"]["id"] for u in rejected["units"]] == [t["id"]]
    cyrillic = _units(client, doc, warning="cyrillic")
    assert t["id"] in [u["translation"]["id"] for u in cyrillic["units"]]
    assert _units(client, doc, warning="spaces")["warnings"]["spaces"] >= 1


def test_approved_translation_is_a_context_match_and_in_the_concordance(
        seed_document: int, client: FlaskClient) -> None:
    doc = seed_document
    unit = _units(client, doc)["units"][2]
    t = unit["translation"]
    client.put(f"/api/translations/{t['id']}",
               json={"status": "approved", "expected_version": t["version"]})
    hits = client.get(f"/api/segments/{unit['segment_id']}/suggestions"
                      f"?count={len(unit['segment_ids'])}").get_json()
    assert hits and hits[0]["target"] == t["text"] and hits[0]["score"] == 101  # same neighbours
    word = unit["source"].split()[1]
    found = client.get(f"/api/search/concordance?q={word.upper()}").get_json()
    assert any(h["source"] == unit["source"] for h in found["hits"])


def test_large_documents_are_paged(session: Session) -> None:
    article = Article(paragraphs=tuple(f"Предложение номер {i} о погоде." for i in range(250)),
                      source_name="big.txt", source_format="text")
    doc = import_article(session, article).document.id
    units = editor_units(session, doc, "human")
    first, last = page_of(units, number=1), page_of(units, number=99)
    assert (first.pages, len(first.units), last.number, len(last.units)) == (3, 100, 3, 50)


def test_segment_text_is_escaped_in_the_editor(client: FlaskClient, session: Session) -> None:
    article = Article(paragraphs=("<script>alert(1)</script> &amp; «Тест»",),
                      source_name="x.txt", source_format="text")
    doc = import_article(session, article).document.id
    session.commit()
    page = client.get(f"/documents/{doc}/edit").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp;amp;" in page


def test_a_second_track_is_shown_read_only_beside(
        seed_document: int, client: FlaskClient, session: Session) -> None:
    doc = seed_document
    agency = TranslationInput(article=read_article(SEED / "en.human.txt"), track="agency")
    from tm.documents import get_document
    from tm.ingest import add_aligned_translation
    from tm.ingest.importer import ImportResult

    add_aligned_translation(session, ImportResult(document=get_document(session, doc)), agency)
    session.commit()
    unit = _units(client, doc, compare="agency")["units"][4]
    assert unit["compare"] == unit["translation"]["text"] == "BISHKEK, January 21 – Sputnik."
    page = client.get(f"/documents/{doc}/edit?track=human&compare=agency").get_data(as_text=True)
    assert '<td class="cmp" lang="en">BISHKEK, January 21 – Sputnik.</td>' in page
