"""Memories: list them, upload a TMX into one (with the import report), download as TMX."""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from flask import Blueprint, Response, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import FileStorage

from tm.errors import InputError
from tm.jobs import process_alive
from tm.memory import export_document, export_memory, import_tmx, list_memories
from tm.memory.duplicates import DuplicatePolicy
from tm.memory.tmx_import import TmxImportReport
from tm.models import AuditAction, Role, Status
from web.access import requires
from web.audit import record_audit
from web.db import get_session
from web.downloads import attachment

bp = Blueprint("memory", __name__)
CHUNK_BYTES = 1 << 16


@bp.get("/memories")
@requires(Role.VIEWER)
def index() -> str:
    """List memories, with an upload form."""
    return render_template("memory/index.html", memories=list_memories(get_session()),
                           policies=list(DuplicatePolicy))


# An upload is spooled to a folder named for the server process, so a server that starts
# can tell the folders of servers that died (a crash leaves them; up to 200 MB each).
SPOOL_PREFIX = "sverka-upload-"


def spool_prefix() -> str:
    """Return the name prefix of this process's upload folders."""
    return f"{SPOOL_PREFIX}{os.getpid()}-"


def remove_stale_spools(directory: Path | None = None) -> int:
    """Delete the upload folders left by server processes that no longer run; return how many."""
    removed = 0
    for folder in Path(directory or tempfile.gettempdir()).glob(f"{SPOOL_PREFIX}*-*"):
        pid = folder.name[len(SPOOL_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not process_alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed

    return True


def _import_upload() -> TmxImportReport:
    upload: FileStorage | None = request.files.get("file")
    memory = (request.form.get("memory") or "").strip()
    if upload is None or not upload.filename:
        raise InputError("choose a TMX file to upload")
    if not memory:
        raise InputError("name the memory to import into")
    session = get_session()
    with tempfile.TemporaryDirectory(prefix=spool_prefix()) as folder:
        path = Path(folder) / "upload.tmx"
        upload.save(path)
        try:
            report = import_tmx(
                session, path, memory=memory, src=request.form.get("src") or None,
                tgt=request.form.get("tgt") or None,
                on_duplicate=request.form.get("on_duplicate") or DuplicatePolicy.KEEP_NEWEST,
                name=upload.filename)
            record_audit(AuditAction.IMPORT, "memory", memory,
                  {"file": upload.filename[:200], "imported": report.imported})
            session.commit()
        except BaseException:
            session.rollback()
            raise
    return report


@bp.post("/memories/import")
@requires(Role.MANAGER)
def upload() -> str:
    """Import an uploaded TMX file and show the report."""
    return render_template("memory/report.html", report=_import_upload())


@bp.post("/api/memories/import")
@requires(Role.MANAGER)
def api_upload() -> ResponseReturnValue:
    """Import an uploaded TMX file; return the report as JSON."""
    return jsonify(_import_upload().as_dict())


@bp.get("/api/memories")
@requires(Role.VIEWER)
def api_list() -> ResponseReturnValue:
    """List memories as JSON."""
    return jsonify([m.as_dict() for m in list_memories(get_session())])


def _stream_file(path: Path, folder: tempfile.TemporaryDirectory[str]) -> Iterator[bytes]:
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(CHUNK_BYTES):
                yield chunk
    finally:
        folder.cleanup()


def _tmx_response(write: Callable[[Path], object], filename: str, object_type: str,
                  object_id: object) -> Response:
    """Export into a temporary file, then stream it: memory stays flat."""
    folder = tempfile.TemporaryDirectory(prefix="sverka-export-")
    path = Path(folder.name) / "export.tmx"
    try:
        write(path)
        record_audit(AuditAction.EXPORT, object_type, object_id,
                     dict(request.args.items()) or None)
        get_session().commit()
    except BaseException:
        folder.cleanup()
        raise
    response = Response(_stream_file(path, folder), mimetype="application/x-tmx+xml")
    response.headers["Content-Disposition"] = attachment(filename, default="export.tmx")
    response.headers["Content-Length"] = str(os.path.getsize(path))
    return response


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
        include_boilerplate=request.args.get("boilerplate") == "1"),
        f"document-{document_id}.tmx", "document", document_id)


# The same downloads for programs with an API token (Authorization: Bearer).
bp.add_url_rule("/api/memories/<path:name>/export.tmx", "api_download_memory",
                download_memory)
bp.add_url_rule("/api/documents/<int:document_id>/export.tmx", "api_download_document",
                download_document)
