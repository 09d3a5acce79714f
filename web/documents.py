"""Documents: the list, and one document's segments with their translations."""
from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request

from tm.documents import document_rows, document_tracks, get_document, list_documents
from tm.models import Status
from tm.scoring.results import scored_test_sets
from web.db import get_session

bp = Blueprint("documents", __name__)
# The statuses a track's progress bar shows, furthest first (drafts and rejections are not
# progress).
PROGRESS_STATUSES = (Status.APPROVED, Status.REVIEWED, Status.TRANSLATED)


def index() -> str:
    """List the documents, optionally filtered by title (and text, with ``in=text``)."""
    query = request.args.get("q", "").strip() or None
    text = request.args.get("in") == "text"
    return render_template("documents/index.html", query=query, in_text=text,
                           documents=list_documents(get_session(), query=query, text=text),
                           progress_statuses=PROGRESS_STATUSES)


@bp.get("/documents/<int:document_id>")
def show(document_id: int) -> str:
    """Show a document's segments, source left and each track's translation right."""
    session = get_session()
    document = get_document(session, document_id)
    tracks = document_tracks(session, document_id)
    chosen = request.args.getlist("track") or tracks
    return render_template("documents/show.html", document=document, tracks=chosen,
                           all_tracks=tracks, rows=document_rows(session, document_id, chosen),
                           scored_in=scored_test_sets(session, document_id))


@bp.get("/api/documents")
def api_list():  # type: ignore[no-untyped-def]
    """List documents as JSON (``?q=``, ``&in=text`` to search the text too)."""
    query = request.args.get("q", "").strip() or None
    text = request.args.get("in") == "text"
    return jsonify([s.as_dict() for s in list_documents(get_session(), query=query, text=text)])


@bp.get("/api/documents/<int:document_id>")
def api_show(document_id: int):  # type: ignore[no-untyped-def]
    """Return a document's segments and translations as JSON."""
    session = get_session()
    document = get_document(session, document_id)
    rows = document_rows(session, document_id)
    return jsonify({
        "id": document.id, "title": document.title, "src_lang": document.src_lang,
        "tgt_lang": document.tgt_lang, "url": document.url,
        "published_on": document.published_on.isoformat() if document.published_on else None,
        "segments": [{
            "id": r.segment.id, "position": r.segment.position,
            "paragraph": r.segment.paragraph.position, "kind": r.segment.kind.value,
            "text": r.segment.text,
            "translations": {name: None if t is None else {
                "id": t.id, "text": t.text, "status": t.status.value, "origin": t.origin.value,
                "author": t.author, "segment_count": t.segment_count,
                "align_score": t.align_score, "version": t.version}
                for name, t in r.translations.items()},
        } for r in rows]})
