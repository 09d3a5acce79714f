"""A document's page hands it to a CAT tool (XLIFF, an OmegaT project) and takes it back."""
from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from flask import Blueprint, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response

from tm.documents import get_document
from tm.errors import InputError, ValidationError
from tm.formats.xliff.units import VERSIONS
from tm.handoff import FLAVOURS, export_xliff, import_xliff
from tm.handoff.omegat import export_omegat, import_omegat, project_name
from tm.models import AuditAction, Role
from tm.translations import check_track_name
from web.access import require_actor, requires
from web.audit import record_audit
from web.db import get_session
from web.downloads import file_response

bp = Blueprint("handoff", __name__)
FILE_NAME_MAX = 200
ZIP_MAGIC = b"PK\x03\x04"


def _track(value: str | None) -> str:
    return check_track_name(value or "")


def _choice(name: str, choices: tuple[str, ...], default: str) -> str:
    value = request.args.get(name, default)
    if value not in choices:
        raise ValidationError("handoff-choice-invalid", "{name} must be one of {choices}",
                              name=name, choices=", ".join(choices))
    return value


@bp.get("/documents/<int:document_id>/export.xlf")
@requires(Role.VIEWER)
def download_xliff(document_id: int) -> Response:
    """Download a track as XLIFF (``?track=``, ``?version=1.2|2.0``, ``?flavour=``)."""
    track = _track(request.args.get("track"))
    version = _choice("version", VERSIONS, "1.2")
    flavour = _choice("flavour", FLAVOURS, "default")
    get_document(get_session(), document_id)
    return file_response(
        lambda path: export_xliff(get_session(), path, document_id=document_id, track=track,
                                  version=version, flavour=flavour),
        f"document-{document_id}-{track}.xlf", mimetype="application/xliff+xml",
        object_type="document", object_id=document_id)


@bp.get("/documents/<int:document_id>/omegat.zip")
@requires(Role.VIEWER)
def download_omegat(document_id: int) -> Response:
    """Download a track as a ready OmegaT 3.6 project, zipped (``?track=``)."""
    track = _track(request.args.get("track"))
    get_document(get_session(), document_id)
    return file_response(
        lambda path: export_omegat(get_session(), path, document_id=document_id, track=track),
        f"{project_name(document_id, track)}.zip", mimetype="application/zip",
        object_type="document", object_id=document_id)


def _take_back(document_id: int) -> tuple[dict[str, Any], str]:
    """Import the uploaded XLIFF or OmegaT project (a zip) into the form's track."""
    session = get_session()
    document = get_document(session, document_id)
    track = _track(request.form.get("track"))
    upload: FileStorage | None = request.files.get("file")
    if upload is None or not upload.filename:
        raise InputError("handoff-file-missing", "choose the XLIFF file or the OmegaT "
                         "project (zip) to take back")
    name = Path(upload.filename).name[:FILE_NAME_MAX]
    actor = require_actor()
    with tempfile.TemporaryDirectory(prefix="sverka-handoff-") as folder:
        path = Path(folder) / "upload"
        upload.save(path)
        with open(path, "rb") as handle:
            is_zip = handle.read(4) == ZIP_MAGIC
        if is_zip:
            found = import_omegat(session, path, document_id=document.id, track=track,
                                  author=actor.user, role=actor.role, name=name)
            report, kind = found.as_dict(), "omegat"
        else:
            report = import_xliff(session, path, document_id=document.id, track=track,
                                  author=actor.user, role=actor.role, name=name).as_dict()
            kind = "xliff"
    record_audit(AuditAction.IMPORT, "document", document.id,
                 {"format": kind, "track": track, "file": name,
                  "imported": report["imported"], "updated": report["updated"]})
    session.commit()
    return report, kind


@bp.post("/documents/<int:document_id>/handoff")
@requires(Role.TRANSLATOR)
def upload(document_id: int) -> ResponseReturnValue:
    """Take back a document's translations from XLIFF or an OmegaT project; show the report."""
    report, kind = _take_back(document_id)
    document = get_document(get_session(), document_id)
    return render_template("documents/handoff_report.html", document=document,
                           report=report, kind=kind), 200


@bp.post("/api/documents/<int:document_id>/handoff")
@requires(Role.TRANSLATOR)
def api_upload(document_id: int) -> ResponseReturnValue:
    """The same for programs: the import's report as JSON."""
    report, kind = _take_back(document_id)
    return jsonify({**report, "kind": kind})


# The same downloads for programs with an API token (Authorization: Bearer).
bp.add_url_rule("/api/documents/<int:document_id>/export.xlf", "api_download_xliff",
                download_xliff)
bp.add_url_rule("/api/documents/<int:document_id>/omegat.zip", "api_download_omegat",
                download_omegat)
