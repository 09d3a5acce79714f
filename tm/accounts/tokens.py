"""API tokens and one-time login links: secrets that stand for a user.

The one writer of the ``api_token`` table. A secret is shown once, when it is made; only
its SHA-256 is kept. A token never grants more than its user's role at the time it is used,
and stops when it expires, is revoked, or its user is disabled or logged out everywhere.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tm.errors import NotFoundError, ValidationError
from tm.messages import Plural
from tm.models import ApiToken, Role, User, utcnow

API = "api"
LOGIN_LINK = "login"
SECRET_PREFIX = {API: "svt_", LOGIN_LINK: "svl_"}
TOKEN_NAME_MAX = 100
MAX_EXPIRY_DAYS = 3650
LOGIN_LINK_MINUTES = 10
# The most a secret can be: anything longer is no secret of ours, refused unhashed.
SECRET_MAX = 100
SHOWN_PREFIX = 10


# A token's last use is written at most this often, so using one is mostly a read.
LAST_USED_EVERY = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class Credential:
    """Who a valid secret stands for, the role it grants now, and whether its use was noted.

    ``noted`` is true when this use changed the token's ``last_used_at`` (the caller
    commits it); uses within :data:`LAST_USED_EVERY` of the last noted one change nothing.
    """

    user: User
    role: Role
    token: ApiToken
    noted: bool


def create_token(session: Session, user: User, name: str, *, role: Role | None = None,
                 expires_days: int | None = None) -> tuple[ApiToken, str]:
    """Make an API token for ``user``; return it and its secret (shown once, never kept)."""
    name = " ".join(name.split())
    if not name or len(name) > TOKEN_NAME_MAX:
        raise ValidationError(Plural("token-name-length", "a token name is 1 to {count} character",
                                     "a token name is 1 to {count} characters",
                                     count=TOKEN_NAME_MAX))
    if role is not None and not user.role.includes(role):
        raise ValidationError("token-role-too-high",
                              "a token of {login!r} can have at most the role {role!r}",
                              login=user.login, role=user.role.value)
    if expires_days is not None and not 1 <= expires_days <= MAX_EXPIRY_DAYS:
        raise ValidationError(Plural("token-expiry-range", "a token expires after 1 to {count} day",
                                     "a token expires after 1 to {count} days",
                                     count=MAX_EXPIRY_DAYS))
    expires = None if expires_days is None else utcnow() + dt.timedelta(days=expires_days)
    return _create(session, user, API, name, role, expires)


def create_login_link(session: Session, user: User, *,
                      minutes: int = LOGIN_LINK_MINUTES) -> tuple[ApiToken, str]:
    """Make a one-time login secret for ``user``, valid for ``minutes``."""
    return _create(session, user, LOGIN_LINK, "login link", None,
                   utcnow() + dt.timedelta(minutes=minutes))


def authenticate_token(session: Session, secret: str) -> Credential | None:
    """Return what the API token ``secret`` grants now, or None if it grants nothing."""
    token = _find(session, secret, API)
    if token is None:
        return None
    now = utcnow()
    noted = token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY
    if noted:
        token.last_used_at = now
    user = token.user
    role = token.role if token.role and user.role.includes(token.role) else user.role
    return Credential(user, role, token, noted)


def redeem_login_link(session: Session, secret: str) -> User | None:
    """Return the user of the login link ``secret`` and use it up, or None if it is not valid."""
    token = _find(session, secret, LOGIN_LINK)
    if token is None:
        return None
    token.last_used_at = token.revoked_at = utcnow()
    return token.user


def list_tokens(session: Session, user: User | None = None) -> Sequence[ApiToken]:
    """Return the API tokens (of ``user``, or everyone's), newest first."""
    query = select(ApiToken).where(ApiToken.kind == API)
    if user is not None:
        query = query.where(ApiToken.user_id == user.id)
    return session.scalars(query.order_by(ApiToken.id.desc())).all()


def get_token(session: Session, token_id: int) -> ApiToken:
    """Return the API token ``token_id``; NotFoundError if there is none."""
    token = session.get(ApiToken, token_id)
    if token is None or token.kind != API:
        raise NotFoundError("token-missing", "no token {id}", id=token_id)
    return token


def revoke_token(token: ApiToken) -> None:
    """Stop ``token`` from granting anything, from now on."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()


def revoke_all(session: Session, user: User) -> None:
    """Revoke every token and login link of ``user``."""
    session.execute(update(ApiToken).where(ApiToken.user_id == user.id,
                                           ApiToken.revoked_at.is_(None))
                    .values(revoked_at=utcnow()))


def is_usable(token: ApiToken) -> bool:
    """Whether ``token`` would be accepted now."""
    now = utcnow()
    return (token.revoked_at is None and (token.expires_at is None or token.expires_at > now)
            and token.user.active and token.credentials == token.user.credentials)


def _create(session: Session, user: User, kind: str, name: str, role: Role | None,
            expires: dt.datetime | None) -> tuple[ApiToken, str]:
    secret = SECRET_PREFIX[kind] + secrets.token_urlsafe(32)
    token = ApiToken(user=user, kind=kind, name=name, secret_hash=_digest(secret),
                     prefix=secret[:SHOWN_PREFIX], role=role, credentials=user.credentials,
                     expires_at=expires)
    session.add(token)
    session.flush()
    return token, secret


def _find(session: Session, secret: str, kind: str) -> ApiToken | None:
    if len(secret) > SECRET_MAX or not secret.startswith(SECRET_PREFIX[kind]):
        return None
    token = session.scalar(select(ApiToken).where(ApiToken.secret_hash == _digest(secret)))
    if token is None or token.kind != kind or not is_usable(token):
        return None
    return token


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
