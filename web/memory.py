"""Memories: list them, upload a TMX into one (with the import report), download as TMX."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from tm.db import MAX_ID
from tm.errors import InputError, ValidationError
from tm.memory import export_document, export_memory, get_memory, list_memories
from tm.memory.duplicates import DuplicatePolicy, duplicate_policy
from tm.memory.units import PAGE_SIZE as UNITS_PAGE_SIZE
from tm.memory.units import (
    UnitFilter,
    UnitOrigin,
    delete_units,
    document_titles,
    edit_unit,
    get_unit,
    list_units,
    units_in_order,
)
from tm.models import AuditAction, Job, Role, Status
from tm.search.concordance import concordance, matching_units
from tm.work import EXPORT_MEMORY, IMPORT_TMX, TMX_UPLOAD, export_memory_params, import_tmx_params
from web import jobs
from web.access import require_actor, requires
from web.audit import client_address, record_audit
from web.db import get_session
from web.downloads import file_response
from web.urls import page_argument, url_template

bp = Blueprint("memory", __name__)
SEARCH_MAX = 200
MEMORY_NAME_MAX = 200
FILE_NAME_MAX = 200
LANGUAGE_MAX = 35
# Units from which the memories page exports as a job (a file to download when it is done)
# rather than in the request: ~80,000 units a second, so a request stays under a second and
# no proxy times out on a larger one. SVERKA_EXPORT_JOB_UNITS changes it.
EXPORT_JOB_UNITS = 50_000


@bp.get("/memories")
@requires(Role.VIEWER)
def index() -> str:
    """List memories, with an upload form."""
    return render_template("memory/index.html", memories=list_memories(get_session()),
                           policies=list(DuplicatePolicy),
                           export_job_units=current_app.config.get("EXPORT_JOB_UNITS",
                                                                   EXPORT_JOB_UNITS))


def _start_import() -> Job:
    """Spool the uploaded TMX file and queue its import; return the job."""
    upload: FileStorage | None = request.files.get("file")
    memory = (request.form.get("memory") or "").strip()
    if upload is None or not upload.filename:
        raise InputError("tmx-upload-missing", "choose a TMX file to upload")
    if not memory:
        raise InputError("memory-name-missing", "name the memory to import into")
    if len(memory) > MEMORY_NAME_MAX:
        raise InputError("memory-name-too-long", "a memory's name has at most {max} characters",
                         max=MEMORY_NAME_MAX)
    on_duplicate = duplicate_policy(request.form.get("on_duplicate")
                                    or DuplicatePolicy.KEEP_NEWEST).value
    name = upload.filename[:FILE_NAME_MAX]
    params = import_tmx_params(
        memory=memory, name=name, src=_language("src"), tgt=_language("tgt"),
        on_duplicate=on_duplicate, address=client_address())
    return jobs.submit(IMPORT_TMX, title=f"{name} → {memory}", params=params,
                       owner=require_actor().user,
                       spool=lambda folder: upload.save(folder / TMX_UPLOAD))


def _language(field: str) -> str | None:
    value = (request.form.get(field) or "").strip()
    if len(value) > LANGUAGE_MAX:
        raise InputError("language-tag-invalid", "not a language tag: {tag!r}",
                         tag=value[:LANGUAGE_MAX])
    return value or None


@bp.post("/memories/import")
@requires(Role.MANAGER)
def upload() -> ResponseReturnValue:
    """Queue the import of an uploaded TMX file; show its progress, then its report."""
    job = _start_import()
    return redirect(url_for("jobs.show", job_id=job.id), code=303)


@bp.post("/api/memories/import")
@requires(Role.MANAGER)
def api_upload() -> ResponseReturnValue:
    """Queue the import of an uploaded TMX file: 202 with the job (``GET`` its ``location``).

    When the job is done its ``result`` is the import's report.
    """
    return jobs.accepted(_start_import())


@bp.get("/api/memories")
@requires(Role.VIEWER)
def api_list() -> ResponseReturnValue:
    """List memories as JSON."""
    return jsonify([m.as_dict() for m in list_memories(get_session())])


def _tmx_response(write: Callable[[Path], object], filename: str, object_type: str,
                  object_id: object) -> Response:
    """Export into a temporary file, then stream it: memory stays flat."""
    return file_response(write, filename, mimetype="application/x-tmx+xml",
                         object_type=object_type, object_id=object_id)


# A memory's name may hold a slash: the path converter takes it whole.
@bp.get("/memories/<path:name>/export.tmx")
@requires(Role.VIEWER)
def download_memory(name: str) -> Response:
    """Download a memory as TMX 1.4."""
    return _tmx_response(lambda path: export_memory(get_session(), path, memory=name),
                         f"{name}.tmx", "memory", name)


@bp.get("/documents/<int:document_id>/export.tmx")
@requires(Role.VIEWER)
def download_document(document_id: int) -> Response:
    """Download a document's translations as TMX 1.4 (``?track=``, ``?status=``)."""
    status = request.args.get("status") or None
    return _tmx_response(lambda path: export_document(
        get_session(), path, document_id=document_id, track=request.args.get("track") or None,
        status=Status.parse(status) if status else None,
        include_boilerplate=request.args.get("boilerplate") != "0"),
        f"document-{document_id}.tmx", "document", document_id)


def _start_export(name: str) -> Job:
    """Queue the export of memory ``name`` into a file for the user to download."""
    get_memory(get_session(), name)  # 404 now, not a failed job later
    params = export_memory_params(memory=name, out=None, since=None)
    return jobs.submit(EXPORT_MEMORY, title=_("%(memory)s as TMX", memory=name),
                       params=params, owner=require_actor().user)


