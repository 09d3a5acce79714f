"""Import an article in the browser: upload or paste, preview the segmentation, then save.

The preview carries the article as plain paragraphs (and its title, address and date) in the
form, so saving imports exactly what was previewed, even from an HTML page. Saving runs as
a background job (:mod:`web.jobs`) in one transaction: the progress page polls
``GET /api/imports/<job>`` (stage, done of total) and opens the document when it is in;
a failed import saves nothing and shows the form again with the error.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask import (
    Blueprint,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response

from tm.errors import InputError, NotFoundError, SverkaError, ValidationError
from tm.ingest import Article, read_article_bytes
from tm.ingest.readers import MAX_ARTICLE_BYTES
from tm.ingest.script import CYRILLIC, LATIN, script_mismatch
from tm.ingest.structure import analyse
from tm.lang import SOURCE_LANG, TARGET_LANG
from tm.models import JobState, Origin, Role
from tm.segment import split_units
from tm.work import IMPORT_ARTICLE, import_article_params
from web import jobs
from web.access import require_actor, requires
from web.api import json_error
from web.audit import client_address
from web.i18n import worded

bp = Blueprint("importing", __name__)
ORIGINS = (Origin.HUMAN, Origin.SUPPLIED, Origin.MACHINE)
FIELDS = ("title", "url", "date", "track", "origin", "source_text", "translation_text")
# The title shown while importing: the start of the first line is enough to recognise it.
TITLE_SHOWN = 120
# How an import that stored nothing ended, as the API names it.
ENDED_BADLY = {JobState.FAILED.value: "ImportFailed",
               JobState.INTERRUPTED.value: "ImportInterrupted",
               JobState.CANCELLED.value: "ImportCancelled"}


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
        raise ValidationError("date-invalid", "not a date: {value!r} (use YYYY-MM-DD)",
                              value=value) from error


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
@requires(Role.MANAGER)
def form() -> tuple[str, int]:
    """Show the import form."""
    return _form()


@bp.post("/import/preview")
@requires(Role.MANAGER)
def preview() -> tuple[str, int]:
    """Show how the article (and its translation) will be split, before anything is saved."""
    try:
        source, translation = _read("source"), _read("translation")
        if source is None:
            raise InputError("article-missing", "upload or paste the Russian article")
        values = _values(source, translation)
        _date(values["date"])
    except SverkaError as error:
        return _form(_values(), worded(error.message), 400)
    pieces = analyse(list(source.paragraphs), SOURCE_LANG)
    english = ([[s.text for s in split_units(p, TARGET_LANG)] for p in translation.paragraphs]
               if translation else [])
    return render_template(
        "importing/preview.html", values=values, paragraphs=pieces,
        mismatches=_mismatches(source, translation),
        segments=sum(len(p) for p in pieces), english=english,
        sentences=sum(len(p) for p in english), origins=[o.value for o in ORIGINS]), 200


def _mismatches(source: Article, translation: Article | None) -> list[str]:
    """Say, in the user's language, which text is not in its language's script."""
    scripts = {CYRILLIC: _("Cyrillic"), LATIN: _("Latin")}
    found = [(_("The Russian article"), script_mismatch(source.paragraphs, SOURCE_LANG))]
    if translation is not None:
        found.append((_("The English translation"),
                      script_mismatch(translation.paragraphs, TARGET_LANG)))
    return [_("%(text)s: only %(share)s of its letters are %(expected)s, most are %(found)s. "
              "Is it the right text?", text=text,
              expected=scripts[m.expected], found=scripts[m.found],
              share=format_percent(m.share)) for text, m in found if m is not None]


@bp.post("/import")
@requires(Role.MANAGER)
def save() -> Response | tuple[str, int]:
    """Start importing the previewed article and its translation; show the progress page."""
    values: dict[str, Any] = _values()
    try:
        source = _read("source")
        if source is None:
            raise InputError("article-missing", "upload or paste the Russian article")
        translation = _read("translation")
        published_on = _date(values["date"])
        values = _values(source, translation)  # shown again, with the error, if it fails
    except SverkaError as error:
        return _form(_values(), worded(error.message), 400)
    author = require_actor().user
    title = values["title"].strip() or source.title or source.paragraphs[0]
    # What the progress page shows, and the form again (with the texts) if it fails.
    shown = {"values": values, "shown_title": title[:TITLE_SHOWN],
             "steps": 1 + 2 * bool(translation)}
    params = import_article_params(
        source, translation, track=values["track"], origin=Origin(values["origin"]),
        title=values["title"].strip() or None, url=values["url"].strip() or None,
        published_on=published_on, address=client_address(), shown=shown)
    job = jobs.submit(IMPORT_ARTICLE, title=title, params=params, owner=author)
    return redirect(url_for("importing.progress", job_id=job.id), code=303)


def _job(job_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return the state of import ``job_id`` of this user, and what it was given (form values).

    From its row and the queue's store, whichever process runs it (an import whose process
    died is interrupted, and stored nothing).
    """
    try:
        job = jobs.find(job_id)
    except NotFoundError:
        raise NotFoundError("import-missing-look", "no import {id!r} of yours: look for the "
                            "article in the documents, and import it again if it is not there",
                            id=job_id[:40]) from None
    if job.kind != IMPORT_ARTICLE:
        raise NotFoundError("import-missing", "no import {id!r} of yours", id=job_id[:40])
    state = jobs.describe(job)
    if job.state == JobState.INTERRUPTED:
        state["error"] = _("This import was interrupted (the server stopped while it ran), "
                           "so nothing of it was stored. Your text is below: check it and "
                           "import it again.")
    elif job.state == JobState.CANCELLED:
        state["error"] = _("This import was cancelled, so nothing of it was stored. Your "
                           "text is below.")
    params = job.params or {}  # dropped once done: the result says where it went
    track = (job.result or {}).get("track")
    return state, {"values": params.get("values"),
                   "steps": params.get("steps", 3 if track else 1),
                   "title": params.get("shown_title", job.title), "track": track}


