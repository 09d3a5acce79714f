"""The bilingual editor: a document's units for one track, edited in place, with a JSON API.

Pages: ``/documents/<id>/edit?track=…``. API (JSON, CSRF header on changes):

* ``GET  /api/documents/<id>/units?track=&compare=&status=&warning=&page=`` — one page of units
* ``POST /api/segments/<id>/translation`` ``{track, text, status}`` — translate a segment
* ``PUT  /api/translations/<id>`` ``{text?, status?, note?, expected_version}`` — edit; 409 with
  ``theirs`` (the stored version) and ``yours`` when someone saved in between
* ``GET  /api/translations/<id>/history`` — revisions, each with a word diff to the previous;
  a ``source-edit`` or ``split`` also carries ``source`` (old and new source text, their
  diff, a split's ``parts``)
* ``POST /api/translations/<id>/restore`` ``{number, expected_version}``
* ``GET  /api/segments/<id>/suggestions?count=&translation=`` — fuzzy memory matches
  (:mod:`web.suggestions`); the panel's concordance is ``/api/search/concordance``
  (:mod:`web.search`)
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import format_datetime, get_locale
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from tm.accounts.permissions import STATUS_ROLE, check_status_change
from tm.documents import document_tracks, get_document, get_segment
from tm.errors import ConflictError, ValidationError
from tm.messages import Message
from tm.models import Origin, Role, Status, Translation
from tm.qa import CODES
from tm.translations import (
    add_translation,
    edit_translation,
    find_translation,
    get_or_create_track,
    get_translation,
    restore_revision,
    set_note,
)
from tm.workspace import (
    UNTRANSLATED,
    HistoryEntry,
    Unit,
    covered_unit,
    editor_units,
    load_translations,
    page_of,
    unit_history,
)
from web.access import require_actor, requires
from web.api import json_body, json_error
from web.db import get_session
from web.labels import action_names, status_choices, status_label, warning_names
from web.suggestions import suggestions
from web.urls import url_template

bp = Blueprint("editor", __name__)
STATUSES = [s.value for s in Status]
CONFIRM_STATUSES = (Status.TRANSLATED, Status.REVIEWED, Status.APPROVED)


def translation_json(translation: Translation) -> dict[str, Any]:
    """Return a translation as the editor needs it."""
    return {"id": translation.id, "text": translation.text,
            "status": translation.status.value,
            "status_label": status_label(translation.status.value),
            "version": translation.version, "note": translation.note or "",
            "author": translation.author, "segment_count": translation.segment_count,
            "updated_at": translation.updated_at.isoformat(),
            "updated_label": format_datetime(translation.updated_at, "short")}


def unit_json(unit: Unit, labels: dict[str, str] | None = None) -> dict[str, Any]:
    """Return a unit (source segments, translation, warnings) as JSON."""
    labels = labels or warning_names()
    return {"index": unit.index, "segment_id": unit.segments[0].id,
            "segment_ids": [s.id for s in unit.segments],
            "position": unit.segments[0].position, "kind": unit.segments[0].kind,
            "source": unit.source,
            "translation": translation_json(unit.translation) if unit.translation else None,
            "compare": " ".join(unit.compare) or None,
            "warnings": [{**w.as_dict(str(get_locale() or "en")),
                          "label": labels.get(w.code, w.code)} for w in unit.warnings]}


def _filters() -> dict[str, Any]:
    return {"track": (request.args.get("track") or "human").strip(),
            "compare": request.args.get("compare") or None,
            "status": request.args.get("status") or None,
            "warning": request.args.get("warning") or None,
            "page": request.args.get("page", 1, type=int)}


@bp.get("/documents/<int:document_id>/edit")
@requires(Role.VIEWER)
def edit(document_id: int) -> str:
    """Show the bilingual editor for one track of a document (one page of units)."""
    session = get_session()
    document = get_document(session, document_id)
    filters = _filters()
    units = editor_units(session, document_id, filters["track"], compare=filters["compare"],
                         checked=False)
    page = page_of(units, number=filters["page"], status=filters["status"],
                   warning=filters["warning"], checked=False)
    load_translations(session, page.units)

    # The pager's links: this page's URL with a hole for the page (web.urls).
    page_url = url_template("editor.edit", "page", document_id=document_id,
                            **{k: v for k, v in filters.items() if v and k != "page"})
    labels = warning_names()
    actor = require_actor()
    settable = [s.value for s in Status if actor.may(STATUS_ROLE[s])]  # the rest: refused
    return render_template(
        "editor/edit.html", document=document, filters=filters, page=page,
        settable_statuses=settable, can_translate=actor.may(Role.TRANSLATOR),
        units=[unit_json(u, labels) for u in page.units],
        tracks=document_tracks(session, document_id),
        statuses=STATUSES, untranslated=UNTRANSLATED, warning_codes=CODES,
        warning_labels=labels, page_url=page_url,
        confirm_statuses=[s for s in CONFIRM_STATUSES if s.value in settable],
        status_choices=status_choices(), action_names=action_names())


@bp.get("/api/documents/<int:document_id>/units")
@requires(Role.VIEWER)
def api_units(document_id: int) -> ResponseReturnValue:
    """Return one page of a document's units for a track as JSON."""
    session = get_session()
    filters = _filters()
    checked = request.args.get("counts") == "1"
    units = editor_units(session, document_id, filters["track"], compare=filters["compare"],
                         checked=checked)
    page = page_of(units, number=filters["page"], status=filters["status"],
                   warning=filters["warning"], checked=checked)
    load_translations(session, page.units)
    labels = warning_names()
    return jsonify({"page": page.number, "pages": page.pages, "total": page.total,
                    "statuses": dict(page.statuses),
                    "warnings": None if page.warnings is None else dict(page.warnings),
                    "units": [unit_json(u, labels) for u in page.units]})


