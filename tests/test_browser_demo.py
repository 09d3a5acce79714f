"""The demo desk in a real browser: every page it leads to shows content, not an empty state.

``sverka demo`` loads what :func:`tm.demo.load_demo` loads; here it is loaded into the
suite's database and each page is opened as a new user would, in Chromium.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.browser import live_server, log_in_page, screenshot_dir
from tm.demo import ARCHIVE_MEMORY, TEST_SET, load_demo
from tm.models import Document

TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def server(database_url: str) -> Iterator[str]:
    with live_server(database_url) as url:
        yield url


@pytest.fixture
def page(browser: Any, server: str, clean_db: Engine) -> Iterator[Any]:
    context = browser.new_context(base_url=server, locale="en-US",
                                  viewport={"width": 1400, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    log_in_page(page, clean_db)
    yield page
    context.close()


def _documents(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        load_demo(session)
        session.commit()
        return {key: id_ for key, id_ in session.execute(
            select(Document.corpus_key, Document.id).where(Document.corpus_key.is_not(None)))}


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    return screenshot_dir(tmp_path)


def test_every_page_of_the_demo_has_content(page: Any, clean_db: Engine, shots: Path) -> None:
    from playwright.sync_api import expect

    documents = _documents(clean_db)
    hockey = documents["sverka-2022-10-09-hockey-last-second-win"]
    snowfall = documents["sverka-2022-03-14-yekaterinburg-snowfall"]

    page.goto("/")  # articles, some approved; the test set above them
    expect(page.locator("table.documents tbody tr")).to_have_count(6)
    expect(page.locator("rect.bar-approved[width]:not([width='0'])").first).to_be_attached()
    expect(page.locator("table.test-sets")).to_contain_text(TEST_SET)

    page.goto(f"/documents/{snowfall}")  # two translations to compare
    expect(page.locator("thead")).to_contain_text("agency")
    expect(page.locator("thead")).to_contain_text("human")

    page.goto(f"/documents/{hockey}/edit?track=human")  # the archive's matches
    row = page.locator("tr.unit", has_text="исход встречи предрешен").first
    row.locator("textarea").click()
    expect(page.locator("#suggestions .hit-target").first).to_contain_text(
        "The outcome seemed a foregone conclusion")
    page.keyboard.press("Alt+k")
    page.keyboard.type("снегопад")
    page.keyboard.press("Enter")
    expect(page.locator("#concordance-results li").first).to_be_visible()

    page.goto(f"/documents/{hockey}/align?track=human")
    expect(page.locator("#links tr, table tbody tr").first).to_be_visible()

    page.goto("/memories")  # the desk's approved articles and the TMX archive
    expect(page.locator("main")).to_contain_text(ARCHIVE_MEMORY)
    page.get_by_role("link", name="main", exact=True).click()
    expect(page.locator("table.units tbody tr").first).to_be_visible()
    page.goto(f"/memories/{ARCHIVE_MEMORY}?q=снегопад")  # every form of the word
    expect(page.locator("table.units tbody tr")).to_have_count(2)
    page.screenshot(path=str(shots / "screenshot-memory.png"))

    page.goto("/scores")
    page.get_by_role("link", name=TEST_SET).first.click()
    report = page.locator("main")
    expect(report).to_contain_text("mt-literal")
    expect(report).to_contain_text("mt-rough")
    expect(report).to_contain_text("baseline")
    expect(report).not_to_contain_text("Not scored yet")
    page.get_by_role("link", name="How far the final texts").click()
    expect(page.locator("table.post-edit")).to_contain_text("mt-rough → human")
    page.screenshot(path=str(shots / "screenshot-scores-demo.png"), full_page=True)