@bp.post("/memories/<path:name>/export")
@requires(Role.VIEWER)
def export_job(name: str) -> ResponseReturnValue:
    """Export a memory as a job; its page offers the file when it is done."""
    job = _start_export(name)
    return redirect(url_for("jobs.show", job_id=job.id), code=303)


@bp.post("/api/memories/<path:name>/export")
@requires(Role.VIEWER)
def api_export_job(name: str) -> ResponseReturnValue:
    """Export a memory as a job: 202 with the job; when it is done, ``GET`` its ``download``."""
    return jobs.accepted(_start_export(name))


# The same downloads for programs with an API token (Authorization: Bearer).
bp.add_url_rule("/api/memories/<path:name>/export.tmx", "api_download_memory",
                download_memory)
bp.add_url_rule("/api/documents/<int:document_id>/export.tmx", "api_download_document",
                download_document)


# The memory browser: a memory's units by page, one unit's provenance, fixing and deleting.

def _unit_filters() -> tuple[UnitFilter, str, bool, dict[str, str]]:
    """The browser's filters from the query string, each checked; and the same as given."""
    args = request.args
    query = args.get("q", "").strip()
    if len(query) > SEARCH_MAX:
        raise ValidationError("search-too-long", "A search has at most {max} characters.",
                              max=SEARCH_MAX)
    origin = args.get("origin") or ""
    if origin and origin not in set(UnitOrigin):
        raise ValidationError("origin-unknown", "Unknown origin: {origin}.", origin=origin[:40])
    document = args.get("document", "")
    if document and not (document.isdigit() and 0 < int(document) <= MAX_ID):
        raise ValidationError("document-missing", "no document with id {id}", id=document[:20])
    since = args.get("since", "")
    try:
        moment = dt.date.fromisoformat(since) if since else None
    except ValueError:
        raise ValidationError("date-invalid", "not a date: {value!r} (use YYYY-MM-DD)",
                              value=since[:20]) from None
    in_target = args.get("in") == "target"
    filters = UnitFilter(origin=UnitOrigin(origin) if origin else None,
                         document_id=int(document) if document else None,
                         since=None if moment is None else dt.datetime.combine(
                             moment, dt.time(), tzinfo=dt.UTC))
    given = {"q": query, "in": "target" if in_target else "", "origin": origin,
             "document": document, "since": since}
    return filters, query, in_target, {k: v for k, v in given.items() if v}


@bp.get("/memories/<path:name>")
@requires(Role.VIEWER)
def browse(name: str) -> str:
    """A memory's units, newest first, a page at a time: searched in every word form, or
    filtered by origin, document and date."""
    session = get_session()
    memory = get_memory(session, name)
    filters, query, in_target, given = _unit_filters()
    number = page_argument()
    if query:
        found = concordance(session, query, target=in_target, memories=[name],
                            page=number, per_page=UNITS_PAGE_SIZE)
        units = units_in_order(session, [hit.unit_id for hit in found.hits])
        total, number, pages = found.total, found.page, found.pages
    else:
        listed = list_units(session, name, filters, number=number, size=UNITS_PAGE_SIZE)
        units, total, number, pages = listed.units, listed.total, listed.number, listed.pages
    return render_template(
        "memory/browse.html", memory=memory, units=units, total=total, number=number,
        pages=pages, size=UNITS_PAGE_SIZE, given=given, query=query, in_target=in_target,
        titles=document_titles(session, units), origins=list(UnitOrigin),
        page_url=url_template("memory.browse", "page", name=name, **given))


@bp.get("/memories/<path:name>/units/<int:unit_id>")
@requires(Role.VIEWER)
def unit(name: str, unit_id: int) -> str:
    """One unit: its texts, where it came from, and (by role) a form to fix or delete it."""
    session = get_session()
    found = get_unit(session, name, unit_id)
    return render_template("memory/unit.html", memory=found.memory, unit=found,
                           titles=document_titles(session, [found]))


@bp.post("/memories/<path:name>/units/<int:unit_id>")
@requires(Role.REVIEWER)
def edit(name: str, unit_id: int) -> ResponseReturnValue:
    """Save a unit's new source and target."""
    session = get_session()
    found = get_unit(session, name, unit_id)
    edit_unit(session, found, author=require_actor().user,
              source=request.form.get("source", ""), target=request.form.get("target", ""))
    session.commit()
    return redirect(url_for("memory.unit", name=name, unit_id=unit_id), code=303)


@bp.post("/memories/<path:name>/units/<int:unit_id>/delete")
@requires(Role.MANAGER)
def delete_unit(name: str, unit_id: int) -> ResponseReturnValue:
    """Delete one unit."""
    session = get_session()
    deleted = delete_units(session, name, [get_unit(session, name, unit_id).id])
    record_audit(AuditAction.DELETE, "memory-units", name, {"units": deleted})
    session.commit()
    return redirect(url_for("memory.browse", name=name), code=303)


@bp.post("/memories/<path:name>/delete")
@requires(Role.MANAGER)
def delete_found(name: str) -> ResponseReturnValue:
    """Delete every unit a search found (``q``, ``in=target``), in every word form."""
    session = get_session()
    query = (request.form.get("q") or "").strip()[:SEARCH_MAX]
    if not query:
        raise ValidationError("search-before-delete",
                              "Search first: the units found are the ones deleted.")
    ids = matching_units(session, query, memory=name, target=request.form.get("in") == "target")
    deleted = delete_units(session, name, ids)
    record_audit(AuditAction.DELETE, "memory-units", name, {"units": deleted, "search": query})
    session.commit()
    return redirect(url_for("memory.browse", name=name), code=303)
