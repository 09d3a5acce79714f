"""URLs for the pages' scripts: ``url_for`` with holes a script fills (``web.urls``)."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.conftest import import_seed
from web.urls import url_template


@pytest.mark.parametrize("endpoint, holes, values, expected", [
    ("editor.api_update", ("translation_id",), {}, "/api/translations/{translation_id}"),
    ("editor.api_history", ("translation_id",), {},
     "/api/translations/{translation_id}/history"),
    ("editor.api_create", ("segment_id",), {}, "/api/segments/{segment_id}/translation"),
    ("editor.edit", ("page",), {"document_id": 3, "track": "human"},
     "/documents/3/edit?track=human&page={page}"),
    ("align.api_apply", (), {}, "/api/alignment/apply"),
])
def test_url_template_leaves_a_named_hole_for_each_argument(
        app: Flask, endpoint: str, holes: tuple[str, ...], values: dict[str, Any],
        expected: str) -> None:
    with app.test_request_context():
        assert url_template(endpoint, *holes, **values) == expected


def test_url_template_refuses_a_hole_it_cannot_place(app: Flask) -> None:
    with app.test_request_context(), pytest.raises(ValueError, match="page"):
        url_template("editor.edit", "page", document_id=7_000_000_000_000)


def test_the_editors_pages_give_their_scripts_the_api_urls(client: FlaskClient,
                                                            session: Session) -> None:
    doc = import_seed(session).document.id
    session.commit()
    editor = client.get(f"/documents/{doc}/edit?track=human").get_data(as_text=True)
    assert 'data-update-url="/api/translations/{translation_id}"' in editor
    assert 'data-suggestions-url="/api/segments/{segment_id}/suggestions"' in editor
    align = client.get(f"/documents/{doc}/align?track=human").get_data(as_text=True)
    assert f'data-save-url="/api/documents/{doc}/alignment?track=human"' in align
