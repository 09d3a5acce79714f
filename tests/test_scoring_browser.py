"""The scores report in a real browser (Debian's Chromium via Playwright): it renders, no CDN.

A document's bar opens that document's page.

In CI (CI=true) a missing Chromium or Playwright fails this test; elsewhere it skips.
``SVERKA_SCREENSHOTS=docs`` writes the README's screenshot of the report.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tests.browser import live_server, log_in_page, screenshot_dir
from tests.test_scoring_web import BAD, GOOD, REFERENCE
from tm.models import Origin, Role
from tm.scoring.store import score_testset
from tm.scoring.testsets import TrackLines, import_testset

TIMEOUT_MS = 15_000


@pytest.fixture
def server(database_url: str, clean_db: Engine) -> Iterator[str]:
    with live_server(database_url) as url:
        yield url


def _seed(engine: Engine) -> None:
    with Session(engine) as session:
        sources = [f"Предложение номер {i}." for i in range(len(REFERENCE) * 4)]
        result = import_testset(
            session, "news-demo", source=sources,
            doc_ids=[f"doc{i // 5}" for i in range(len(sources))],
            tracks=[TrackLines("human", REFERENCE * 4, Origin.HUMAN),
                    TrackLines("mt:online-a", GOOD * 4, Origin.MACHINE),
                    TrackLines("mt:online-b", (GOOD[:3] + BAD[3:]) * 4, Origin.MACHINE),
                    TrackLines("agency", BAD * 4, Origin.SUPPLIED)])
        score_testset(session, result.test_set, references=["human"],
                      metrics=["bleu", "chrf", "ter"], test="bs", baseline="mt:online-a")
        session.commit()


def test_scores_report_renders_in_chromium(server: str, clean_db: Engine, browser: Any,
                                           tmp_path: Path) -> None:
    _seed(clean_db)
    requests: list[str] = []
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    try:
        page.set_default_timeout(TIMEOUT_MS)
        page.on("request", lambda request: requests.append(request.url))
        log_in_page(page, clean_db, "vera", name="Vera", role=Role.VIEWER, base=server)
        page.goto(f"{server}/scores")
        page.get_by_role("link", name="news-demo").click()
        page.wait_for_load_state()
        assert page.locator("table.scores strong").count() == 3
        assert page.locator("svg.chart").count() == 2
        assert page.locator("svg.chart rect").first.bounding_box()["width"] > 0
        page.get_by_role("link", name="agency").first.click()
        page.wait_for_load_state()
        assert "Prices." in page.locator("table.bilingual").inner_text()
        page.locator("svg.chart a").first.click()  # a document's bar: its own page
        page.wait_for_load_state()
        assert page.get_by_role("heading", name="Document doc0").is_visible()
        assert page.locator("table.scores strong").count() == 3
        assert page.locator("svg.chart").count() == 1
        assert "Prices." in page.locator("table.worst").inner_text()
        folder = screenshot_dir(tmp_path)
        page.goto(f"{server}/scores/news-demo")
        page.screenshot(path=str(folder / "screenshot-scores.png"), full_page=True)
    finally:
        page.close()
    assert all(url.startswith(server) for url in requests)  # nothing from a CDN
