"""Importing articles: structure kept, translations aligned, bad input refused without a trace."""
from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import SEED, import_seed
from tm.documents import document_rows
from tm.errors import InputError
from tm.ingest import import_article, read_article, read_article_bytes
from tm.ingest.readers import is_html
from tm.ingest.script import script_mismatch
from tm.models import Document, SegmentKind, Status, Translation, TranslationRevision

Run = Callable[..., Result]


def _seed(session: Session):  # type: ignore[no-untyped-def]
    return import_seed(session)


def test_seed_import_keeps_paragraphs_and_kinds(session: Session) -> None:
    result = _seed(session)
    document = result.document
    assert result.paragraphs == len(read_article(SEED / "ru.txt").paragraphs)
    assert document.title.startswith("Резолюция Европарламента по Казахстану")
    kinds = [s.kind for s in document.segments]
    assert kinds.count(SegmentKind.HEADLINE) == 1
    assert kinds.count(SegmentKind.DATELINE) == 1
    assert kinds.count(SegmentKind.BOILERPLATE) >= 5
    positions = [s.position for s in document.segments]
    assert positions == list(range(len(positions)))
    for segment in document.segments:
        assert segment.paragraph.text[segment.start:segment.end] == segment.text


def test_seed_import_links_every_russian_sentence(session: Session) -> None:
    result = _seed(session)
    rows = document_rows(session, result.document.id, ["human"])
    for row in rows:
        assert row.translations["human"] is not None or row.covered, row.segment.text
    english = " ".join(t.text for r in rows if (t := r.translations["human"]))
    source_en = " ".join(read_article(SEED / "en.human.txt").paragraphs)
    assert english.split() == source_en.split()  # every English word stored once, in order
    dateline = next(r for r in rows if r.segment.kind is SegmentKind.DATELINE)
    assert dateline.translations["human"].text == "BISHKEK, January 21 – Sputnik."
    for row in rows:
        if (t := row.translations["human"]) is not None:
            assert t.status is Status.TRANSLATED and 0 <= t.align_score <= 1


def test_html_import_drops_navigation_and_scripts(session: Session) -> None:
    html = """<!doctype html><html><head><meta charset="windows-1251"><title>Заголовок
    новости</title><script>var tracking = 1;</script></head><body>
    <nav><a href="/">Главная</a><a href="/news">Новости</a></nav>
    <article><h1>Заголовок новости</h1>
    <p>МОСКВА, 3 фев — РИА Новости. Горсовет утвердил бюджет на 2022 год. Расходы на школы
    вырастут на 3,7%, сообщил мэр города на заседании в четверг.</p>
    <p>Бюджет принят большинством голосов, против проголосовали трое депутатов, которые
    считают, что средств на ремонт дорог выделено слишком мало.</p></article>
    <footer>© 2022 Все права защищены</footer></body></html>"""
    article = read_article_bytes(html.encode("cp1251"), "news.html")
    result = import_article(session, article)
    texts = [s.text for s in result.document.segments]
    assert texts[0] == "Заголовок новости"
    assert "МОСКВА, 3 фев — РИА Новости." in texts
    assert not any("tracking" in t or "Главная" in t for t in texts)
    assert result.document.segments[0].kind is SegmentKind.HEADLINE


@pytest.mark.parametrize("text, lang, mismatch", [
    ("Компания Apple и Microsoft представили в Москве новые версии iOS и Windows.", "ru", None),
    ("The council approved the budget for 2022 on Thursday.", "ru", ("Latin", 0.0)),
    ("Горсовет утвердил бюджет на 2022 год в четверг вечером.", "en", ("Cyrillic", 0.0)),
    ("OK, 2022.", "ru", None),  # too few letters to tell
    ("Der Stadtrat hat den Haushalt für 2022 am Donnerstag beschlossen.", "de", None),
    ("Горсовет утвердил бюджет на 2022 год в четверг вечером.", "zh", None),  # not checked
])
def test_a_text_in_another_script_than_its_languages_is_noticed(
        text: str, lang: str, mismatch: tuple[str, float] | None) -> None:
    found = script_mismatch([text], lang)
    assert (None if found is None else (found.found, found.share)) == mismatch


def test_swapped_files_are_imported_with_a_warning_or_refused_with_strict(
        runner: Run, session: Session) -> None:
    swapped = ["import", str(SEED / "en.human.txt"), "--translation", str(SEED / "ru.txt")]
    refused = runner(*swapped, "--strict")
    assert refused.exit_code == 2
    assert refused.output.startswith("Error: refused: the article (") \
        and "look swapped: the article is written in Latin, the translation in Cyrillic" \
        in refused.output
    assert session.scalar(select(func.count(Document.id))) == 0
    report = json.loads(runner(*swapped, "--json").output)
    assert len(report["warnings"]) == 1 and "look swapped" in report["warnings"][0]
    alone = json.loads(runner("import", str(SEED / "en.human.txt"), "--json").output)
    assert alone["warnings"] == [f"the article ({SEED / 'en.human.txt'}) does not look like "
                                 "ru: 0% of its letters are Cyrillic, most are Latin; is it "
                                 "the right file?"]
    right = json.loads(runner("import", str(SEED / "ru.txt"), "--translation",
                              str(SEED / "en.human.txt"), "--strict", "--json").output)
    assert right["warnings"] == []


LONG = ("Глава Центробанка заявила на пресс-конференции в Москве, что регулятор готов и дальше "
        "повышать ключевую ставку, если инфляция не замедлится к концу года")


