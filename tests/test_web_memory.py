"""Memories in the browser: upload a TMX with its report, download memories and documents."""
from __future__ import annotations

import html
import io
import re
from pathlib import Path
from urllib.parse import unquote

from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.http import parse_options_header

from tests.conftest import import_seed
from tests.tmx_samples import tmx, tu
from tm.formats.tmx import read_tmx

SAMPLE = tmx(tu("Один.", "One.") + tu("Два.", "Two.") + tu("Три.", "")).encode("utf-8")


def _upload(client: FlaskClient, data: bytes, path: str = "/memories/import",
            memory: str = "desk"):  # type: ignore[no-untyped-def]
    return client.post(path, data={"memory": memory, "file": (io.BytesIO(data), "desk.tmx")},
                       content_type="multipart/form-data")


def test_upload_shows_the_import_report(client: FlaskClient) -> None:
    response = _upload(client, SAMPLE)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "desk.tmx" in page and "Skipped: empty target" in page
    assert ">2<" in page.replace(" ", "")  # imported
    assert "desk" in client.get("/memories").get_data(as_text=True)


def test_api_upload_returns_the_report(client: FlaskClient) -> None:
    report = _upload(client, SAMPLE, "/api/memories/import").get_json()
    assert {k: report[k] for k in ("read", "imported", "duplicates", "skipped")} == {
        "read": 3, "imported": 2, "duplicates": 0, "skipped": {"empty target": 1}}
    assert [m["units"] for m in client.get("/api/memories").get_json()] == [2]


def test_broken_upload_is_an_error_page_and_imports_nothing(client: FlaskClient) -> None:
    response = _upload(client, SAMPLE.replace(b"</body>", b""))
    assert response.status_code == 400 and "not well-formed" in response.get_data(as_text=True)
    assert client.get("/api/memories").get_json() == []


def test_api_upload_of_a_hostile_file_is_a_json_error(client: FlaskClient) -> None:
    bomb = (b'<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY a "aaaa">]><tmx version="1.4">'
            b"<header/><body/></tmx>")
    response = _upload(client, bomb, "/api/memories/import")
    assert response.status_code == 400 and "entities" in response.get_json()["message"]


def test_download_memory_round_trips(client: FlaskClient, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _upload(client, SAMPLE)
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
    assert _upload(client, SAMPLE, memory=name).status_code == 200
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
        client: FlaskClient) -> None:
    for path in ("/memories/import", "/api/memories/import"):
        response = _upload(client, SAMPLE.replace(b"</body>", b""), path)
        text = response.get_data(as_text=True)
        assert response.status_code == 400 and "desk.tmx" in text
        assert "sverka-upload" not in text and "/tmp" not in text


def test_upload_folders_of_dead_servers_are_removed_and_live_ones_kept(tmp_path: Path) -> None:
    import subprocess
    import sys

    from web.memory import SPOOL_PREFIX, remove_stale_spools, spool_prefix

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()  # reaped: its pid names no process now
    left = tmp_path / f"{SPOOL_PREFIX}{dead.pid}-x1"
    mine = tmp_path / f"{spool_prefix()}x2"
    other = tmp_path / "sverka-export-x3"
    for folder in (left, mine, other):
        folder.mkdir()
        (folder / "upload.tmx").write_bytes(b"<tmx/>")
    assert remove_stale_spools(tmp_path) == 1
    assert not left.exists() and mine.exists() and other.exists()


def test_an_unknown_import_is_a_404_that_says_where_to_look(client: FlaskClient) -> None:
    response = client.get("/import/jobs/no-such-job")
    text = response.get_data(as_text=True)
    assert response.status_code == 404 and "no import &#39;no-such-job&#39; of yours" in text
    assert "look for the article in the documents" in text  # (interrupted ones: test_jobs.py)
