"""Memories in the browser: upload a TMX with its report, download memories and documents."""
from __future__ import annotations

import datetime as dt
import html
import io
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update
from sqlalchemy.orm import Session
from werkzeug.http import parse_options_header
from werkzeug.test import TestResponse

from tests.conftest import import_seed
from tests.tmx_samples import tmx, tu
from tm.formats.tmx import read_tmx
from tm.jobs import KEEP_PARAMS
from tm.models import Job, Role, utcnow
from tm.queue import remove_old_results, result_folder

# Long enough for the slowest CI machine to import a small file.
JOB_TIMEOUT_S = 60.0
SAMPLE = tmx(tu("Один.", "One.") + tu("Два.", "Two.") + tu("Три.", "")).encode("utf-8")


def _upload(client: FlaskClient, data: bytes, path: str = "/memories/import",
            memory: str = "desk"):  # type: ignore[no-untyped-def]
    return client.post(path, data={"memory": memory, "file": (io.BytesIO(data), "desk.tmx")},
                       content_type="multipart/form-data")


def _job_ended(client: FlaskClient, job: str) -> dict[str, Any]:
    """Poll job ``job`` until it has ended; return its last state."""
    deadline = time.monotonic() + JOB_TIMEOUT_S
    while (state := client.get(f"/api/jobs/{job}").get_json())["state"] in ("queued",
                                                                              "running"):
        assert time.monotonic() < deadline, state
        time.sleep(0.02)
    return state


def _import(client: FlaskClient, data: bytes, memory: str = "desk") -> dict[str, Any]:
    """Import ``data`` through the API and wait for its job: return the job's last state."""
    response = _upload(client, data, "/api/memories/import", memory)
    assert response.status_code == 202, response.get_data(as_text=True)
    assert response.headers["Location"] == response.get_json()["location"]
    return _job_ended(client, response.get_json()["job"])


def _import_page(client: FlaskClient, data: bytes, memory: str = "desk") -> TestResponse:
    """Import ``data`` through the form; return the job's page once the job has ended."""
    response = _upload(client, data, memory=memory)
    assert response.status_code == 303 and "/jobs/" in response.headers["Location"]
    _job_ended(client, response.headers["Location"].rsplit("/", 1)[-1])
    return client.get(response.headers["Location"])


def test_upload_shows_the_import_report_when_its_job_is_done(client: FlaskClient) -> None:
    response = _import_page(client, SAMPLE)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "desk.tmx" in page and "Skipped: empty target" in page
    assert ">2<" in page.replace(" ", "")  # imported
    assert "desk" in client.get("/memories").get_data(as_text=True)


def test_the_import_report_and_a_failed_job_speak_the_reader_s_language(
        client: FlaskClient) -> None:
    client.post("/settings", data={"locale": "ru"})
    no_srclang = SAMPLE.replace(b'srclang="ru"', b"")
    page = _import_page(client, no_srclang).get_data(as_text=True)
    assert "Пропущено: пустой перевод" in page, page
    assert "в заголовке нет srclang" in page and "the header has no srclang" not in page
    broken = _import_page(client, SAMPLE.replace(b"</body>", b""), memory="other")
    text = broken.get_data(as_text=True)
    assert "некорректный XML в строке" in text and "not well-formed XML" not in text


def test_api_upload_queues_a_job_whose_result_is_the_report(client: FlaskClient) -> None:
    state = _import(client, SAMPLE)
    report = state["result"]
    assert state["state"] == "done" and state["kind"] == "import-tmx"
    assert {k: report[k] for k in ("read", "imported", "duplicates", "skipped")} == {
        "read": 3, "imported": 2, "duplicates": 0, "skipped": {"empty target": 1}}
    assert [m["units"] for m in client.get("/api/memories").get_json()] == [2]


def test_broken_upload_fails_its_job_says_why_and_imports_nothing(client: FlaskClient) -> None:
    page = _import_page(client, SAMPLE.replace(b"</body>", b"")).get_data(as_text=True)
    assert "not well-formed" in page and "Run it again" in page
    assert client.get("/api/memories").get_json() == []


