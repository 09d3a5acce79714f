"""A user's own account: name, password, API tokens, and logging out everywhere."""
from __future__ import annotations

from flask import (
    Blueprint,
    flash,
    get_flashed_messages,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from tm.accounts.passwords import MIN_PASSWORD_LENGTH, verify_password
from tm.accounts.tokens import create_token, get_token, list_tokens, revoke_token
from tm.accounts.users import end_sessions, set_password, set_profile
from tm.errors import ForbiddenError, ValidationError
from tm.models import AuditAction, Role
from web.access import require_actor, requires
from web.audit import record_audit
from web.db import get_session
from web.login import start_session
from web.urls import safe_next

bp = Blueprint("account", __name__)
NEW_TOKEN = "new-token"  # the flash category of a token's secret, shown once


def _page(status: int = 200, error: str | None = None) -> ResponseReturnValue:
    actor = require_actor()
    secrets = get_flashed_messages(category_filter=[NEW_TOKEN])
    return render_template(
        "account/page.html", user=actor.user, error=error,
        tokens=list_tokens(get_session(), actor.user), new_secret=secrets[0] if secrets else None,
        roles=[role for role in Role if actor.user.role.includes(role)],
        min_password=MIN_PASSWORD_LENGTH), status


@bp.get("/account")
@requires(Role.VIEWER)
def page() -> ResponseReturnValue:
    """The user's account: profile, password, tokens."""
    return _page()


@bp.post("/account/profile")
@requires(Role.VIEWER)
def profile() -> Response:
    """Change the name the user's work is shown by, and their e-mail."""
    actor, db = require_actor(), get_session()
    set_profile(actor.user, display_name=request.form.get("display_name", ""),
                email=request.form.get("email", ""))
    db.commit()
    return redirect(url_for("account.page"), code=303)


@bp.post("/account/password")
@requires(Role.VIEWER)
def password() -> ResponseReturnValue:
    """Change the password (the current one proves it is the user); other sessions end."""
    actor, db = require_actor(), get_session()
    new = request.form.get("new_password", "")
    if not verify_password(actor.user.password_hash, request.form.get("password", "")):
        return _page(422, _("The current password is wrong."))
    if new != request.form.get("new_password_again", ""):
        return _page(422, _("The two new passwords differ."))
    set_password(db, actor.user, new)
    record_audit(AuditAction.USER_CHANGE, "user", actor.user.login, {"change": "password"})
    db.commit()
    start_session(actor.user)  # this session goes on; every other one has ended
    return redirect(url_for("account.page"), code=303)


@bp.post("/account/tokens")
@requires(Role.VIEWER)
def create() -> Response:
    """Make an API token; its secret is shown once, on the next page."""
    actor, db = require_actor(), get_session()
    role = request.form.get("role") or None
    days = request.form.get("expires", "")
    if days and not days.isdigit():
        raise ValidationError("token-days-invalid",
                              "Give the days until the token expires as a number.")
    token, secret = create_token(db, actor.user, request.form.get("name", ""),
                                 role=Role.parse(role) if role else None,
                                 expires_days=int(days[:5]) if days else None)
    record_audit(AuditAction.TOKEN_CREATE, "token", token.id)
    db.commit()
    flash(secret, NEW_TOKEN)
    return redirect(url_for("account.page"), code=303)


@bp.post("/account/tokens/<int:token_id>/revoke")
@requires(Role.VIEWER)
def revoke(token_id: int) -> Response:
    """Revoke one of the user's own tokens (an admin revokes anyone's)."""
    actor, db = require_actor(), get_session()
    token = get_token(db, token_id)
    if token.user_id != actor.user.id and not actor.may(Role.ADMIN):
        raise ForbiddenError("token-not-yours", "This is not your token.")
    revoke_token(token)
    record_audit(AuditAction.TOKEN_REVOKE, "token", token.id)
    db.commit()
    return redirect(safe_next(request.form.get("next") or url_for("account.page")), code=303)


@bp.post("/account/logout-everywhere")
@requires(Role.VIEWER)
def logout_everywhere() -> Response:
    """End every session of the user, this one too, and stop all their tokens."""
    actor, db = require_actor(), get_session()
    end_sessions(db, actor.user)
    record_audit(AuditAction.LOGOUT_EVERYWHERE)
    db.commit()
    return redirect(url_for("login.form"), code=303)
