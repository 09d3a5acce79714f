"""The sample corpus is well formed and every article loads with its translation."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from tests.conftest import CORPORA
from tm.corpus import load_corpus
from tm.documents import document_rows

ARTICLES = sorted(p for p in CORPORA.iterdir() if (p / "ru.txt").exists())


def test_corpus_has_the_seed_and_more() -> None:
    assert "sputnik-2022-01-21-kz-mfa-europarl" in [p.name for p in ARTICLES]
    assert len(ARTICLES) >= 4
    assert (CORPORA / "README.md").exists()


@pytest.mark.parametrize("folder", ARTICLES, ids=lambda p: p.name)
def test_article_folder_is_well_formed(folder: Path) -> None:
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    assert meta["title"] and meta["date"] and meta["license"]
    ru = [line for line in (folder / "ru.txt").read_text(encoding="utf-8").splitlines() if line]
    for path in folder.glob("en.*.txt"):
        en = [line for line in path.read_text(encoding="utf-8").splitlines() if line]
        assert len(en) == len(ru), path


def test_every_article_loads_with_every_sentence_translated(session: Session) -> None:
    entries = load_corpus(session, CORPORA)
    assert len(entries) == len(ARTICLES)
    for entry in entries:
        rows = document_rows(session, entry.document_id, ["human"])
        untranslated = [r.segment.text for r in rows
                        if r.translations["human"] is None and not r.covered]
        assert untranslated == [], entry.key
