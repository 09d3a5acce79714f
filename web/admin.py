"""The administrator's pages: users and their roles, and the audit log."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

from tm.accounts import create_user
from tm.accounts.audit import list_events
from tm.accounts.tokens import list_tokens
from tm.accounts.users import LOGIN_MAX, end_sessions, get_user, list_users, set_active, set_role
from tm.errors import ValidationError
from tm.models import AuditAction, Role
from web.access import requires
from web.audit import record_audit
from web.db import get_session

bp = Blueprint("admin", __name__, url_prefix="/admin")
AUDIT_PAGE = 50
AUDIT_PAGES_MAX = 10_000


@bp.get("/users")
@requires(Role.ADMIN)
def users() -> str:
    """Every user with their role and tokens; forms to add and change them."""
    db = get_session()
    return render_template("admin/users.html", users=list_users(db), roles=list(Role),
                           tokens=list_tokens(db))


@bp.post("/users")
@requires(Role.ADMIN)
def add() -> Response:
    """Add a user with a first password they are told by whoever adds them."""
    db = get_session()
    user = create_user(db, request.form.get("login", ""),
                       role=Role.parse(request.form.get("role")),
                       password=request.form.get("password", ""),
                       display_name=request.form.get("display_name") or None,
                       email=request.form.get("email") or None)
    record_audit(AuditAction.USER_ADD, "user", user.login, {"role": user.role.value})
    db.commit()
    return redirect(url_for("admin.users"), code=303)


@bp.post("/users/<login>")
@requires(Role.ADMIN)
def change(login: str) -> Response:
    """Change a user's role, disable or enable them, or log them out everywhere."""
    db = get_session()
    user = get_user(db, login[:LOGIN_MAX])
    what = request.form.get("change")
    if what == "role":
        role = Role.parse(request.form.get("role"))
        detail = {"change": "role", "from": user.role.value, "to": role.value}
        set_role(db, user, role)
    elif what in ("disable", "enable"):
        set_active(db, user, what == "enable")
        detail = {"change": what}
    elif what == "logout":
        end_sessions(db, user)
        detail = {"change": "logged out everywhere"}
    else:
        raise ValidationError("user-change-unknown", "unknown change {change!r}: use role, "
                              "disable, enable or logout", change=str(what)[:40])
    record_audit(AuditAction.USER_CHANGE, "user", user.login, detail)
    db.commit()
    return redirect(url_for("admin.users"), code=303)


def _day(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        return dt.datetime.combine(dt.date.fromisoformat(value[:10]), dt.time(), dt.UTC)
    except ValueError:
        raise ValidationError("date-invalid", "not a date: {value!r} (use YYYY-MM-DD)",
                              value=value[:20]) from None


@bp.get("/audit")
@requires(Role.ADMIN)
def audit() -> ResponseReturnValue:
    """The audit log, newest first, by page, filtered by day, action and user."""
    db = get_session()
    page = request.args.get("page", 1, type=int)
    if not 1 <= page <= AUDIT_PAGES_MAX:
        raise ValidationError("page-number-range", "pages are numbered from 1 to {max:,}",
                              max=AUDIT_PAGES_MAX)
    action = request.args.get("action") or None
    login = request.args.get("user") or None
    since, until = _day(request.args.get("since")), _day(request.args.get("until"))
    events = list_events(db, since=since, until=until + dt.timedelta(days=1) if until else None,
                         action=AuditAction(action) if action in set(AuditAction) else None,
                         user=get_user(db, login[:LOGIN_MAX]) if login else None,
                         limit=AUDIT_PAGE + 1, offset=(page - 1) * AUDIT_PAGE)
    filters = {key: request.args.get(key, "")[:100] for key in ("since", "until", "action",
                                                              "user")}
    return render_template("admin/audit.html", events=events[:AUDIT_PAGE], page=page,
                           more=len(events) > AUDIT_PAGE, filters=filters,
                           actions=list(AuditAction))
