"""Load the sample corpus: a folder per article with ru.txt, en.<track>.txt and meta.json."""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tm.errors import InputError
from tm.ingest import TranslationInput, import_article, read_article
from tm.models import Document, Origin, Status

SOURCE_FILE = "ru.txt"
META_FILE = "meta.json"


@dataclass(frozen=True, slots=True)
class CorpusEntry:
    """One article folder of a corpus and what loading it did."""

    key: str
    document_id: int
    loaded: bool  # False when the document was already there


def default_corpus_dir() -> Path:
    """Return the ``corpora/`` folder of the checkout Sverka runs from."""
    return Path(__file__).resolve().parent.parent / "corpora"


def article_dirs(directory: Path) -> Iterator[Path]:
    """Yield the article folders of ``directory`` in name order."""
    if not directory.is_dir():
        raise InputError("corpus-dir-missing", "{directory}: no such corpus directory",
                         directory=str(directory))
    for path in sorted(directory.iterdir()):
        if (path / SOURCE_FILE).is_file():
            yield path


def _read_meta(folder: Path) -> dict[str, Any]:
    path = folder / META_FILE
    if not path.exists():
        return {}
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, UnicodeDecodeError) as error:
        raise InputError("corpus-meta-invalid", "{path}: not valid JSON ({reason})", path=str(path),
                         reason=str(error)) from error


def load_article_dir(session: Session, folder: Path) -> CorpusEntry:
    """Import one article folder unless a document with its key already exists."""
    key = folder.name
    existing = session.scalar(select(Document.id).where(Document.corpus_key == key))
    if existing is not None:
        return CorpusEntry(key=key, document_id=existing, loaded=False)
    meta = _read_meta(folder)
    tracks = meta.get("tracks", {})
    translations = []
    for path in sorted(folder.glob("en.*.txt")):
        track = path.name[len("en."):-len(".txt")]
        info = tracks.get(track, {})
        status = info.get("status")
        translations.append(TranslationInput(
            article=read_article(path), track=track,
            origin=Origin(info.get("origin", "human")), author=info.get("author"),
            status=Status.parse(status) if status else None))
    published = meta.get("date")
    result = import_article(
        session, read_article(folder / SOURCE_FILE), translations=translations,
        title=meta.get("title"), url=meta.get("url"),
        published_on=dt.date.fromisoformat(published) if published else None, corpus_key=key)
    return CorpusEntry(key=key, document_id=result.document.id, loaded=True)


def load_corpus(session: Session, directory: Path | None = None) -> list[CorpusEntry]:
    """Import every article folder of ``directory`` (default: ``corpora/``); idempotent."""
    return [load_article_dir(session, folder)
            for folder in article_dirs(directory or default_corpus_dir())]
