"""Import an article in the browser: upload or paste, preview the segmentation, then save.

The preview carries the article as plain paragraphs (and its title, address and date) in the
form, so saving imports exactly what was previewed, even from an HTML page.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response

from tm.errors import InputError, SverkaError, ValidationError
from tm.ingest import Article, TranslationInput, import_article, read_article_bytes
from tm.ingest.readers import MAX_ARTICLE_BYTES
from tm.ingest.structure import analyse, split_units
from tm.models import Origin
from web.db import get_session
from web.settings import current_author

bp = Blueprint("importing", __name__)
ORIGINS = (Origin.HUMAN, Origin.SUPPLIED, Origin.MACHINE)
FIELDS = ("title", "url", "date", "track", "origin", "source_text", "translation_text")


def _read(kind: str) -> Article | None:
    """Read the uploaded file or the pasted text of ``kind`` (source, translation)."""
    upload: FileStorage | None = request.files.get(f"{kind}_file")
    if upload is not None and upload.filename:
        return read_article_bytes(upload.read(MAX_ARTICLE_BYTES + 1), upload.filename)
    text = request.form.get(f"{kind}_text", "")
    if text.strip():
        return read_article_bytes(text.encode("utf-8"), f"pasted {kind}")
    return None


def _date(value: str) -> dt.date | None:
    if not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as error:
        raise ValidationError(f"the date {value!r} is not YYYY-MM-DD") from error


def _values(source: Article | None = None, translation: Article | None = None
            ) -> dict[str, str]:
    values = {name: request.form.get(name, "") for name in FIELDS}
    values["track"] = values["track"].strip() or "human"
    values["origin"] = values["origin"] or Origin.HUMAN.value
    if source is not None:
        values["source_text"] = "\n".join(source.paragraphs)
        values["title"] = values["title"] or (source.title or "")
        values["url"] = values["url"] or (source.url or "")
        if not values["date"] and source.published_on:
            values["date"] = source.published_on.isoformat()
    if translation is not None:
        values["translation_text"] = "\n".join(translation.paragraphs)
    return values


def _form(values: dict[str, str] | None = None, error: str | None = None,
          status: int = 200) -> tuple[str, int]:
    return render_template("importing/form.html", values=values or _values(),
                           origins=[o.value for o in ORIGINS], error=error), status


@bp.get("/import")
def form() -> tuple[str, int]:
    """Show the import form."""
    return _form()


@bp.post("/import/preview")
def preview() -> tuple[str, int]:
    """Show how the article (and its translation) will be split, before anything is saved."""
    try:
        source, translation = _read("source"), _read("translation")
        if source is None:
            raise InputError("upload or paste the Russian article")
        values = _values(source, translation)
        _date(values["date"])
    except SverkaError as error:
        return _form(_values(), str(error), 400)
    pieces = analyse(list(source.paragraphs), "ru")
    english = ([[s.text for s in split_units(p, "en")] for p in translation.paragraphs]
               if translation else [])
    return render_template(
        "importing/preview.html", values=values, paragraphs=pieces,
        segments=sum(len(p) for p in pieces), english=english,
        sentences=sum(len(p) for p in english), origins=[o.value for o in ORIGINS]), 200


@bp.post("/import")
def save() -> Response | tuple[str, int]:
    """Import the previewed article and its translation (all or nothing)."""
    session = get_session()
    values: dict[str, Any] = _values()
    try:
        source = _read("source")
        if source is None:
            raise InputError("upload or paste the Russian article")
        translation = _read("translation")
        translations = [TranslationInput(
            article=translation, track=values["track"], origin=Origin(values["origin"]),
            author=current_author())] if translation else []
        result = import_article(session, source, translations=translations,
                                title=values["title"].strip() or None,
                                url=values["url"].strip() or None,
                                published_on=_date(values["date"]))
        session.commit()
    except SverkaError as error:
        session.rollback()
        return _form(_values(), str(error), 400)
    document_id = result.document.id
    if translations and "align.edit" in _endpoints():
        return redirect(url_for("align.edit", document_id=document_id, track=values["track"]),
                        code=303)
    return redirect(url_for("documents.show", document_id=document_id), code=303)


def _endpoints() -> set[str]:
    from flask import current_app

    return set(current_app.view_functions)
