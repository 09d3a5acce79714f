"""The workspace in a real browser: Debian's Chromium driven by Playwright, on a live server.

In CI (CI=true) a missing Chromium or Playwright fails these tests; elsewhere they skip.
"""
from __future__ import annotations

import datetime as dt
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.browser import live_server, log_in_page, screenshot_dir
from tests.conftest import SEED, import_seed
from tm.models import Translation

TIMEOUT_MS = 15_000
# Opening one page of a 5,000-segment document, generous for a loaded CI machine.
OPEN_LARGE_S = 5.0


@pytest.fixture(scope="module")
def server(database_url: str) -> Iterator[str]:
    with live_server(database_url) as url:
        yield url


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    return screenshot_dir(tmp_path)


@pytest.fixture
def context(browser: Any, server: str, clean_db: Engine) -> Iterator[Any]:
    context = browser.new_context(base_url=server, locale="en-US", accept_downloads=True,
                                  viewport={"width": 1400, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()  # every page of the context is Anna's, an admin
    log_in_page(page, clean_db)
    page.close()
    yield context
    context.close()


def _seed(engine: Engine) -> int:
    with Session(engine) as session:
        result = import_seed(session, published_on=dt.date(2022, 1, 21))
        session.commit()
        return result.document.id


def _editor(context: Any, doc: int, name: str = "Anna", engine: Engine | None = None) -> Any:
    """Open the editor in a new page of ``context``, logged in as ``name`` (Anna already is)."""
    page = context.new_page()
    if name != "Anna":
        assert engine is not None
        log_in_page(page, engine, name.casefold(), name=name)
    page.goto(f"/documents/{doc}/edit?track=human")
    return page


def _texts(engine: Engine, doc: int) -> dict[int, tuple[str, str]]:
    with Session(engine) as session:
        return {t.id: (t.text, t.status.value) for t in session.scalars(select(Translation))}


def test_edit_and_confirm_three_segments_with_ctrl_enter(context: Any, clean_db: Engine,
                                                         shots: Path) -> None:
    doc = _seed(clean_db)
    page = _editor(context, doc)
    rows = page.locator("tr.unit")
    first = rows.nth(2).locator("textarea")
    first.click()
    for i in range(3):
        area = rows.nth(2 + i).locator("textarea")
        expect_focus(area)
        area.fill(f"Edited sentence number {i + 1}.")
        area.press("Control+Enter")
        expect_status(rows.nth(2 + i), "translated")
    expect_focus(rows.nth(5).locator("textarea"))  # moved on to the next segment
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(shots / "screenshot-editor.png"))
    page.reload()
    for i in range(3):
        area = rows.nth(2 + i).locator("textarea")
        assert area.input_value() == f"Edited sentence number {i + 1}."
        expect_status(rows.nth(2 + i), "translated")
    texts = {text for text, _status in _texts(clean_db, doc).values()}
    assert {f"Edited sentence number {i}." for i in (1, 2, 3)} <= texts


def _line_height(locator: Any) -> float:
    """The height of one line of text in ``locator``'s font, in pixels."""
    return float(locator.evaluate(
        "e => { const s = getComputedStyle(e); return parseFloat(s.lineHeight) "
        "|| 1.2 * parseFloat(s.fontSize); }"))


def test_the_documents_search_form_sits_on_one_line(context: Any, clean_db: Engine) -> None:
    _seed(clean_db)
    page = context.new_page()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/")
    box = page.locator("#doc-search").bounding_box()
    label = page.locator("form.search label.inline", has=page.locator("input[type=checkbox]"))
    checkbox_label = label.bounding_box()
    button = page.locator("form.search button").bounding_box()
    assert box and checkbox_label and button
    assert box["height"] < 3 * _line_height(page.locator("#doc-search"))  # not stretched
    assert checkbox_label["height"] < 1.8 * _line_height(label)  # "also in the text": 1 line
    assert abs((box["y"] + box["height"] / 2) - (button["y"] + button["height"] / 2)) < 4


def test_the_documents_list_pages_and_keeps_test_sets_apart(context: Any, clean_db: Engine,
                                                           shots: Path) -> None:
    from playwright.sync_api import expect

    from tm.ingest.importer import create_line_documents
    from tm.models import Origin
    from tm.scoring.testsets import TrackLines, import_testset

    with Session(clean_db) as session:
        create_line_documents(session, [(f"Статья {n:03}", 1) for n in range(60)],
                              [f"Строка {n}." for n in range(60)], src_lang="ru",
                              tgt_lang="en", source_format="text", source_name="-")
        import_testset(session, "wmt-mini", source=["Один.", "Два."], doc_ids=["a", "b"],
                       tracks=[TrackLines("ref", ["One.", "Two."], Origin.SUPPLIED)])
        session.commit()
    page = context.new_page()
    page.goto("/")
    rows = page.locator("table.documents tbody tr")
    expect(rows).to_have_count(50)
    expect(page.locator("table.test-sets")).to_contain_text("wmt-mini")
    expect(page.locator("table.documents")).not_to_contain_text("wmt-mini · a")
    page.screenshot(path=str(shots / "screenshot-documents-list.png"))
    pager = page.locator("#documents-pager")
    expect(pager).to_be_visible()
    pager.get_by_role("link", name="Next →").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(rows).to_have_count(10)
    expect(page.locator("p.count")).to_have_text("51–60 of 60 documents")
    page.locator("table.test-sets").wait_for(state="detached")
    page.goto("/")
    page.get_by_role("link", name="wmt-mini").first.click()
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("wmt-mini · a")
    page.goto("/")
    page.select_option("#doc-kind", "all")
    page.locator("form.search button").click()
    expect(page.locator("p.count")).to_have_text("1–50 of 62 documents")


def test_confirm_as_is_remembered_across_pages(context: Any, clean_db: Engine) -> None:
    doc = _seed(clean_db)
    page = _editor(context, doc)
    assert page.locator("#confirm-as").input_value() == "translated"  # the first visit's
    page.select_option("#confirm-as", "reviewed")
    page.reload()
    assert page.locator("#confirm-as").input_value() == "reviewed"
    row = page.locator("tr.unit").nth(2)
    row.locator("textarea").click()
    row.locator("textarea").press("Control+Enter")
    expect_status(row, "reviewed")
    page.goto(f"/documents/{doc}/edit?track=human&page=1")
    assert page.locator("#confirm-as").input_value() == "reviewed"


def test_saving_faster_than_the_server_answers_is_never_a_conflict_with_yourself(
        context: Any, clean_db: Engine) -> None:
    from playwright.sync_api import expect

    doc = _seed(clean_db)
    page = _editor(context, doc)
    answered: list[str] = []

    def slow_server(route: Any) -> None:  # each save answers after the next keypress
        time.sleep(0.6)
        route.continue_()
        answered.append(route.request.method)

    page.route("**/api/translations/*", slow_server)
    row = page.locator("tr.unit").nth(2)
    area = row.locator("textarea")
    area.click()
    area.fill("First save.")
    area.press("Control+s")
    area.fill("Second save, sent before the first is answered.")
    area.press("Control+s")
    area.press("Alt+4")  # and approve it, a third save in the queue
    expect_status(row, "approved")
    expect(row.locator(".conflict")).to_be_hidden()
    assert answered == ["PUT", "PUT", "PUT"]
    assert area.input_value() == "Second save, sent before the first is answered."
    texts = {text for text, _status in _texts(clean_db, doc).values()}
    assert "Second save, sent before the first is answered." in texts


def expect_focus(locator: Any) -> None:
    from playwright.sync_api import expect

    expect(locator).to_be_focused()


def expect_status(row: Any, status: str) -> None:
    from playwright.sync_api import expect

    expect(row).to_have_attribute("data-status", status)


def test_restore_an_old_version_from_history(context: Any, clean_db: Engine) -> None:
    from playwright.sync_api import expect

    doc = _seed(clean_db)
    page = _editor(context, doc)
    row = page.locator("tr.unit").nth(2)
    area = row.locator("textarea")
    original = area.input_value()
    area.fill("A worse translation.")
    area.press("Control+s")
    expect(page.locator("#history li.revision")).to_have_count(2)
    newest = page.locator("#history li.revision").first
    expect(newest.locator("ins", has_text="worse")).to_have_count(1)
    page.locator("#history button.restore").first.click()
    expect(area).to_have_value(original)
    expect(page.locator("#history li.revision")).to_have_count(3)
    page.reload()
    expect(page.locator("tr.unit").nth(2).locator("textarea")).to_have_value(original)


def test_qa_details_and_the_note_show_as_text_in_the_row(context: Any, clean_db: Engine) -> None:
    from playwright.sync_api import expect

    doc = _seed(clean_db)
    page = _editor(context, doc)
    row = page.locator("tr.unit").first
    area = row.locator("textarea")
    area.fill("BISHKEK, January 22 – Sputnik.")
    area.press("Control+s")
    expect(row.locator("td.state")).to_contain_text(re.compile(r"numbers differ: \S"))
    page.fill("#panel-note", "Check the date with the desk.")
    page.get_by_role("button", name="Save note").click()
    expect(row.locator(".has-note")).to_be_visible()
    expect(row.locator("td.state")).to_contain_text("Check the date with the desk.")
    page.fill("#panel-note", "")
    page.get_by_role("button", name="Save note").click()
    expect(row.locator(".has-note")).to_be_hidden()
    page.reload()
    expect(page.locator("tr.unit").first.locator("td.state")).to_contain_text(
        re.compile(r"numbers differ: \S"))


def test_conflict_between_two_pages_lets_the_user_choose(context: Any, browser: Any,
                                                         server: str, clean_db: Engine,
                                                         shots: Path) -> None:
    from playwright.sync_api import expect

    doc = _seed(clean_db)
    mine = _editor(context, doc, "Anna")
    other_context = browser.new_context(base_url=server, locale="en-US")
    try:
        theirs = _editor(other_context, doc, "Boris", clean_db)
        theirs.locator("tr.unit").nth(2).locator("textarea").fill("Boris's version.")
        theirs.locator("tr.unit").nth(2).locator("textarea").press("Control+s")
        expect(theirs.locator("tr.unit").nth(2)).to_have_attribute("data-version", "2")
    finally:
        other_context.close()
    row = mine.locator("tr.unit").nth(2)
    row.locator("textarea").fill("Anna's version.")
    row.locator("textarea").press("Control+Enter")
    conflict = row.locator(".conflict")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("Boris's version.")
    expect(conflict).to_contain_text("Boris")
    mine.screenshot(path=str(shots / "screenshot-conflict.png"))
    conflict.get_by_role("button", name="Keep mine").click()
    expect(conflict).to_be_hidden()
    expect(row.locator("textarea")).to_have_value("Anna's version.")
    assert "Anna's version." in {t for t, _s in _texts(clean_db, doc).values()}
    # The other way: take theirs.
    row3 = mine.locator("tr.unit").nth(3)
    with Session(clean_db) as session:
        tid = int(row3.get_attribute("data-translation") or 0)
        translation = session.get(Translation, tid)
        assert translation is not None
        translation.text = "Changed behind your back."
        session.commit()
    row3.locator("textarea").fill("Mine again.")
    row3.locator("textarea").press("Control+s")
    row3.locator(".conflict").get_by_role("button", name="Take theirs").click()
    expect(row3.locator("textarea")).to_have_value("Changed behind your back.")


def test_russian_ui_shows_russian_labels_and_dates(context: Any, clean_db: Engine,
                                                   shots: Path) -> None:
    from playwright.sync_api import expect

    _seed(clean_db)
    page = context.new_page()
    page.goto("/")
    expect(page.get_by_role("heading", name="Documents")).to_be_visible()
    page.select_option("#ui-locale", "ru")
    page.get_by_role("button", name="Change language").click()
    expect(page.get_by_role("heading", name="Документы")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator("td.date").first).to_have_text(re.compile(r"21 янв\. 2022\s*г\."))
    page.screenshot(path=str(shots / "screenshot-documents-ru.png"))
    page.goto("/")  # remembered
    expect(page.get_by_role("link", name="Памяти переводов")).to_be_visible()


def test_download_the_document_as_tmx(context: Any, clean_db: Engine) -> None:
    doc = _seed(clean_db)
    page = context.new_page()
    page.goto(f"/documents/{doc}")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download TMX").first.click()
    download = info.value
    content = Path(download.path()).read_text(encoding="utf-8")
    assert download.suggested_filename.endswith(".tmx")
    assert "<tmx" in content and "BISHKEK, January 21" in content


def test_import_the_seed_article_with_its_translation_then_fix_a_link_by_keyboard(
        context: Any, clean_db: Engine, shots: Path) -> None:
    from playwright.sync_api import expect

    page = context.new_page()
    page.goto("/")
    page.get_by_role("link", name="Import an article").click()
    page.locator("input[name=source_file]").set_input_files(str(SEED / "ru.txt"))
    page.locator("input[name=translation_file]").set_input_files(str(SEED / "en.human.txt"))
    page.get_by_label("Date").fill("2022-01-21")
    page.get_by_role("button", name="Preview the segmentation").click()
    expect(page.locator("ol.preview li", has_text="БИШКЕК, 21 янв — Sputnik.")).to_have_count(1)
    page.screenshot(path=str(shots / "screenshot-import.png"), full_page=False)
    page.get_by_role("button", name="Save the document").click()
    expect(page).to_have_url(re.compile(r"/documents/\d+/align\?track=human"))
    links = page.locator("tr.link")
    expect(links.first).to_be_visible()
    count = links.count()
    assert count > 10
    grid = page.locator("#align-grid")
    grid.focus()
    for _ in range(5):
        page.keyboard.press("ArrowDown")
    expect(links.nth(5).locator("td.src")).to_have_id("cursor-cell")
    page.keyboard.press("m")
    expect(links).to_have_count(count - 1)
    expect(links.nth(5)).to_have_class(re.compile("conf-manual"))
    page.keyboard.press("Control+z")
    expect(links).to_have_count(count)
    page.keyboard.press("Control+y")
    expect(links).to_have_count(count - 1)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(shots / "screenshot-alignment.png"))
    page.keyboard.press("Control+s")
    expect(page.locator("#live")).to_contain_text("1 changed")
    doc = int(re.findall(r"/documents/(\d+)/", page.url)[0])
    with Session(clean_db) as session:
        merged = session.scalars(select(Translation).where(Translation.segment_count == 2)).all()
        assert any(t.author == "Anna" and t.revisions[-1].action == "align" for t in merged)
    page.reload()
    expect(page.locator("tr.link")).to_have_count(count - 1)
    page.goto(f"/documents/{doc}")
    page.screenshot(path=str(shots / "screenshot-document.png"))


