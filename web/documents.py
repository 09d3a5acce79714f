"""Documents: the list, and one document's segments with their translations."""
from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request
from flask.typing import ResponseReturnValue

from tm.documents import document_tracks, document_view, list_documents
from tm.models import Role, Status
from tm.scoring.results import scored_test_sets
from web.access import requires
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