def _status(state: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    """Return the job's progress as the page and the API show it."""
    steps = context["steps"]
    stage = state["stage_label"]
    if state["state"] == JobState.RUNNING and state["step"]:
        message = _("Step %(step)s of %(steps)s: %(stage)s — %(done)s of %(total)s",
                    step=state["step"], steps=steps, stage=stage,
                    done=format_decimal(state["done"]), total=format_decimal(state["total"]))
    elif state["state"] == JobState.DONE:
        message = _("Imported; opening the document…")
    else:
        message = stage
    status = {**state, "steps": steps, "message": message}
    if state["state"] == JobState.DONE:
        status["location"] = _location(context["track"], state["result"]["document_id"])
    if state["state"] in ENDED_BADLY:
        status["error"] = state["error"] or _("Something went wrong on our side; nothing "
                                              "was saved.")
    return status


def _location(track: str | None, document_id: int) -> str:
    if track:
        return url_for("align.edit", document_id=document_id, track=track)
    return url_for("documents.show", document_id=document_id)


@bp.get("/import/jobs/<job_id>")
@requires(Role.MANAGER)
def progress(job_id: str) -> Response | tuple[str, int]:
    """Show how far an import has come; open the document when done, the form if it failed."""
    state, context = _job(job_id)
    status = _status(state, context)
    if status["state"] == JobState.DONE:
        return redirect(status["location"], code=303)
    if status["state"] in ENDED_BADLY:
        return _form(context.get("values") or _values(), status["error"], 400)
    return render_template("importing/progress.html", job=status,
                           title=context["title"]), 200


@bp.get("/api/imports/<job_id>")
@requires(Role.MANAGER)
def api_job(job_id: str) -> ResponseReturnValue:
    """Return an import's progress; a failed import is a 400 with its message."""
    status = _status(*_job(job_id))
    if status["state"] in ENDED_BADLY:
        return json_error(400, ENDED_BADLY[status["state"]], status["error"],
                          **{k: v for k, v in status.items() if k not in ("error", "message")})
    return jsonify(status)