def test_split_a_source_sentence_by_keyboard_undo_redo_and_save(context: Any,
                                                                clean_db: Engine) -> None:
    from playwright.sync_api import expect

    from tests.test_source_edits import _two_tracks
    from tm.align.store import load_alignment

    with Session(clean_db) as session:
        doc = _two_tracks(session).document.id
        session.commit()
        alignment = load_alignment(session, doc, "human")
    index, text = next((i, alignment.src[x.src[0]]) for i, x in enumerate(alignment.links)
                       if i > 4 and len(x.src) == 1 and ", " in alignment.src[x.src[0]])
    page = context.new_page()
    page.goto(f"/documents/{doc}/align?track=human")
    links = page.locator("tr.link")
    count = links.count()
    page.locator("#align-grid").focus()
    for _ in range(index):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("s")
    area = links.nth(index).locator("textarea")
    expect(area).to_be_focused()
    expect(area).to_have_accessible_name(re.compile("Split the sentence"))
    area.evaluate("(a, at) => a.setSelectionRange(at, at)", text.index(", ") + 1)
    area.press("Enter")
    sentences = links.nth(index).locator("td.src .sent")
    expect(sentences).to_have_count(2)
    expect(sentences.first).to_have_text(text[:text.index(", ") + 1])
    expect(page.locator("#live")).to_contain_text("every track")
    page.keyboard.press("Control+z")
    expect(links.nth(index).locator("td.src .sent")).to_have_count(1)
    page.keyboard.press("Control+y")
    expect(sentences).to_have_count(2)
    page.keyboard.press("Control+s")
    expect(page.locator("#live")).to_contain_text("Source sentences split: 1.")
    with Session(clean_db) as session:
        assert len(load_alignment(session, doc, "human").src) == len(alignment.src) + 1
    page.goto(f"/documents/{doc}/align?track=agency")  # the other track: one 2-1 link
    expect(links).to_have_count(count)
    expect(links.nth(index).locator("td.src .sent")).to_have_count(2)
    page.goto(f"/documents/{doc}/edit?track=agency")  # its history shows the parts
    page.locator("tr.unit", has_text=text[:text.index(", ")]).locator("textarea").click()
    newest = page.locator("#history li.revision").first
    expect(newest).to_contain_text("source split")
    expect(newest.locator(".source-diff ol.parts li")).to_have_text(
        [text[:text.index(", ") + 1], text[text.index(", ") + 2:]])