@pytest.mark.parametrize("text, title", [
    # a headline run into the body on one line, as in WMT's files: its first sentence
    ("Путин провел совещание с правительством. Обсуждались меры поддержки экономики, "
     "бюджет и планы на следующий год." * 3, "Путин провел совещание с правительством."),
    # a first sentence too long for a title: cut at a word, marked
    (LONG + ". Второе предложение.", LONG[:LONG.rfind(" ", 0, 120)] + "…"),
])
def test_the_default_title_is_a_sentence_not_a_paragraph(session: Session, text: str,
                                                         title: str) -> None:
    document = import_article(session, read_article_bytes(text.encode(), "wmt.txt")).document
    assert document.title == title and len(document.title) <= 120


@pytest.mark.parametrize("name, title", [("rubric-page.txt", "rubric-page"),
                                         ("-", "Подписывайтесь на Sputnik в Дзен")])
def test_without_a_sentence_the_title_is_the_file_name(session: Session, name: str,
                                                       title: str) -> None:
    """Only boilerplate: the file's name, or for a paste the text itself."""
    article = read_article_bytes("Подписывайтесь на Sputnik в Дзен".encode(), name)
    assert import_article(session, article).document.title == title


@pytest.mark.parametrize("data, name, html", [
    ("Горсовет утвердил бюджет.\nРасходы вырастут.", "article.html", False),  # text, misnamed
    ("<p>Горсовет утвердил бюджет.</p>", "article.html", True),  # a fragment, named so
    ("<!DOCTYPE html><html><body><p>Горсовет.</p></body></html>", "article.txt", True),
    ("Цена < 5 рублей, а x<y.", "article.htm", False),  # a "<" that opens no tag
    ("Текст <!-- заметка --> дальше", "a.html", True),
])
def test_the_content_tells_html_from_text_before_the_name(data: str, name: str,
                                                          html: bool) -> None:
    assert is_html(data.encode(), name) is html


def test_plain_text_named_html_is_imported_as_text() -> None:
    article = read_article_bytes("Горсовет утвердил бюджет.\nРасходы вырастут.".encode(),
                                 "misnamed.html")
    assert article.source_format == "text"
    assert article.paragraphs == ("Горсовет утвердил бюджет.", "Расходы вырастут.")


def test_the_import_report_says_counts_in_their_number(runner: Run, tmp_path: Path) -> None:
    path = tmp_path / "one.txt"
    path.write_text("Горсовет утвердил бюджет на 2022 год.\n", encoding="utf-8")
    assert "1 paragraph, 1 segment (1 body)." in runner("import", str(path)).output
    path.write_text("Горсовет утвердил бюджет. Он вырос на 5%.\n", encoding="utf-8")
    assert "1 paragraph, 2 segments (2 body)." in runner("import", str(path)).output


def test_import_command_reports_json(runner: Run) -> None:
    result = runner("import", str(SEED / "ru.txt"), "--translation", str(SEED / "en.human.txt"),
                    "--track", "agency", "--origin", "supplied", "--date", "2022-01-21", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["segments"] > 15 and report["translations"] > 15
    assert report["track"] == "agency" and report["kinds"]["dateline"] == 1
    shown = json.loads(runner("show", str(report["id"]), "--json").output)
    assert shown["segments"][4]["translations"]["agency"]["origin"] == "supplied"


def test_import_from_standard_input(runner: Run) -> None:
    text = "Заголовок\n\nПервое предложение. Второе предложение.\n"
    result = runner("import", "-", "--title", "Из буфера", "--json", input=text.encode())
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["segments"] == 3


def _count(session: Session) -> tuple[int, int, int]:
    return (session.scalar(select(func.count()).select_from(Document)) or 0,
            session.scalar(select(func.count()).select_from(Translation)) or 0,
            session.scalar(select(func.count()).select_from(TranslationRevision)) or 0)


@pytest.mark.parametrize("name, content, message", [
    ("empty.txt", b"", "empty"),
    ("blank.txt", b"\n \n\t\n", "empty"),
    ("binary.txt", b"\x00\x01\x02\x03PK\x03\x04" * 50, "binary"),
    ("koi8.txt", "Привет, как дела? Всё хорошо.".encode("koi8-r"), "encoding"),
    ("missing.txt", None, "no such file"),
])
def test_bad_article_gives_one_line_and_changes_nothing(runner: Run, session: Session,
                                                        tmp_path: Path, name: str,
                                                        content: bytes | None,
                                                        message: str) -> None:
    runner("import", str(SEED / "ru.txt"))
    before = _count(session)
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = runner("import", str(path))
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and name in lines[0] and message in lines[0]
    assert "Traceback" not in result.output
    assert _count(session) == before


def test_too_short_translation_is_refused_and_nothing_is_written(runner: Run, session: Session,
                                                                 tmp_path: Path) -> None:
    short = tmp_path / "short.en.txt"
    short.write_text("Kazakhstan says the resolution is biased.\n", encoding="utf-8")
    result = runner("import", str(SEED / "ru.txt"), "--translation", str(short))
    assert result.exit_code == 2
    assert "much shorter than the source" in result.output
    assert _count(session) == (0, 0, 0)


def test_read_article_refuses_a_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="directory"):
        read_article(tmp_path)


def test_import_reports_its_progress_stage_by_stage(session: Session) -> None:
    seen: list[tuple[str, int, int]] = []
    result = import_seed(session, progress=lambda *state: seen.append(state))
    stages = [stage for stage, _done, _total in seen]
    assert list(dict.fromkeys(stages)) == ["segment", "align", "translate"]
    paragraphs = [(done, total) for stage, done, total in seen if stage == "segment"]
    assert paragraphs == [(i, result.paragraphs) for i in range(result.paragraphs + 1)]
    assert seen[-1] == ("translate", result.translations, result.translations)
