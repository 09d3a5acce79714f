"""A desk of several people in a real browser: each logs in, each may do what their role may.

Debian's Chromium through Playwright on a live server, CSRF on, as in production.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.browser import live_server, log_in_page
from tests.test_browser import TIMEOUT_MS, _seed
from tm.models import Role, Translation


@pytest.fixture(scope="module")
def server(database_url: str) -> Iterator[str]:
    with live_server(database_url) as url:
        yield url


@pytest.fixture
def person(browser: Any, server: str, clean_db: Engine) -> Iterator[Any]:
    """Open a browser of its own for each person (their own cookies), logged in as them."""
    contexts: list[Any] = []

    def open_as(login: str, role: Role) -> Any:
        context = browser.new_context(base_url=server, locale="en-US",
                                      viewport={"width": 1400, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        log_in_page(page, clean_db, login, name=login.title(), role=role)
        return page

    yield open_as
    for context in contexts:
        context.close()


def _translation(engine: Engine, translation_id: int) -> Translation:
    with Session(engine) as session:
        found = session.get(Translation, translation_id)
        assert found is not None
        return found


def test_a_translator_translates_a_reviewer_approves_and_each_is_the_author(
        person: Any, clean_db: Engine) -> None:
    from playwright.sync_api import expect

    doc = _seed(clean_db)
    tanya = person("tanya", Role.TRANSLATOR)
    tanya.goto(f"/documents/{doc}/edit?track=human")
    options = tanya.locator("#confirm-as option").all_inner_texts()
    assert options == ["translated"]  # a translator cannot approve, so is not offered it
    row = tanya.locator("tr.unit").nth(2)
    tid = int(row.get_attribute("data-translation") or 0)
    version = int(row.get_attribute("data-version") or 0)
    row.locator("textarea").fill("Tanya's translation.")
    row.locator("textarea").press("Control+Enter")
    expect(row).to_have_attribute("data-version", str(version + 1))  # saved
    expect(row.locator(".status")).to_have_text("translated")
    assert _translation(clean_db, tid).author == "Tanya"

    roman = person("roman", Role.REVIEWER)
    roman.goto(f"/documents/{doc}/edit?track=human")
    roman.select_option("#confirm-as", "approved")
    row = roman.locator(f'tr.unit[data-translation="{tid}"]')
    row.locator("textarea").click()
    row.locator("textarea").press("Control+Enter")
    expect(row).to_have_attribute("data-version", str(version + 2))
    expect(row.locator(".status")).to_have_text("approved")
    approved = _translation(clean_db, tid)
    assert (approved.status.value, approved.author, approved.text) == (
        "approved", "Roman", "Tanya's translation.")
    with Session(clean_db) as session:
        assert session.scalar(select(Translation.author_id).where(Translation.id == tid))


def test_a_translator_who_tries_to_import_sees_a_403_page_and_no_import_link(
        person: Any, clean_db: Engine) -> None:
    from playwright.sync_api import expect

    tanya = person("tanya", Role.TRANSLATOR)
    expect(tanya.get_by_role("link", name="Import", exact=True)).to_have_count(0)
    response = tanya.goto("/import")
    assert response is not None and response.status == 403
    expect(tanya.get_by_role("heading", name="403 · Forbidden")).to_be_visible()
    expect(tanya.locator("main")).to_contain_text("translator")


def test_a_viewer_reads_the_editor_but_cannot_type_into_it(person: Any,
                                                           clean_db: Engine) -> None:
    doc = _seed(clean_db)
    vera = person("vera", Role.VIEWER)
    vera.goto(f"/documents/{doc}/edit?track=human")
    area = vera.locator("tr.unit").nth(2).locator("textarea")
    assert area.get_attribute("readonly") is not None


def test_a_wrong_password_is_said_on_the_login_page_and_logging_out_ends_the_session(
        person: Any, browser: Any, server: str, clean_db: Engine) -> None:
    from playwright.sync_api import expect

    anna = person("anna", Role.ADMIN)
    anna.get_by_role("button", name="Log out").click()
    expect(anna.get_by_role("heading", name="Log in to Sverka")).to_be_visible()
    anna.goto("/memories")
    assert "/login?next=/memories" in anna.url
    anna.fill("#login", "anna")
    anna.fill("#password", "not the password")
    anna.get_by_role("button", name="Log in").click()
    expect(anna.get_by_role("alert")).to_have_text("Wrong login or password.")