def test_a_source_edit_in_the_alignment_shows_in_the_editors_history_with_its_diff(
        context: Any, clean_db: Engine) -> None:
    from playwright.sync_api import expect

    doc = _seed(clean_db)
    page = context.new_page()
    page.goto(f"/documents/{doc}/align?track=human")
    links = page.locator("tr.link")
    index = 6
    old = links.nth(index).locator("td.src .sent").first.inner_text()
    word = old.split()[1]
    new = old.replace(word, "исправлено", 1)
    page.locator("#align-grid").focus()
    for _ in range(index):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    area = links.nth(index).locator("textarea")
    expect(area).to_be_focused()
    area.fill(new)
    area.press("Enter")
    expect(links.nth(index).locator("td.src")).to_contain_text("исправлено")
    page.keyboard.press("Control+s")
    expect(page.locator("#live")).to_contain_text("Saved")
    page.goto(f"/documents/{doc}/edit?track=human")
    row = page.locator("tr.unit", has_text="исправлено")
    row.locator("textarea").click()
    newest = page.locator("#history li.revision").first
    expect(newest).to_contain_text("source edited")
    expect(newest).to_contain_text("Anna")
    diff = newest.locator(".source-diff")
    expect(diff.locator("ins")).to_have_text("исправлено")
    expect(diff.locator("del")).to_have_text(word)
    expect(page.locator("#history button.restore")).to_have_count(1)  # the first version


