"""The UI in English and Russian: locale choice, catalogues complete and compiled, formats."""
from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tm.ingest import Article, import_article
from tm.models import AuditAction, Origin, RevisionAction, Role, SegmentKind, Status
from tm.qa import CODES
from web.i18n import CATALOGUES, compile_catalogues
from web.labels import (
    ACTION_LABELS,
    AUDIT_LABELS,
    KIND_LABELS,
    ORIGIN_LABELS,
    ROLE_LABELS,
    STATUS_LABELS,
    WARNING_LABELS,
    action_label,
    audit_label,
    kind_label,
    origin_label,
    role_label,
    status_label,
    warning_label,
)

ROOT = Path(__file__).resolve().parent.parent
RU_PO = CATALOGUES / "ru" / "LC_MESSAGES" / "messages.po"


def _ui_strings() -> set[str]:
    method_map = [("web/**.py", "python"), ("web/templates/**.html", "jinja2")]
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map=method_map):
        found.add(message if isinstance(message, str) else message[0])
    return found


def _translated(message: Any) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return bool(message.id) and all(strings) and not message.fuzzy


def test_every_ui_string_has_a_russian_translation() -> None:
    """Every form of a plural too (Russian has three: 1 сегмент, 2 сегмента, 5 сегментов)."""
    with open(RU_PO, "rb") as handle:
        catalog = read_po(handle, locale="ru")
    assert catalog.num_plurals == 3
    translated = {m.id[0] if isinstance(m.id, tuple) else m.id for m in catalog
                  if _translated(m) and (not isinstance(m.id, tuple) or len(m.string) == 3)}
    missing = sorted(_ui_strings() - translated)
    assert not missing, f"add these to {RU_PO.relative_to(ROOT)}: {missing}"


@pytest.mark.parametrize("language, counts, expected", [
    ("en", (1, 1), "Preview: 1 segment in 1 paragraph"),
    ("en", (11, 1), "Preview: 11 segments in 1 paragraph"),
    ("ru", (1, 1), "Предпросмотр: 1 сегмент в 1 абзаце"),
    ("ru", (3, 2), "Предпросмотр: 3 сегмента в 2 абзацах"),
    ("ru", (11, 5), "Предпросмотр: 11 сегментов в 5 абзацах"),
    ("ru", (21, 1), "Предпросмотр: 21 сегмент в 1 абзаце"),
])
def test_counts_take_the_plural_form_of_their_number(client: FlaskClient, language: str,
                                                     counts: tuple[int, int],
                                                     expected: str) -> None:
    segments, paragraphs = counts
    sentences = iter(f"Горсовет утвердил {n}-й пункт бюджета." for n in range(segments))
    text = "\n".join(" ".join(next(sentences) for _ in range(segments // paragraphs
                                                           + (n < segments % paragraphs)))
                     for n in range(paragraphs))
    client.post("/settings", data={"locale": language})
    page = client.post("/import/preview", data={"source_text": text}).get_data(as_text=True)
    assert f"<h1>{expected}</h1>" in page, re.findall(r"<h1>.*?</h1>", page)


@pytest.mark.parametrize("labels, label, vocabulary", [
    (STATUS_LABELS, status_label, Status), (ACTION_LABELS, action_label, RevisionAction),
    (KIND_LABELS, kind_label, SegmentKind), (ORIGIN_LABELS, origin_label, Origin),
    (WARNING_LABELS, warning_label, CODES), (ROLE_LABELS, role_label, Role),
    (AUDIT_LABELS, audit_label, AuditAction),
])
def test_every_stored_value_has_a_label_in_both_languages(
        app: Flask, labels: dict[str, str], label: Callable[[str], str],
        vocabulary: Iterable[str]) -> None:
    assert list(labels) == list(vocabulary)
    for value in vocabulary:
        with app.test_request_context(headers={"Accept-Language": "en"}):
            english = label(value)
        with app.test_request_context(headers={"Accept-Language": "ru"}):
            russian = label(value)
        assert english and russian and russian != english, value


def test_a_page_translates_each_string_in_the_language_of_its_own_request(app: Flask) -> None:
    # The catalogue is found once a request (web.catalogue), never carried to the next one.
    template = app.jinja_env.from_string("{{ _('Save') }} {{ status_label('draft') }}")
    with app.test_request_context(headers={"Accept-Language": "ru"}):
        assert template.render() == "Сохранить черновик"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert template.render() == "Save draft"


def test_catalogues_are_compiled_when_missing_or_stale(tmp_path: Path) -> None:
    copy = tmp_path / "translations"
    shutil.copytree(CATALOGUES, copy, ignore=shutil.ignore_patterns("*.mo"))
    po = copy / "ru" / "LC_MESSAGES" / "messages.po"
    mo = po.with_suffix(".mo")
    assert compile_catalogues(copy) == copy and mo.exists()
    os.utime(mo, (0, 0))  # older than the .po: compiled again
    compile_catalogues(copy)
    assert mo.stat().st_mtime > 0


def test_read_only_catalogues_are_compiled_elsewhere(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "translations"
    shutil.copytree(CATALOGUES, copy, ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.setattr("web.i18n.os.access", lambda path, mode: False)  # an installed package
    monkeypatch.setattr("web.i18n.tempfile.gettempdir", lambda: str(tmp_path / "cache"))
    target = compile_catalogues(copy)
    assert target != copy and (target / "ru" / "LC_MESSAGES" / "messages.mo").exists()
    assert not (copy / "ru" / "LC_MESSAGES" / "messages.mo").exists()


def test_browser_language_is_the_default(client: FlaskClient) -> None:
    page = client.get("/", headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"})
    assert "Документы" in page.get_data(as_text=True)
    page = client.get("/", headers={"Accept-Language": "de-DE,en;q=0.5"})
    assert "Documents" in page.get_data(as_text=True)


def test_chosen_language_is_remembered(client: FlaskClient) -> None:
    client.post("/settings", data={"locale": "ru"})
    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="ru">' in page and "Сменить язык" in page
    client.post("/settings", data={"locale": "en"})
    assert "Change language" in client.get("/").get_data(as_text=True)


def test_unknown_language_is_refused(client: FlaskClient) -> None:
    assert client.post("/settings", data={"locale": "xx"}).status_code == 422


@pytest.mark.parametrize("locale, expected", [
    ("en", "Jan 21, 2022"), ("ru", "21 янв. 2022\u202fг."),
])
def test_dates_are_formatted_for_the_locale(client: FlaskClient, session: Session,
                                            locale: str, expected: str) -> None:
    article = Article(paragraphs=("Заголовок статьи", "Первое предложение."),
                      source_name="a.txt", source_format="text")
    import_article(session, article, published_on=dt.date(2022, 1, 21))
    session.commit()
    client.post("/settings", data={"locale": locale})
    assert expected in client.get("/").get_data(as_text=True)


def test_error_pages_are_translated(client: FlaskClient) -> None:
    client.post("/settings", data={"locale": "ru"})
    assert "Не найдено" in client.get("/no/such/page").get_data(as_text=True)
