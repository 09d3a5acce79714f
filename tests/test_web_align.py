"""The alignment editor's page and API: load, apply operations, save as translations."""
from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tm.ingest import Article, import_article


def test_page_embeds_the_alignment_safely(client: FlaskClient, session: Session) -> None:
    article = Article(paragraphs=("</script><script>alert(1)</script> &amp; «Тест».",),
                      source_name="x.txt", source_format="text")
    doc = import_article(session, article).document.id
    session.commit()
    page = client.get(f"/documents/{doc}/align?track=human").get_data(as_text=True)
    assert 'id="alignment-data"' in page and "align.js" in page
    assert "<script>alert" not in page and "\\u003c/script\\u003e" in page


def test_apply_merge_then_save(seed_document: int, client: FlaskClient) -> None:
    doc = seed_document
    alignment = client.get(f"/api/documents/{doc}/alignment?track=human").get_json()
    merged = client.post("/api/alignment/apply", json={
        "alignment": alignment, "op": {"op": "merge_next", "link": 5}}).get_json()
    assert len(merged["links"]) == len(alignment["links"]) - 1
    saved = client.put(f"/api/documents/{doc}/alignment?track=human",
                       json={"alignment": merged, "status": "reviewed"}).get_json()
    assert saved["report"]["changed"] == 1 and saved["report"]["removed"] == 1
    assert saved["alignment"]["links"][5]["confirmed"] is True


def test_bad_operation_is_a_422(seed_document: int, client: FlaskClient) -> None:
    doc = seed_document
    alignment = client.get(f"/api/documents/{doc}/alignment?track=human").get_json()
    response = client.post("/api/alignment/apply", json={
        "alignment": alignment, "op": {"op": "merge_next", "link": 999}})
    assert response.status_code == 422


def test_tampered_alignment_is_refused(seed_document: int, client: FlaskClient) -> None:
    doc = seed_document
    alignment = client.get(f"/api/documents/{doc}/alignment?track=human").get_json()
    alignment["links"].pop()
    response = client.put(f"/api/documents/{doc}/alignment?track=human",
                          json={"alignment": alignment, "status": "translated"})
    assert response.status_code == 422


def test_saving_over_someone_elses_change_is_a_conflict(
        seed_document: int, client: FlaskClient) -> None:
    doc = seed_document
    loaded = client.get(f"/api/documents/{doc}/alignment?track=human").get_json()
    unit = client.get(f"/api/documents/{doc}/units?track=human").get_json()["units"][3]
    t = unit["translation"]
    client.put(f"/api/translations/{t['id']}",
               json={"text": "Changed meanwhile.", "expected_version": t["version"]})
    merged = client.post("/api/alignment/apply", json={
        "alignment": loaded, "op": {"op": "merge_next", "link": 5}}).get_json()
    response = client.put(f"/api/documents/{doc}/alignment?track=human", json={
        "alignment": merged, "status": "translated", "version": loaded["version"]})
    assert response.status_code == 409 and "reload" in response.get_json()["message"]
    fresh = client.get(f"/api/documents/{doc}/alignment?track=human").get_json()
    ok = client.put(f"/api/documents/{doc}/alignment?track=human", json={
        "alignment": fresh, "status": "translated", "version": fresh["version"]})
    assert ok.status_code == 200


def test_page_draws_one_page_of_links_starting_where_asked(
        seed_document: int, client: FlaskClient) -> None:
    doc = seed_document
    page = client.get(f"/documents/{doc}/align?track=human&page=3").get_data(as_text=True)
    assert 'data-page-size="100" data-page="3"' in page
    assert 'id="align-pager"' in page and 'id="page-info"' in page
    page = client.get(f"/documents/{doc}/align?track=human&page=-2").get_data(as_text=True)
    assert 'data-page="1"' in page


def test_a_source_edit_shows_in_the_editors_history_with_the_source_diff(
        seed_document: int, client: FlaskClient) -> None:
    doc = seed_document
    alignment = client.get(f"/api/documents/{doc}/alignment?track=human").get_json()
    index = next(i for i, x in enumerate(alignment["links"]) if x["src"] and x["tgt"]
                 and len(alignment["src"][x["src"][0]].split()) > 3)
    sentence = alignment["links"][index]["src"][0]
    old = alignment["src"][sentence]
    new = old.replace(old.split()[1], "исправлено", 1)
    edited = client.post("/api/alignment/apply", json={"alignment": alignment, "op": {
        "op": "edit", "side": "src", "sentence": sentence, "text": new}}).get_json()
    saved = client.put(f"/api/documents/{doc}/alignment?track=human",
                       json={"alignment": edited, "status": "translated"}).get_json()
    assert saved["report"]["sources_edited"] == 1
    units = client.get(f"/api/documents/{doc}/units?track=human").get_json()["units"]
    unit = next(u for u in units if alignment["src_keys"][sentence] in u["segment_ids"])
    assert unit["source"] == new
    revisions = client.get(
        f"/api/translations/{unit['translation']['id']}/history").get_json()
    latest = revisions[0]
    assert (latest["action"], latest["author"], latest["number"]) == ("source-edit", "Anna", 2)
    assert latest["source"]["old_text"] == old and latest["source"]["text"] == new
    assert {"op": "insert", "text": "исправлено"} in latest["source"]["diff"]
    assert {"op": "delete", "text": old.split()[1]} in latest["source"]["diff"]
    assert revisions[1]["source"] is None  # the translation's own first version


def test_an_operation_on_a_window_with_sentence_numbers_only(client: FlaskClient) -> None:
    window = {"src": 3, "tgt": 2, "links": [
        {"src": [0], "tgt": [0], "score": 0.9}, {"src": [1, 2], "tgt": [1], "score": 0.8}]}
    merged = client.post("/api/alignment/apply", json={
        "alignment": window, "op": {"op": "merge_next", "link": 0}}).get_json()
    assert (merged["src"], merged["tgt"]) == (3, 2)
    assert merged["links"] == [{"src": [0, 1, 2], "tgt": [0, 1], "score": None,
                                "confirmed": True}]
    edit = client.post("/api/alignment/apply", json={"alignment": window, "op": {
        "op": "edit", "side": "src", "sentence": 0, "text": "Новое."}})
    assert edit.status_code == 422 and "texts" in edit.get_json()["message"]


def test_a_source_split_shows_its_parts_in_the_other_tracks_history(
        client: FlaskClient, session: Session) -> None:
    from tests.test_source_edits import _two_tracks

    doc = _two_tracks(session).document.id
    session.commit()
    alignment = client.get(f"/api/documents/{doc}/alignment?track=human").get_json()
    sentence = next(i for i, text in enumerate(alignment["src"]) if i > 4 and ", " in text)
    text = alignment["src"][sentence]
    split = client.post("/api/alignment/apply", json={"alignment": alignment, "op": {
        "op": "split", "side": "src", "sentence": sentence,
        "offset": text.index(", ") + 1}}).get_json()
    client.put(f"/api/documents/{doc}/alignment?track=human",
               json={"alignment": split, "status": "translated"})
    units = client.get(f"/api/documents/{doc}/units?track=agency").get_json()["units"]
    unit = next(u for u in units if alignment["src_keys"][sentence] in u["segment_ids"])
    latest = client.get(
        f"/api/translations/{unit['translation']['id']}/history").get_json()[0]
    assert (latest["action"], latest["author"]) == ("split", "Anna")
    assert latest["source"]["old_text"] == text
    assert latest["source"]["parts"] == [text[:text.index(", ") + 1],
                                         text[text.index(", ") + 2:]]
