"""The alignment editor: correct how a track's sentences line up with the document's.

Page: ``/documents/<id>/align?track=…&page=`` (links are drawn a page at a time).
API (JSON, CSRF header on changes):

* ``GET  /api/documents/<id>/alignment?track=`` — the alignment (sentences and links)
* ``POST /api/alignment/apply`` ``{alignment, op}`` — one operation (see ``tm.align.editing``);
  ``alignment`` may be a window of the links around the operation's (the browser sends
  that and splices the answer back), with the numbers of sentences instead of their texts
  for operations that do not read them; the browser keeps earlier alignments for undo and
  redo
* ``PUT  /api/documents/<id>/alignment?track=`` ``{alignment, status, version}`` — save as
  translations; 409 if the track changed since ``version`` (from the GET) was read
"""
from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request
from flask.typing import ResponseReturnValue

from tm.accounts.permissions import check_status_change, require_role
from tm.align.editing import (
    HIGH_CONFIDENCE,
    LOW_CONFIDENCE,
    NEIGHBOURS,
    TEXT_OPERATIONS,
    apply,
    from_dict,
    texts_sent,
)
from tm.align.store import load_alignment, save_alignment, track_version
from tm.documents import document_tracks, get_document
from tm.errors import ValidationError
from tm.messages import Message
from tm.models import Role, Status
from tm.workspace import PAGE_SIZE
from web.access import require_actor, requires
from web.api import json_body
from web.db import get_session

bp = Blueprint("align", __name__)
# What a saved alignment may make its translations (rejecting is the editor's business).
SAVE_STATUSES = (Status.DRAFT, Status.TRANSLATED, Status.REVIEWED, Status.APPROVED)
SAVE_STATUS_DEFAULT = Status.TRANSLATED
# Links drawn per page: as many as the bilingual editor's rows, for the same reason (the
# browser holds the whole alignment, but draws a 5,000-link document one page at a time).
LINKS_PER_PAGE = PAGE_SIZE


def _track() -> str:
    return (request.args.get("track") or "human").strip()


@bp.get("/documents/<int:document_id>/align")
@requires(Role.VIEWER)
def edit(document_id: int) -> str:
    """Show the alignment editor for one track of a document."""
    session = get_session()
    document = get_document(session, document_id)
    track = _track()
    return render_template(
        "align/edit.html", document=document, track=track,
        tracks=document_tracks(session, document_id),
        alignment=load_alignment(session, document_id, track).as_dict(),
        version=track_version(session, document_id, track),
        high=HIGH_CONFIDENCE, low=LOW_CONFIDENCE, save_statuses=SAVE_STATUSES,
        save_status_default=SAVE_STATUS_DEFAULT,
        page_size=LINKS_PER_PAGE, page=max(1, request.args.get("page", 1, type=int) or 1),
        neighbours=NEIGHBOURS, text_ops=sorted(TEXT_OPERATIONS))


@bp.get("/api/documents/<int:document_id>/alignment")
@requires(Role.VIEWER)
def api_get(document_id: int) -> ResponseReturnValue:
    """Return the alignment of a track with the document, and the track's version."""
    session = get_session()
    return jsonify({**load_alignment(session, document_id, _track()).as_dict(),
                    "version": track_version(session, document_id, _track())})


@bp.post("/api/alignment/apply")
@requires(Role.TRANSLATOR)
def api_apply() -> ResponseReturnValue:
    """Apply one editing operation to an alignment and return the result."""
    body = json_body()
    operation = body.get("op")
    if not isinstance(operation, dict):
        raise ValidationError("alignment-op-invalid",
                              'op must be an object like {{"op": "merge_next", "link": 3}}')
    data = body.get("alignment")
    texts = texts_sent(data)
    if not texts and operation.get("op") in TEXT_OPERATIONS:
        raise ValidationError("alignment-texts-missing", "{operation} needs the sentences' texts",
                              operation=str(operation.get("op")))
    return jsonify(apply(from_dict(data), operation).as_dict(texts=texts))


@bp.put("/api/documents/<int:document_id>/alignment")
@requires(Role.TRANSLATOR)
def api_save(document_id: int) -> ResponseReturnValue:
    """Save an edited alignment as the track's translations; return what changed."""
    body, session, actor = json_body(), get_session(), require_actor()
    status = body.get("status", SAVE_STATUS_DEFAULT)
    if status not in SAVE_STATUSES:
        raise ValidationError("status-unknown", "unknown status {value!r}: use one of "
                              "{choices}", value=status, choices=", ".join(SAVE_STATUSES))
    check_status_change(actor.role, None, Status(status))
    expected = body.get("version")
    report = save_alignment(session, document_id, _track(), from_dict(body.get("alignment")),
                            status=Status(status), author=actor.user,
                            expected_version=expected if isinstance(expected, str) else None)
    if report.sources_edited or report.sources_split:
        require_role(actor.role, Role.REVIEWER, Message(
            "action-edit-source", "editing or splitting source sentences"))
    session.commit()
    return jsonify({"report": report.as_dict(),
                    "alignment": load_alignment(session, document_id, _track()).as_dict(),
                    "version": track_version(session, document_id, _track())})
