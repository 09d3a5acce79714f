"""Documents: the list, one document's segments with their translations, pre-translation."""
from __future__ import annotations

import dataclasses
from typing import Any

from flask import Blueprint, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from tm.db import MAX_ID, get_by_id
from tm.documents import (
    MAX_PAGE_SIZE,
    DocumentFilter,
    DocumentKind,
    Progress,
    document_tracks,
    document_view,
    get_document,
    page_documents,
    test_set_summaries,
)
from tm.errors import ValidationError
from tm.models import Job, Role, Status, TestSet
from tm.paging import PAGE_SIZES
from tm.scoring.results import scored_test_sets
from tm.translations import TRACK_NAME_MAX, track_names
from web import jobs
from web.access import require_actor, requires
from web.db import get_session
from web.urls import page_argument, url_template

bp = Blueprint("documents", __name__)
# The statuses a track's progress bar shows, furthest first (drafts and rejections are not
# progress).
PROGRESS_STATUSES = (Status.APPROVED, Status.REVIEWED, Status.TRANSLATED)
API_PAGE_SIZE = 100


# What the documents list's "show" choice offers; articles by default, a test set's
# documents being listed under their test set.
KINDS = ("article", "testset", "all")
QUERY_MAX = 200


def _filters() -> tuple[DocumentFilter, dict[str, str]]:
    """The list's filters from the query string, each checked, and the same as given."""
    args = request.args
    query = args.get("q", "").strip()
    if len(query) > QUERY_MAX:
        raise ValidationError("search-too-long", "A search has at most {max} characters.",
                              max=QUERY_MAX)
    kind = args.get("kind") or "article"
    if kind not in KINDS:
        raise ValidationError("document-kind-unknown", "Unknown kind of document: {kind}.",
                              kind=kind[:40])
    track = args.get("track", "").strip()
    if len(track) > TRACK_NAME_MAX:
        raise ValidationError("track-name-too-long",
                              "A track name has at most {max} characters.", max=TRACK_NAME_MAX)
    progress = args.get("progress") or ""
    if progress and progress not in set(Progress):
        raise ValidationError("progress-unknown", "Unknown progress: {progress}.",
                              progress=progress[:40])
    test_set = args.get("test_set", "")
    if test_set and not (test_set.isdigit() and 0 < int(test_set) <= MAX_ID):
        raise ValidationError("testset-id-missing", "no test set with id {id}",
                              id=test_set[:20])
    if test_set:
        kind = "testset"
    filters = DocumentFilter(
        query=query or None, text=args.get("in") == "text",
        kind=None if kind == "all" else DocumentKind(kind), track=track or None,
        progress=Progress(progress) if progress else None,
        test_set=int(test_set) if test_set else None)
    given = {"q": query, "in": "text" if filters.text else "", "kind": kind, "track": track,
             "progress": progress, "test_set": test_set}
    return filters, {k: v for k, v in given.items() if v}


@requires(Role.VIEWER)
def index() -> str:
    """The documents, the most recently active first, a page at a time; filtered by title
    (and text, with ``in=text``), kind, track, progress, or one test set's."""
    session = get_session()
    filters, given = _filters()
    test_set = (get_by_id(session, TestSet, filters.test_set, what="test set")
                if filters.test_set is not None else None)
    page = page_documents(session, filters, number=page_argument())
    return render_template(
        "documents/index.html", filters=filters, given=given, page=page, test_set=test_set,
        test_sets=test_set_summaries(session) if filters.kind is DocumentKind.ARTICLE else [],
        tracks=track_names(session), progress_choices=list(Progress),
        page_url=url_template("index", "page", **given),
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
        raise ValidationError("min-score-not-whole",
                              "The lowest score is a whole number from 1 to {max}.",
                              max=CONTEXT_MATCH)
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
    """One page of the documents as a JSON list, with the list page's filters (``kind``
    default ``all`` here) and ``page``, ``per_page`` (default 100, at most 500); the total
    in ``X-Total-Count``, the next page in a ``Link`` header."""
    filters, given = _filters()
    if "kind" not in request.args and filters.test_set is None:
        filters = dataclasses.replace(filters, kind=None)
    raw = request.args.get("per_page", str(API_PAGE_SIZE))
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE_SIZE:
        raise ValidationError(PAGE_SIZES["documents"](MAX_PAGE_SIZE))
    page = page_documents(get_session(), filters, number=page_argument(), size=int(raw))
    response = jsonify([s.as_dict() for s in page.documents])
    response.headers["X-Total-Count"] = str(page.total)
    if page.number < page.pages:
        following: dict[str, Any] = {**request.args.to_dict(), "page": page.number + 1}
        response.headers["Link"] = f'<{url_for("documents.api_list", **following)}>; rel="next"'

    return response


@bp.get("/api/documents/<int:document_id>")
@requires(Role.VIEWER)
def api_show(document_id: int) -> ResponseReturnValue:
    """Return a document's segments and translations as JSON."""
    return jsonify(document_view(get_session(), document_id).as_dict())
