"""Documents: the list, one document's segments with their translations, pre-translation."""
from __future__ import annotations

from flask import Blueprint, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from tm.documents import document_tracks, document_view, get_document, list_documents
from tm.errors import ValidationError
from tm.models import Job, Role, Status
from tm.scoring.results import scored_test_sets
from web import jobs
from web.access import require_actor, requires
from web.db import get_session

bp = Blueprint("documents", __name__)
# The statuses a track's progress bar shows, furthest first (drafts and rejections are not
# progress).
PROGRESS_STATUSES = (Status.APPROVED, Status.REVIEWED, Status.TRANSLATED)


@requires(Role.VIEWER)
def index() -> str:
    """List the documents, optionally filtered by title (and text, with ``in=text``)."""
    query = request.args.get("q", "").strip() or None
    text = request.args.get("in") == "text"
    return render_template("documents/index.html", query=query, in_text=text,
                           documents=list_documents(get_session(), query=query, text=text),
                           progress_statuses=PROGRESS_STATUSES)


@bp.get("/documents/<int:document_id>")
@requires(Role.VIEWER)
def show(document_id: int) -> str:
    """Show a document's segments, source left and each track's translation right."""
    session = get_session()
    tracks = document_tracks(session, document_id)
    view = document_view(session, document_id, request.args.getlist("track") or tracks)
    return render_template("documents/show.html", document=view.document, tracks=view.tracks,
                           all_tracks=tracks, rows=view.rows,
                           scored_in=scored_test_sets(session, document_id))


def _start_pretranslation(document_id: int) -> Job:
    """Queue the pre-translation of a document from the memories (track ``tm``)."""
    from tm.search.pretranslate import DEFAULT_MIN_SCORE, DEFAULT_TRACK
    from tm.search.score import CONTEXT_MATCH
    from tm.work import PRETRANSLATE, pretranslate_params

    document = get_document(get_session(), document_id)
    raw = request.values.get("min_score") or str(DEFAULT_MIN_SCORE)
    if not raw.isdigit() or not 1 <= int(raw) <= CONTEXT_MATCH:
        raise ValidationError(_("The lowest score is a whole number from 1 to %(max)s.",
                                max=CONTEXT_MATCH))
    params = pretranslate_params(document_id=document.id, track=DEFAULT_TRACK,
                                 min_score=int(raw), memories=None, author=None,
                                 overwrite=False)
    return jobs.submit(PRETRANSLATE, title=_("Pre-translate “%(title)s”", title=document.title),
                       params=params, owner=require_actor().user)


@bp.post("/documents/<int:document_id>/pretranslate")
@requires(Role.TRANSLATOR)
def pretranslate(document_id: int) -> Response:
    """Fill the document's track ``tm`` from the memories, as a job; show its progress."""
    job = _start_pretranslation(document_id)
    return redirect(url_for("jobs.show", job_id=job.id), code=303)


@bp.post("/api/documents/<int:document_id>/pretranslate")
@requires(Role.TRANSLATOR)
def api_pretranslate(document_id: int) -> ResponseReturnValue:
    """Queue the pre-translation of a document (``min_score``): 202 with the job."""
    return jobs.accepted(_start_pretranslation(document_id))


@bp.get("/api/documents")
@requires(Role.VIEWER)
def api_list() -> ResponseReturnValue:
    """List documents as JSON (``?q=``, ``&in=text`` to search the text too)."""
    query = request.args.get("q", "").strip() or None
    text = request.args.get("in") == "text"
    return jsonify([s.as_dict() for s in list_documents(get_session(), query=query, text=text)])


@bp.get("/api/documents/<int:document_id>")
@requires(Role.VIEWER)
def api_show(document_id: int) -> ResponseReturnValue:
    """Return a document's segments and translations as JSON."""
    return jsonify(document_view(get_session(), document_id).as_dict())
