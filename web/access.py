"""Who is asking, and whether they may: sessions, API tokens, and a role for every route.

Every view declares the least role it needs with :func:`requires` (or :data:`PUBLIC`); a
route that declares nothing is refused to everyone, so a new route cannot be left open by
mistake (``tests/test_web_access.py`` walks them all). People log in with a password
(:mod:`web.login`) and are remembered by the signed session cookie through Flask-Login;
programs send ``Authorization: Bearer <token>`` to ``/api/`` routes, which need no CSRF
token and never grant more than the token's user's role at that moment.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, current_app, g, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import LoginManager, UserMixin, current_user, logout_user

from tm.accounts.tokens import authenticate_token
from tm.errors import ForbiddenError
from tm.models import Role, User
from web.api import json_error
from web.db import get_session
from web.labels import role_label

View = TypeVar("View", bound=Callable[..., Any])
PUBLIC = "public"  # the rule of routes anyone may use: the login page, static files
ACCESS_ATTRIBUTE = "sverka_access"
# Minutes without a request after which a session ends (SVERKA_IDLE_TIMEOUT_MINUTES).
IDLE_TIMEOUT_MINUTES = 240


@dataclass(frozen=True)
class Actor:
    """The user a request acts for, the role it has now, and whether a token brought it."""

    user: User
    role: Role
    by_token: bool = False

    def may(self, role: Role) -> bool:
        """Whether this request may do what ``role`` may."""
        return self.role.includes(role)


class SessionUser(UserMixin):  # type: ignore[misc]
    """A user as Flask-Login keeps them in the session: id and credentials count."""

    def __init__(self, user: User) -> None:
        self.user = user

    def get_id(self) -> str:
        # The count ends every session begun before the user was logged out everywhere.
        return f"{self.user.id}.{self.user.credentials}"


def requires(role: Role | str) -> Callable[[View], View]:
    """Declare the least role a view needs (:data:`PUBLIC`: none, not even a login)."""
    def declare(view: View) -> View:
        setattr(view, ACCESS_ATTRIBUTE, role)
        return view
    return declare


def access_rule(endpoint: str | None) -> Role | str | None:
    """Return the role the view of ``endpoint`` needs, PUBLIC, or None if it declares none."""
    if endpoint == "static":
        return PUBLIC
    view = current_app.view_functions.get(endpoint or "")
    return getattr(view, ACCESS_ATTRIBUTE, None)


def current_actor() -> Actor | None:
    """Return who this request acts for, or None for an anonymous one."""
    actor: Actor | None = g.get("actor")
    return actor


def require_actor() -> Actor:
    """Return who this request acts for; views behind :func:`requires` always have one."""
    actor = current_actor()
    if actor is None:
        raise ForbiddenError("login-required", "Log in first.")
    return actor


def _load_user(user_id: str) -> SessionUser | None:
    number, _, credentials = user_id.partition(".")
    if not number.isdigit() or len(number) > 10:
        return None
    user = get_session().get(User, int(number))
    if user is None or not user.active or str(user.credentials) != credentials:
        return None
    return SessionUser(user)


def _from_token(header: str) -> Actor | None:
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    session = get_session()
    credential = authenticate_token(session, secret.strip())
    if credential is None:
        session.rollback()
        return None
    if credential.noted:
        session.commit()
    return Actor(credential.user, credential.role, by_token=True)


def _idle_expired(touch: bool) -> bool:
    # ``touch``: this request counts as activity (a public one, /healthz, does not).
    now = int(time.time())
    seen = session.get("seen")
    limit = 60 * int(current_app.config.get("IDLE_TIMEOUT_MINUTES", IDLE_TIMEOUT_MINUTES))
    if isinstance(seen, int) and now - seen > limit:
        return True
    if touch and (not isinstance(seen, int) or now - seen > 60):  # a write a minute will do
        session["seen"] = now
    return False


def _unauthenticated(message: str) -> ResponseReturnValue:
    if request.path.startswith("/api/"):
        response, status = json_error(401, "Unauthorized", message)
        response.headers["WWW-Authenticate"] = 'Bearer realm="sverka"'
        return response, status
    return redirect(url_for("login.form", next=request.full_path.rstrip("?")), code=303)


def authorize() -> ResponseReturnValue | None:
    """Find who the request acts for and refuse it if its route needs more (before_request)."""
    g.actor = None
    rule = access_rule(request.endpoint)
    header = request.headers.get("Authorization")
    if header is not None and request.path.startswith("/api/"):
        g.actor = _from_token(header)
        if g.actor is None:
            return _unauthenticated(_("The API token is not valid (revoked, expired or "
                                      "mistyped)."))
    elif current_user.is_authenticated:
        if _idle_expired(touch=rule != PUBLIC):
            logout_user()
            session.clear()
        else:
            g.actor = Actor(current_user.user, current_user.user.role)
    if request.endpoint is None or rule == PUBLIC:
        return None  # a 404 or 405 is answered as such; public routes need nobody
    if g.actor is None:
        return _unauthenticated(_("Log in to use Sverka."))
    if rule is None or not g.actor.may(Role(rule)):
        raise ForbiddenError("role-forbidden", "Your role ({role}) may not do this.",
                             role=role_label(g.actor.role))
    return None


def may(role: str) -> bool:
    """In templates: whether the user may do what ``role`` may (to hide what they may not)."""
    actor = current_actor()
    return actor is not None and actor.may(Role(role))


def init_app(app: Flask) -> None:
    """Load users from the session, check every request's access, offer ``may`` to pages."""
    manager = LoginManager(app)
    # No "fresh login" pages here, so Flask-Login's session protection (which only marks a
    # session not fresh when the address changes) adds nothing; sessions end by the idle
    # timeout, a logout, "log out everywhere", or a new secret key.
    manager.session_protection = None
    manager.user_loader(_load_user)
    app.config.setdefault("IDLE_TIMEOUT_MINUTES", IDLE_TIMEOUT_MINUTES)
    app.before_request(authorize)
    app.jinja_env.globals.update(may=may, current_actor=current_actor)
