"""The document page hands a track to a CAT tool (XLIFF, OmegaT) and takes it back."""
from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

from flask.testing import FlaskClient
from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import import_seed
from tm.formats.xliff.units import XLIFF_12_NS
from tm.models import Role, Segment, Track, Translation


def _seed(session: Session) -> int:
    document = import_seed(session).document
    session.commit()
    return document.id


def _texts(session: Session, document_id: int, track: str) -> list[str]:
    return list(session.scalars(select(Translation.text).join(Track).join(Segment).where(
        Segment.document_id == document_id, Track.name == track).order_by(Segment.position)))


def _upload(client: FlaskClient, document_id: int, data: bytes, name: str, track: str,
            api: bool = False):  # type: ignore[no-untyped-def]
    prefix = "/api" if api else ""
    return client.post(f"{prefix}/documents/{document_id}/handoff",
                       data={"track": track, "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_the_document_page_offers_xliff_and_an_omegat_project(client: FlaskClient,
                                                              session: Session) -> None:
    document_id = _seed(session)
    page = client.get(f"/documents/{document_id}").get_data(as_text=True)
    assert f"/documents/{document_id}/export.xlf?track=human" in page
    assert f"/documents/{document_id}/omegat.zip?track=human" in page
    assert f'action="/documents/{document_id}/handoff"' in page


def test_xliff_downloads_and_comes_back_into_a_new_track(client: FlaskClient,
                                                         session: Session) -> None:
    document_id = _seed(session)
    response = client.get(f"/documents/{document_id}/export.xlf?track=human&version=1.2")
    assert response.status_code == 200
    assert response.mimetype == "application/xliff+xml"
    assert "attachment" in response.headers["Content-Disposition"]
    root = etree.fromstring(response.get_data())
    assert len(root.findall(f".//{{{XLIFF_12_NS}}}trans-unit")) == 24
    back = _upload(client, document_id, response.get_data(), "seed.xlf", "reviewed-copy")
    page = back.get_data(as_text=True)
    assert back.status_code == 200 and "reviewed-copy" in page and ">24<" in page
    session.expire_all()
    assert _texts(session, document_id, "reviewed-copy") == _texts(session, document_id,
                                                                   "human")


def test_an_omegat_project_downloads_and_comes_back_through_the_api(
        client: FlaskClient, session: Session) -> None:
    document_id = _seed(session)
    response = client.get(f"/api/documents/{document_id}/omegat.zip?track=human")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
        assert f"sverka-{document_id}-human/omegat.project" in archive.namelist()
    back = _upload(client, document_id, response.get_data(), "project.zip", "copy", api=True)
    assert back.status_code == 200, back.get_data(as_text=True)
    assert (back.get_json()["kind"], back.get_json()["imported"]) == ("omegat", 24)


def test_a_file_of_another_document_is_refused_in_the_user_s_language(
        client: FlaskClient, session: Session) -> None:
    document_id = _seed(session)
    xliff = client.get(f"/documents/{document_id}/export.xlf?track=human").get_data()
    xliff = xliff.replace(b"<source>", b"<source>\xd0\x98 ", 1)  # "И " before one source
    client.post("/settings", data={"locale": "ru"})
    refused = _upload(client, document_id, xliff, "seed.xlf", "copy")
    assert refused.status_code == 400
    assert "ничего не импортировано" in refused.get_data(as_text=True)
    session.expire_all()
    assert _texts(session, document_id, "copy") == []


def test_bad_parameters_and_a_missing_file_are_clear_errors(client: FlaskClient,
                                                            session: Session) -> None:
    document_id = _seed(session)
    for query in ("version=3.0&track=human", "flavour=trados&track=human", "track=",
                  "track=" + "t" * 101):
        assert client.get(f"/documents/{document_id}/export.xlf?{query}").status_code == 422
    assert client.get("/documents/9999/export.xlf?track=human").status_code == 404
    empty = client.post(f"/documents/{document_id}/handoff", data={"track": "x"})
    assert empty.status_code == 400


def test_a_viewer_downloads_but_cannot_take_back(client_as: Callable[[Role], FlaskClient],
                                                 session: Session) -> None:
    document_id = _seed(session)
    viewer = client_as(Role.VIEWER)
    data = viewer.get(f"/documents/{document_id}/export.xlf?track=human").get_data()
    assert data.startswith(b"<?xml")
    assert _upload(viewer, document_id, data, "seed.xlf", "copy").status_code == 403
