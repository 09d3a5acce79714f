"""The memory browser (/memories/<name>): units by page with their provenance, a search in
every word form, a unit fixed by a reviewer, deleted (alone or a search's result) by a
manager; nobody else may."""
from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tests.test_search_fuzzy import add_units
from tm.models import MemoryUnit, Role

PAIRS = [("Снегопад парализовал Екатеринбург.", "Snow paralyzed Yekaterinburg."),
         ("Снегопады в Перми продолжатся.", "Snowfalls in Perm will continue."),
         ("Хоккеисты выиграли матч.", "The hockey players won the match.")]


@pytest.fixture
def unit_ids(clean_db: Engine) -> list[int]:
    with Session(clean_db) as session, session.begin():
        return [u.id for u in add_units(session, "main", PAIRS)]


def _count(engine: Engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(MemoryUnit)) or 0


def test_the_browser_lists_and_searches_a_memorys_units(unit_ids: list[int],
                                                        client: FlaskClient) -> None:
    page = client.get("/memories/main").get_data(as_text=True)
    assert all(source in page for source, _ in PAIRS) and "TMX import" in page
    assert 'href="/memories/main"' in client.get("/memories").get_data(as_text=True)
    found = client.get("/memories/main?q=снегопады").get_data(as_text=True)
    assert "Снегопад парализовал" in found and "Хоккеисты" not in found  # every form
    assert "Delete the 2 units found" in found
    unit = client.get(f"/memories/main/units/{unit_ids[0]}").get_data(as_text=True)
    assert "Snow paralyzed Yekaterinburg." in unit and "TMX import" in unit
    # The memory's TMX download is still its own route.
    assert client.get("/memories/main/export.tmx").mimetype == "application/x-tmx+xml"


def test_a_reviewer_fixes_a_unit_and_a_viewer_may_not(
        unit_ids: list[int], client_as: Callable[[Role], FlaskClient],
        clean_db: Engine) -> None:
    viewer, reviewer = client_as(Role.VIEWER), client_as(Role.REVIEWER)
    url = f"/memories/main/units/{unit_ids[2]}"
    assert "<textarea" not in viewer.get(url).get_data(as_text=True)
    assert viewer.post(url, data={"source": "x", "target": "y"}).status_code == 403
    saved = reviewer.post(url, data={"source": PAIRS[2][0], "target": "The team won."})
    assert saved.status_code == 303 and saved.headers["Location"].endswith(url)
    assert "The team won." in reviewer.get(url).get_data(as_text=True)
    assert reviewer.post(url, data={"source": "", "target": "y"}).status_code == 422
    assert reviewer.post(f"{url}/delete").status_code == 403  # deleting is a manager's
    assert _count(clean_db) == 3


def test_a_manager_deletes_a_unit_or_a_searchs_whole_result(
        unit_ids: list[int], client_as: Callable[[Role], FlaskClient],
        clean_db: Engine) -> None:
    manager = client_as(Role.MANAGER)
    assert manager.post(f"/memories/main/units/{unit_ids[2]}/delete").status_code == 303
    assert _count(clean_db) == 2
    assert manager.post("/memories/main/delete", data={"q": "снегопад"}).status_code == 303
    assert _count(clean_db) == 0
    assert manager.post("/memories/main/delete", data={"q": ""}).status_code == 422


@pytest.mark.parametrize("query", ["page=0", "page=x", "origin=moon", "document=-3",
                                   "since=yesterday", "q=" + "я" * 201])
def test_bad_parameters_are_a_page_in_the_users_language(unit_ids: list[int],
                                                         client: FlaskClient,
                                                         query: str) -> None:
    response = client.get(f"/memories/main?{query}", headers={"Accept-Language": "ru"})
    assert response.status_code == 422
    assert "Traceback" not in response.get_data(as_text=True)


def test_a_unit_of_another_memory_or_none_is_a_404(unit_ids: list[int],
                                                   client: FlaskClient) -> None:
    assert client.get("/memories/nope").status_code == 404
    assert client.get(f"/memories/archive/units/{unit_ids[0]}").status_code == 404
    assert client.get("/memories/main/units/999999").status_code == 404
