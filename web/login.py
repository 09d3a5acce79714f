"""Logging in and out: a password, or a one-time login link (``sverka demo`` prints one).

A login starts a new session (the old one's contents, CSRF token included, are dropped,
so a session fixed by someone else before the login is worth nothing) and is recorded in
the audit log, as is every failed attempt; too many failures make the account and the
address wait (:mod:`web.throttle`).
"""
from __future__ import annotations

from flask import Blueprint, make_response, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_user, logout_user
from werkzeug.wrappers import Response

from tm.accounts import authenticate, record_event
from tm.accounts.passwords import MAX_PASSWORD_LENGTH
from tm.accounts.tokens import redeem_login_link
from tm.accounts.users import LOGIN_MAX, record_login
from tm.models import AuditAction, Role, User
from web.access import PUBLIC, SessionUser, current_actor, requires
from web.audit import client_address, record_audit
from web.db import get_session
from web.throttle import login_throttle
from web.urls import safe_next

bp = Blueprint("login", __name__)


def _clear_session() -> None:
    """Empty the session but for the UI language."""
    locale = session.get("locale")
    session.clear()
    if locale is not None:
        session["locale"] = locale


def start_session(user: User) -> None:
    """Log ``user`` in, in a new session that keeps only the UI language."""
    _clear_session()
    login_user(SessionUser(user))


@bp.get("/login")
@requires(PUBLIC)
def form() -> ResponseReturnValue:
    """The login page; someone already logged in goes on to where they were going."""
    if current_actor() is not None:
        return redirect(safe_next(request.args.get("next")), code=303)
    return render_template("login/form.html", next=safe_next(request.args.get("next")),
                           login="", error=None)


@bp.post("/login")
@requires(PUBLIC)
def submit() -> ResponseReturnValue:
    """Check the login and password; start a session, or say why not."""
    login = request.form.get("login", "").strip()[:LOGIN_MAX]
    password = request.form.get("password", "")[:MAX_PASSWORD_LENGTH + 1]
    target = safe_next(request.form.get("next"))
    address, throttle, db = client_address(), login_throttle(), get_session()
    key = login.casefold()
    wait = throttle.wait_seconds(key, address)
    if wait:
        minutes = max(1, -(-wait // 60))
        response = make_response(render_template(
            "login/form.html", next=target, login=login,
            error=_("Too many failed logins. Try again in %(minutes)d min.",
                    minutes=minutes)), 429)
        response.headers["Retry-After"] = str(wait)
        return response
    user = authenticate(db, login, password) if login and password else None
    if user is None:
        throttle.failed(key, address)
        db.rollback()
        record_event(db, AuditAction.LOGIN_FAILED, actor=login or None, address=address)
        db.commit()
        return render_template("login/form.html", next=target, login=login,
                               error=_("Wrong login or password.")), 401
    throttle.succeeded(key)
    record_event(db, AuditAction.LOGIN, user=user, address=address)
    db.commit()
    start_session(user)
    return redirect(target, code=303)


@bp.get("/login/link/<secret>")
@requires(PUBLIC)
def link(secret: str) -> ResponseReturnValue:
    """Log in with a one-time link; it works once, for a few minutes."""
    db = get_session()
    user = redeem_login_link(db, secret)
    if user is None or not user.active:
        db.rollback()
        return render_template("login/form.html", next=url_for("index"), login="",
                               error=_("This login link has been used or has expired. "
                                       "Log in with your password, or ask for a new link.")), 401
    record_event(db, AuditAction.LOGIN, user=user, address=client_address(),
                 detail={"by": "login link"})
    record_login(user)
    db.commit()
    start_session(user)
    return redirect(url_for("index"), code=303)


@bp.post("/logout")
@requires(Role.VIEWER)
def logout() -> Response:
    """End this session."""
    record_audit(AuditAction.LOGOUT)
    get_session().commit()
    logout_user()
    _clear_session()
    return redirect(url_for("login.form"), code=303)