def test_api_upload_of_a_hostile_file_fails_its_job(client: FlaskClient) -> None:
    bomb = (b'<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY a "aaaa">]><tmx version="1.4">'
            b"<header/><body/></tmx>")
    state = _import(client, bomb)
    assert state["state"] == "failed" and "entities" in state["error"]
    assert state["retryable"] is True


def test_download_memory_round_trips(client: FlaskClient, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _import(client, SAMPLE)
    response = client.get("/memories/desk/export.tmx")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    path = tmp_path / "d.tmx"
    path.write_bytes(response.get_data())
    assert [(u.variants[0].text, u.variants[1].text) for u in read_tmx(path).units()] == [
        ("Один.", "One."), ("Два.", "Two.")]


def test_download_document(client: FlaskClient, session: Session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    doc = import_seed(session).document.id
    session.commit()
    assert "export.tmx" in client.get(f"/documents/{doc}").get_data(as_text=True)
    path = tmp_path / "doc.tmx"
    path.write_bytes(client.get(f"/documents/{doc}/export.tmx?track=human").get_data())
    assert sum(1 for _ in read_tmx(path).units()) > 10


def test_download_of_a_missing_memory_is_404(client: FlaskClient) -> None:
    assert client.get("/memories/nope/export.tmx").status_code == 404


def test_a_memory_named_with_a_slash_quotes_and_cyrillic_downloads_by_its_link(
        client: FlaskClient, tmp_path: Path) -> None:
    name = 'агентство/"ТАСС" 2022'
    assert _import(client, SAMPLE, memory=name)["state"] == "done"
    page = client.get("/memories").get_data(as_text=True)
    link = next(unquote(html.unescape(href)) for href in re.findall(r'href="([^"]+)"', page)
                if "export.tmx" in href)
    response = client.get(link)
    assert response.status_code == 200
    _, options = parse_options_header(response.headers["Content-Disposition"])
    assert options["filename"] == 'агентство_"ТАСС" 2022.tmx'  # the UTF-8 name, decoded
    path = tmp_path / "d.tmx"
    path.write_bytes(response.get_data())
    assert len(list(read_tmx(path).units())) == 2


def test_an_upload_error_names_the_uploaded_file_not_the_server_spool(
        client: FlaskClient, app: Flask) -> None:
    state = _import(client, SAMPLE.replace(b"</body>", b""))
    page = client.get(f"/jobs/{state['id']}").get_data(as_text=True)
    spool = app.config["SPOOL_DIR"]
    for text in (state["error"], page):
        assert "desk.tmx" in text and spool not in text and "upload.tmx" not in text


def test_a_job_done_deletes_its_upload_and_a_failed_one_keeps_it_to_retry(
        client: FlaskClient, app: Flask) -> None:
    spool = Path(app.config["SPOOL_DIR"])
    done = _import(client, SAMPLE)
    failed = _import(client, SAMPLE.replace(b"</body>", b""))
    assert not (spool / done["id"]).exists()
    assert (spool / failed["id"] / "upload.tmx").exists()


def test_an_unknown_import_is_a_404_that_says_where_to_look(client: FlaskClient) -> None:
    response = client.get("/import/jobs/no-such-job")
    text = response.get_data(as_text=True)
    assert response.status_code == 404 and "no import &#39;no-such-job&#39; of yours" in text
    assert "look for the article in the documents" in text  # (interrupted ones: test_jobs.py)


def test_a_document_is_pretranslated_from_the_memories_as_a_job(
        client: FlaskClient, client_as: Any, session: Session) -> None:
    doc = import_seed(session).document.id
    session.commit()
    memory = tmx("".join(tu(s, f"EN {n}") for n, s in enumerate(_seed_sentences(client, doc))))
    assert _import(client, memory.encode("utf-8"), memory="main")["state"] == "done"
    translator = client_as(Role.TRANSLATOR)
    assert "Pre-translate" in translator.get(f"/documents/{doc}").get_data(as_text=True)
    response = translator.post(f"/documents/{doc}/pretranslate", data={"min_score": "95"})
    assert response.status_code == 303
    state = _job_ended(translator, response.headers["Location"].rsplit("/", 1)[-1])
    assert state["state"] == "done" and state["result"]["filled"] > 0, state
    page = translator.get(f"/jobs/{state['id']}").get_data(as_text=True)
    assert "segments filled in track tm" in page and f"/documents/{doc}/edit" in page
    assert client_as(Role.VIEWER).post(f"/documents/{doc}/pretranslate").status_code == 403
    bad = translator.post(f"/api/documents/{doc}/pretranslate", data={"min_score": "500"})
    assert bad.status_code == 422


def _seed_sentences(client: FlaskClient, doc: int) -> list[str]:
    segments = client.get(f"/api/documents/{doc}").get_json()["segments"]
    return [segment["text"] for segment in segments if segment["kind"] == "body"][:5]


def _export_job(client: FlaskClient, memory: str = "desk") -> dict[str, Any]:
    """Export ``memory`` as a job through the API; return the job's last state."""
    response = client.post(f"/api/memories/{memory}/export")
    assert response.status_code == 202, response.get_data(as_text=True)
    assert response.headers["Location"] == response.get_json()["location"]
    return _job_ended(client, response.get_json()["job"])


def test_a_large_memory_is_exported_as_a_job_whose_page_offers_the_file(
        client: FlaskClient, app: Flask, tmp_path: Path) -> None:
    _import(client, SAMPLE)
    app.config["EXPORT_JOB_UNITS"] = 2  # "large" from two units on
    page = client.get("/memories").get_data(as_text=True)
    assert "/memories/desk/export\"" in page and "export.tmx" not in page
    response = client.post("/memories/desk/export")
    assert response.status_code == 303 and "/jobs/" in response.headers["Location"]
    job = response.headers["Location"].rsplit("/", 1)[-1]
    state = _job_ended(client, job)
    assert state["state"] == "done" and state["download"] == f"/jobs/{job}/download"
    assert state["result"]["units"] == 2 and app.config["SPOOL_DIR"] not in str(state)
    page = client.get(f"/jobs/{job}").get_data(as_text=True)
    assert "2 units written." in page and state["download"] in page
    download = client.get(state["download"])
    assert download.status_code == 200
    assert parse_options_header(download.headers["Content-Disposition"])[1]["filename"] == \
        "desk.tmx"
    path = tmp_path / "d.tmx"
    path.write_bytes(download.get_data())
    download.close()
    assert [(u.variants[0].text, u.variants[1].text) for u in read_tmx(path).units()] == [
        ("Один.", "One."), ("Два.", "Two.")]


def test_a_small_memory_downloads_at_once(client: FlaskClient) -> None:
    _import(client, SAMPLE)
    page = client.get("/memories").get_data(as_text=True)
    assert "/memories/desk/export.tmx" in page and "/memories/desk/export\"" not in page


def test_an_export_job_is_its_owners_alone_and_its_file_is_deleted_in_time(
        client: FlaskClient, client_as: Callable[[Role], FlaskClient], app: Flask,
        session: Session) -> None:
    _import(client, SAMPLE)
    viewer = client_as(Role.VIEWER)
    state = _export_job(viewer)
    download = viewer.get(state["download"])
    assert download.status_code == 200
    download.close()  # the file it streams
    assert client.get(state["download"]).status_code == 404  # an admin's, not theirs
    assert client.get(f"/api/jobs/{state['id']}/download").status_code == 404
    # Kept for KEEP_PARAMS after the job: then the start's tidy removes it, and the page
    # says so instead of serving a file.
    session.execute(update(Job).where(Job.id == state["id"]).values(
        finished_at=utcnow() - KEEP_PARAMS - dt.timedelta(hours=1)))
    session.commit()
    folder = result_folder(Path(app.config["SPOOL_DIR"]), state["id"])
    assert remove_old_results(session, Path(app.config["SPOOL_DIR"]), older_than_s=0) == 1
    assert not folder.exists()
    gone = viewer.get(state["download"])
    assert gone.status_code == 404 and "run the export again" in gone.get_data(as_text=True)


def test_exporting_a_missing_memory_is_404_and_starts_no_job(client: FlaskClient) -> None:
    assert client.post("/api/memories/nope/export").status_code == 404
    assert client.get("/api/jobs").get_json() == []


def test_a_job_without_a_file_has_no_download(client: FlaskClient) -> None:
    state = _import(client, SAMPLE)
    assert state["download"] is None
    assert client.get(f"/jobs/{state['id']}/download").status_code == 404