def test_a_long_import_shows_its_progress_then_opens_the_alignment(
        context: Any, clean_db: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    from playwright.sync_api import expect

    from tm import queue

    # The job waits at its first stage until the page has shown it, so the check does not
    # depend on how fast this machine imports.
    shown = threading.Event()
    report = queue._Reporter.__call__

    def report_then_wait(reporter: queue._Reporter, stage: str, done: int, total: int) -> None:
        report(reporter, stage, done, total)
        shown.wait(timeout=60)

    monkeypatch.setattr(queue._Reporter, "__call__", report_then_wait)

    ru = "\n".join(" ".join(f"Предложение {p * 5 + s + 1} о погоде." for s in range(5))
                   for p in range(300))
    en = "\n".join(" ".join(f"Sentence {p * 5 + s + 1} is about the weather." for s in range(5))
                   for p in range(300))
    page = context.new_page()
    page.goto("/import")
    page.get_by_label("or paste the text (one paragraph per line)").first.fill(ru)
    page.get_by_label("or paste the text (one paragraph per line)").last.fill(en)
    page.get_by_label("Title").fill("Погода")
    page.get_by_role("button", name="Preview the segmentation").click()
    page.get_by_role("button", name="Save the document").click()
    expect(page).to_have_url(re.compile(r"/import/jobs/[\w-]+$"))
    expect(page.get_by_role("heading", name="Importing “Погода”")).to_be_visible()
    expect(page.get_by_role("progressbar", name="Import progress")).to_be_visible()
    expect(page.locator("#import-status")).to_contain_text(re.compile(r"Step 1 of 3"))
    shown.set()
    expect(page).to_have_url(re.compile(r"/documents/\d+/align\?track=human"),
                             timeout=60_000)
    expect(page.locator("#page-info")).to_contain_text("of 1,500")


def test_a_5000_segment_document_opens_fast_and_pages(context: Any, clean_db: Engine) -> None:
    from playwright.sync_api import expect

    from tm.ingest import Article, create_document

    paragraphs = tuple(" ".join(f"Предложение {p * 5 + s + 1} о погоде." for s in range(5))
                       for p in range(1000))
    with Session(clean_db) as session:
        doc = create_document(session, Article(paragraphs=paragraphs, source_name="big",
                                               source_format="text")).document.id
        session.commit()
    page = _editor(context, doc)
    started = time.perf_counter()
    page.goto(f"/documents/{doc}/edit?track=human&page=25")
    expect(page.locator("tr.unit")).to_have_count(100)
    assert time.perf_counter() - started < OPEN_LARGE_S
    expect(page.locator("#page-info")).to_contain_text("page 25 of 50")
    last = page.locator("tr.unit").last.locator("textarea")
    last.fill("Sentence 2500 is about the weather.")
    last.press("Control+Enter")
    expect(page.locator("tr.unit").last).to_have_attribute("data-status", "translated")
    page.get_by_role("link", name="Next →").click()
    expect(page.locator("tr.unit").first.locator("td.src")).to_contain_text("Предложение 2501")


def _big_aligned_document(engine: Engine, size: int = 5000) -> int:
    """A document of ``size`` sentences, each translated 1-1 in track human."""
    from tm.ingest import Article, create_document
    from tm.models import Origin, Status
    from tm.translations import get_or_create_track

    paragraphs = tuple(" ".join(f"Предложение {p * 5 + s + 1} о погоде." for s in range(5))
                       for p in range(size // 5))
    with Session(engine) as session:
        document = create_document(session, Article(paragraphs=paragraphs, source_name="big",
                                                    source_format="text")).document
        track = get_or_create_track(session, "human")
        session.add_all(Translation(segment=segment, track=track, lang="en",
                                    text=f"Sentence {segment.position + 1} is about the weather.",
                                    status=Status.TRANSLATED, origin=Origin.HUMAN,
                                    align_score=0.95) for segment in document.segments)
        session.commit()
        return document.id


def test_a_5000_link_alignment_opens_a_page_at_a_time_and_merges_across_pages(
        context: Any, clean_db: Engine) -> None:
    from playwright.sync_api import expect

    doc = _big_aligned_document(clean_db)
    page = context.new_page()
    started = time.perf_counter()
    page.goto(f"/documents/{doc}/align?track=human")
    links = page.locator("tr.link")
    expect(links).to_have_count(100)
    assert time.perf_counter() - started < OPEN_LARGE_S
    info = page.locator("#page-info")
    expect(info).to_have_text("Links 1–100 of 5,000, page 1 of 50")
    page.locator("#align-grid").focus()
    page.keyboard.press("PageDown")
    expect(info).to_contain_text("page 2 of 50")
    expect(links.first.locator("td.src")).to_have_id("cursor-cell")
    expect(links.first).to_have_attribute("aria-rowindex", "102")  # link 101; row 1 is the header
    expect(page).to_have_url(re.compile(r"page=2"))
    page.keyboard.press("ArrowUp")  # back to the last link of page 1 …
    expect(info).to_contain_text("page 1 of 50")
    expect(links.last.locator("td.src")).to_have_id("cursor-cell")
    with page.expect_request("**/api/alignment/apply") as request:
        page.keyboard.press("m")  # … and merge it with the first link of page 2
    assert len(request.value.post_data_buffer or b"") < 1_000  # two links and a neighbour
    expect(links.last.locator("td.src .sent")).to_have_count(2)
    expect(links.last.locator("td.src")).to_contain_text("Предложение 101 о погоде.")
    expect(links).to_have_count(100)
    expect(info).to_have_text("Links 1–100 of 4,999, page 1 of 50")
    page.keyboard.press("ArrowDown")
    expect(links.first.locator("td.src")).to_have_text("Предложение 102 о погоде.")
    page.keyboard.press("Control+z")
    expect(links.first.locator("td.src")).to_have_text("Предложение 101 о погоде.")
    page.keyboard.press("Control+y")
    page.get_by_role("button", name="Page 50").click()
    expect(info).to_have_text("Links 4,901–4,999 of 4,999, page 50 of 50")
    expect(links).to_have_count(99)
    expect(page.locator("#align-grid")).to_be_focused()
    page.keyboard.press("Control+s")
    expect(page.locator("#live")).to_contain_text("1 changed, 1 removed")
    with Session(clean_db) as session:
        merged = session.scalars(select(Translation).where(Translation.segment_count == 2)).all()
        assert [t.text for t in merged] == [
            "Sentence 100 is about the weather. Sentence 101 is about the weather."]


def test_every_operation_sent_as_a_window_gives_what_it_gives_on_the_whole_alignment(
        context: Any, clean_db: Engine) -> None:
    """The browser splices each operation's window back (align.js); saving sends the result.

    The same keys applied by tm.align.editing to the whole alignment must give the same.
    """
    import json

    from playwright.sync_api import expect

    from tm.align.editing import apply
    from tm.align.store import load_alignment

    doc = _big_aligned_document(clean_db, size=300)
    with Session(clean_db) as session:
        expected = load_alignment(session, doc, "human")
    page = context.new_page()
    page.goto(f"/documents/{doc}/align?track=human")
    sent: list[int] = []
    page.on("request", lambda r: sent.append(len(r.post_data_buffer or b""))
            if r.url.endswith("/api/alignment/apply") else None)
    links, live = page.locator("tr.link"), page.locator("#live")
    grid = page.locator("#align-grid")
    grid.focus()
    page.keyboard.press("PageDown")
    page.keyboard.press("ArrowUp")  # link 99, the last of page 1: windows cross the page
    at = 99

    def step(keys: str, operation: dict[str, Any]) -> None:
        nonlocal expected
        before = len(sent)
        with page.expect_response(lambda r: r.url.endswith("/api/alignment/apply")) as answer:
            for key in keys.split():
                page.keyboard.press(key)
        assert answer.value.ok, operation
        expected = apply(expected, operation)
        expect(grid).to_be_focused()
        page.wait_for_timeout(50)  # the answer spliced in and drawn before the next key
        assert len(sent) == before + 1, operation

    step("m", {"op": "merge_next", "link": at})
    step("l", {"op": "split_link", "link": at, "src_count": 1, "tgt_count": 1})
    step("Alt+ArrowDown", {"op": "shift_down", "link": at, "side": "src"})
    at += 1
    step("ArrowDown x", {"op": "unalign", "link": at})
    at += 1
    step("ArrowDown Shift+M", {"op": "merge_previous", "link": at})
    at -= 1
    step("ArrowUp c", {"op": "confirm", "link": at, "value": True})
    step("Alt+ArrowUp", {"op": "shift_up", "link": at, "side": "src"})
    at += 2
    step("ArrowDown ArrowDown ArrowRight Alt+ArrowUp",
         {"op": "shift_up", "link": at, "side": "tgt"})
    at += 1
    sentence = expected.links[at].src[0]
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowLeft")  # back to the source side
    page.keyboard.press("Enter")
    area = links.nth(at - 100).locator("textarea")
    area.fill("Предложение, исправленное вручную.")
    step("Enter", {"op": "edit", "side": "src", "sentence": sentence,
                   "text": "Предложение, исправленное вручную."})
    page.keyboard.press("s")
    area.evaluate("(a) => a.setSelectionRange(13, 13)")
    step("Enter", {"op": "split", "side": "src", "sentence": sentence, "offset": 13})
    expect(live).to_contain_text("every track")
    grid.focus()
    before = len(sent)
    page.locator("#threshold").fill("0.5")
    page.locator("#confirm-above").click()
    expected = apply(expected, {"op": "confirm_above", "threshold": 0.5})
    expect(links.first.locator(".tick")).to_have_count(1)
    assert len(sent) == before + 1
    assert max(sent[:-1]) < 2_000  # a window, not the alignment (≈40 kB here, 1.5 MB at 5,000)
    grid.focus()
    with page.expect_request(lambda r: r.method == "PUT") as saving:
        page.keyboard.press("Control+s")
    assert json.loads(saving.value.post_data or "")["alignment"] == expected.as_dict()
    expect(live).to_contain_text("Source sentences split: 1.")


UNLABELLED_JS = """() => Array.from(document.querySelectorAll(
    'input:not([type=hidden]), select, textarea, button')).filter((el) => {
  if (el.closest('[hidden]')) return false;
  const named = (el.labels && el.labels.length) || el.getAttribute('aria-label')
    || el.getAttribute('aria-labelledby') || (el.tagName === 'BUTTON' && el.textContent.trim());
  return !named;
}).map((el) => el.outerHTML.slice(0, 120))"""


def test_every_control_has_a_label_and_focus_is_visible(context: Any, clean_db: Engine) -> None:
    doc = _seed(clean_db)
    page = _editor(context, doc)
    for path in ("/", "/import", "/memories", f"/documents/{doc}",
                 f"/documents/{doc}/edit?track=human", f"/documents/{doc}/align?track=human"):
        page.goto(path)
        assert page.evaluate(UNLABELLED_JS) == [], path
    page.goto("/")
    page.keyboard.press("Tab")  # the skip link comes first and shows itself when focused
    focused = page.evaluate("() => [document.activeElement.className, "
                            "getComputedStyle(document.activeElement).outlineStyle]")
    assert focused == ["skip", "solid"]


def test_approved_segment_is_suggested_in_another_document(context: Any,
                                                           clean_db: Engine) -> None:
    from playwright.sync_api import expect

    first, second = _seed(clean_db), _seed(clean_db)
    page = _editor(context, first)
    row = page.locator("tr.unit").nth(5)
    row.locator("textarea").fill("The resolution is biased, the ministry said.")
    row.locator("textarea").press("Alt+4")  # approved: the translation flows into the memory
    expect(row).to_have_attribute("data-status", "approved")
    page.goto(f"/documents/{second}/edit?track=new")
    target = page.locator("tr.unit").nth(5).locator("textarea")
    target.click()
    expect(page.locator("#suggestions .hit-target")).to_have_text(
        "The resolution is biased, the ministry said.")
    target.press("Alt+m")
    expect(target).to_have_value("The resolution is biased, the ministry said.")
    target.press("Control+Enter")
    expect(page.locator("tr.unit").nth(5)).to_have_attribute("data-status", "translated")
    page.keyboard.press("Alt+k")
    expect(page.locator("#concordance-q")).to_be_focused()
    page.keyboard.type("BIASED")
    page.keyboard.press("Enter")
    expect(page.locator("#concordance-results li")).to_have_count(1)


def test_fuzzy_suggestion_shows_its_percentage_and_marked_words(context: Any,
                                                               clean_db: Engine) -> None:
    from playwright.sync_api import expect

    from tests.test_search_fuzzy import add_units
    from tests.test_web_suggestions import CALLED

    doc = _seed(clean_db)
    with Session(clean_db) as session, session.begin():
        add_units(session, "news", [(CALLED.replace("ранее", "вновь"), "<b>Again</b> called."),
                                    ("Начато расследование гибели журналиста.",
                                     "An investigation was opened.")])
    page = _editor(context, doc)
    target = page.locator("tr.unit").nth(2).locator("textarea")
    target.click()
    match = page.locator("#suggestions li.match")
    expect(match.locator(".score")).to_have_text(re.compile(r"^(7\d|8\d|9\d)%$"))
    expect(match.locator("del")).to_have_text("вновь")
    expect(match.locator("ins")).to_have_text("ранее")
    expect(match.locator(".hit-target")).to_have_text("<b>Again</b> called.")  # escaped
    expect(match.locator(".provenance")).to_contain_text("news")
    target.press("Alt+m")
    expect(target).to_have_value("<b>Again</b> called.")
    page.fill("#concordance-q", "расследования")
    page.press("#concordance-q", "Enter")
    expect(page.locator("#concordance-results mark")).to_have_text(["расследование"] * 2)


def test_upload_a_tmx_into_a_memory_and_see_the_report(context: Any, clean_db: Engine,
                                                       tmp_path: Path) -> None:
    from playwright.sync_api import expect

    from tests.tmx_samples import tmx, tu

    path = tmp_path / "desk.tmx"
    path.write_text(tmx(tu("Один.", "One.") + tu("Два.", "Two.")), encoding="utf-8")
    page = context.new_page()
    page.goto("/memories")
    page.get_by_label("TMX file").set_input_files(str(path))
    page.get_by_label("Memory").fill("desk")
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("heading", name="Imported desk.tmx into desk")).to_be_visible()
    expect(page.locator("table.report tr", has_text="Imported")).to_contain_text("2")
    pairs = page.locator("td.languages .nowrap")
    assert pairs.count() == 2
    for n in range(2):  # each "raw → tag" on one line, however narrow the cell
        line = pairs.nth(n).bounding_box()
        assert line is not None and line["height"] < 1.8 * _line_height(pairs.nth(n))
    page.goto("/memories")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download TMX").click()
    assert "One." in Path(info.value.path()).read_text(encoding="utf-8")
    page.get_by_role("link", name="Jobs").click()
    expect(page.get_by_role("link", name="desk.tmx → desk")).to_be_visible()


def test_a_failed_tmx_import_says_why_and_runs_again_with_one_click(
        context: Any, clean_db: Engine, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    from tests.tmx_samples import tmx, tu

    path = tmp_path / "broken.tmx"
    path.write_text(tmx(tu("Один.", "One.")).replace("</body>", ""), encoding="utf-8")
    page = context.new_page()
    page.goto("/memories")
    page.get_by_label("TMX file").set_input_files(str(path))
    page.get_by_label("Memory").fill("desk")
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator("#job-status")).to_contain_text("not well-formed")
    page.get_by_role("button", name="Run it again").click()
    expect(page).to_have_url(re.compile(r"/jobs/\w+$"))
    expect(page.locator("#job-status")).to_contain_text("not well-formed")  # the same file
    page.get_by_role("link", name="All my jobs").click()
    expect(page.get_by_role("link", name="broken.tmx → desk")).to_be_visible()