def _status(value: Any) -> Status | None:
    return None if value in (None, "") else Status.parse(value)


def _conflict(session: Session, translation_id: int, message: Message,
              yours: dict[str, Any]) -> ResponseReturnValue:
    """Answer 409 with the stored version and the one the user tried to save."""
    session.rollback()
    theirs = get_translation(session, translation_id)
    said = message.as_dict(str(get_locale() or "en"))
    return json_error(409, "ConflictError", said["message"], code=said["code"],
                      params=said["params"], theirs=translation_json(theirs), yours=yours)


def _changed_while_saving(translation_id: int) -> Message:
    """What a save that lost the race with a concurrent one says."""
    return Message("translation-changed-while-saving",
                   "translation {id} was changed by someone else while saving",
                   id=translation_id)


@bp.post("/api/segments/<int:segment_id>/translation")
@requires(Role.TRANSLATOR)
def api_create(segment_id: int) -> ResponseReturnValue:
    """Translate a segment that has no translation in the track yet."""
    body, session, actor = json_body(), get_session(), require_actor()
    segment = get_segment(session, segment_id)
    status = _status(body.get("status")) or Status.DRAFT
    check_status_change(actor.role, None, status)
    track = get_or_create_track(session, str(body.get("track") or "human"),
                                origin=Origin.HUMAN)
    try:
        translation = add_translation(
            session, segment, track, str(body.get("text") or ""),
            lang=segment.document.tgt_lang, status=status, origin=Origin.HUMAN,
            author=actor.user)
    except ConflictError as error:
        existing = find_translation(session, segment, track)
        if existing is None:
            raise
        return _conflict(session, existing.id, error.message, body)
    if body.get("note"):
        set_note(session, translation, str(body["note"]))
    session.commit()
    return jsonify(unit_json(covered_unit(session, translation))), 201


@bp.put("/api/translations/<int:translation_id>")
@requires(Role.TRANSLATOR)
def api_update(translation_id: int) -> ResponseReturnValue:
    """Change a translation's text, status and/or note; 409 if it changed meanwhile."""
    body, session, actor = json_body(), get_session(), require_actor()
    translation = get_translation(session, translation_id)
    expected = body.get("expected_version")
    if not isinstance(expected, int):
        raise ValidationError("expected-version-missing",
                              "expected_version (the version you edited) is required")
    status = _status(body.get("status"))
    check_status_change(actor.role, translation.status, status)
    try:
        if "text" in body or "status" in body:
            edit_translation(session, translation, author=actor.user,
                             text=None if body.get("text") is None else str(body["text"]),
                             status=status, expected_version=expected)
            expected = translation.version
        if "note" in body:
            set_note(session, translation, str(body["note"] or ""), expected_version=expected)
        # The answer is read in the save's own transaction, as it will be committed: after
        # the commit it would take a connection and a transaction more to read it again.
        answer = unit_json(covered_unit(session, translation))
        session.commit()
    except ConflictError as error:
        return _conflict(session, translation_id, error.message, body)
    except StaleDataError:  # a concurrent save won the race between our check and our write
        return _conflict(session, translation_id, _changed_while_saving(translation_id), body)
    return jsonify(answer)


def history_json(entry: HistoryEntry) -> dict[str, Any]:
    """Return an event of a unit's history as the editor shows it."""
    status = entry.status.value if entry.status is not None else None
    return {"number": entry.number, "text": entry.text, "status": status,
            "status_label": status_label(status) if status is not None else None,
            "author": entry.author, "action": entry.action,
            "changed_at": entry.changed_at.isoformat(),
            "changed_label": format_datetime(entry.changed_at, "short"),
            "diff": [c.as_dict() for c in entry.diff],
            "source": entry.source.as_dict() if entry.source is not None else None}


@bp.get("/api/translations/<int:translation_id>/history")
@requires(Role.VIEWER)
def api_history(translation_id: int) -> ResponseReturnValue:
    """Return the history of a translation's unit, newest first (see ``unit_history``)."""
    session = get_session()
    translation = get_translation(session, translation_id)
    return jsonify([history_json(e) for e in unit_history(session, translation)])


@bp.post("/api/translations/<int:translation_id>/restore")
@requires(Role.REVIEWER)
def api_restore(translation_id: int) -> ResponseReturnValue:
    """Make an earlier revision current again (a new revision records it)."""
    body, session, actor = json_body(), get_session(), require_actor()
    translation = get_translation(session, translation_id)
    number = body.get("number")
    if not isinstance(number, int):
        raise ValidationError("revision-number-missing",
                              "number (the revision to restore) is required")
    try:
        restore_revision(session, translation, number, author=actor.user,
                         expected_version=body.get("expected_version"))
        session.commit()
    except ConflictError as error:
        return _conflict(session, translation_id, error.message, body)
    except StaleDataError:
        return _conflict(session, translation_id, _changed_while_saving(translation_id), body)
    return jsonify(unit_json(covered_unit(session, translation)))


@bp.get("/api/segments/<int:segment_id>/suggestions")
@requires(Role.VIEWER)
def api_suggestions(segment_id: int) -> ResponseReturnValue:
    """Return fuzzy memory matches for a unit (``?count=`` segments from this one), best first.

    ``?translation=`` is the unit's own translation, left out of its suggestions.
    """
    session = get_session()
    segment = get_segment(session, segment_id)
    count = max(1, request.args.get("count", 1, type=int))
    return jsonify(suggestions(session, segment, count=count,
                               exclude_translation=request.args.get("translation", type=int)))
