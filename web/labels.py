"""The UI's names for the values Sverka stores: one table per vocabulary of :mod:`tm.models`
and one for the codes of the QA checks (:data:`tm.qa.CODES`).

Each table is keyed by an enum's members and holds the English names, translated into the
UI language when they are shown (:func:`web.catalogue.translate`), so the tables are built
once and every page, JSON answer and script reads the same names. The marker ``_`` keeps
pybabel (and the catalogue test) finding these strings with their default keywords.
"""
from __future__ import annotations

from typing import Any

from tm.documents import Progress
from tm.models import AuditAction, Origin, RevisionAction, Role, SegmentKind, Status
from tm.qa import CODES
from web.catalogue import translate


def _(message: str) -> str:
    """Mark ``message`` for the catalogue; it is translated when shown."""
    return message


STATUS_LABELS: dict[Status, str] = {
    Status.DRAFT: _("draft"),
    Status.TRANSLATED: _("translated"),
    Status.REVIEWED: _("reviewed"),
    Status.APPROVED: _("approved"),
    Status.REJECTED: _("rejected"),
}

ACTION_LABELS: dict[RevisionAction, str] = {
    RevisionAction.CREATE: _("created"),
    RevisionAction.EDIT: _("edited"),
    RevisionAction.STATUS: _("status changed"),
    RevisionAction.RESTORE: _("restored"),
    RevisionAction.ALIGN: _("aligned"),
    RevisionAction.TM: _("pre-translated from the memory"),
    RevisionAction.SPLIT: _("source split"),
    RevisionAction.SOURCE_EDIT: _("source edited"),
}

KIND_LABELS: dict[SegmentKind, str] = {
    SegmentKind.HEADLINE: _("headline"),
    SegmentKind.DATELINE: _("dateline"),
    SegmentKind.BODY: _("body"),
    SegmentKind.BOILERPLATE: _("boilerplate"),
}

ORIGIN_LABELS: dict[Origin, str] = {
    Origin.HUMAN: _("human (our editors)"),
    Origin.SUPPLIED: _("supplied (agency, client)"),
    Origin.MACHINE: _("machine translation"),
    Origin.TM: _("translation memory"),
}

# Keyed by the codes in tm.qa.CODES' order (a test checks both list the same codes), the
# order the editor's warning filter offers them in.
WARNING_LABELS: dict[str, str] = {
    "empty": _("empty target"),
    "identical": _("same as source"),
    "numbers": _("numbers differ"),
    "dates": _("dates differ"),
    "unpaired": _("unpaired quotes or brackets"),
    "length": _("suspicious length"),
    "spaces": _("double spaces"),
    "cyrillic": _("Cyrillic in English"),
}


# How far a track has come in a document (the documents list's filter).
PROGRESS_LABELS: dict[Progress, str] = {
    Progress.UNTRANSLATED: _("not fully translated"),
    Progress.UNREVIEWED: _("translated, not fully reviewed"),
    Progress.UNAPPROVED: _("reviewed, not fully approved"),
    Progress.APPROVED: _("all approved"),
}

ROLE_LABELS: dict[Role, str] = {
    Role.VIEWER: _("viewer"),
    Role.TRANSLATOR: _("translator"),
    Role.REVIEWER: _("reviewer"),
    Role.MANAGER: _("manager"),
    Role.ADMIN: _("admin"),
}

AUDIT_LABELS: dict[AuditAction, str] = {
    AuditAction.LOGIN: _("logged in"),
    AuditAction.LOGIN_FAILED: _("failed login"),
    AuditAction.LOGOUT: _("logged out"),
    AuditAction.LOGOUT_EVERYWHERE: _("logged out everywhere"),
    AuditAction.IMPORT: _("import"),
    AuditAction.EXPORT: _("export"),
    AuditAction.DELETE: _("deletion"),
    AuditAction.USER_ADD: _("user added"),
    AuditAction.USER_CHANGE: _("user changed"),
    AuditAction.TOKEN_CREATE: _("token created"),
    AuditAction.TOKEN_REVOKE: _("token revoked"),
}


def _label(table: dict[Any, str], value: str) -> str:
    # Keyed by StrEnum members, so a stored string finds its member's label; anything
    # else is shown as it is.
    label = table.get(value)
    return value if label is None else translate(label)


def status_label(status: str) -> str:
    """Return the name of a translation status in the UI language."""
    return _label(STATUS_LABELS, status)


def action_label(action: str) -> str:
    """Return the name of a revision's action in the UI language."""
    return _label(ACTION_LABELS, action)


def kind_label(kind: str) -> str:
    """Return the name of a segment kind in the UI language."""
    return _label(KIND_LABELS, kind)


def origin_label(origin: str) -> str:
    """Return the name of a translation origin in the UI language."""
    return _label(ORIGIN_LABELS, origin)


def warning_label(code: str) -> str:
    """Return the name of a QA check's warning in the UI language."""
    return _label(WARNING_LABELS, code)


def progress_label(progress: str) -> str:
    """Return the name of a track's progress in a document in the UI language."""
    return _label(PROGRESS_LABELS, progress)


def role_label(role: str) -> str:
    """Return the name of a role in the UI language."""
    return _label(ROLE_LABELS, role)


def audit_label(action: str) -> str:
    """Return the name of an audit event's action in the UI language."""
    return _label(AUDIT_LABELS, action)


def status_choices() -> list[dict[str, str]]:
    """Return every status in workflow order with its name, for a page's script."""
    return [{"value": status.value, "label": status_label(status)} for status in Status]


def action_names() -> dict[str, str]:
    """Return every revision action's name in the UI language, for a page's script."""
    return {action.value: action_label(action) for action in RevisionAction}


def warning_names() -> dict[str, str]:
    """Return every QA warning's name in the UI language, in :data:`tm.qa.CODES`' order."""
    return {code: warning_label(code) for code in CODES}
