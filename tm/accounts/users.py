"""Users: who they are, their role, their password, whether they may log in.

The one writer of the ``user_account`` table. Functions take the caller's session and never
commit. Users are disabled, never deleted, so every change keeps its author.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tm.accounts.passwords import hash_password, needs_rehash, verify_password
from tm.errors import ConflictError, NotFoundError, ValidationError
from tm.messages import Plural
from tm.models import Role, User, utcnow

LOGIN_MAX = 100
DISPLAY_NAME_MAX = 200
EMAIL_MAX = 320
# Letters, digits and . _ - @ (an e-mail address can be a login); no spaces, nothing a
# page or a shell would read as markup.
LOGIN_PATTERN = re.compile(r"[^\W_][\w.@-]*")
EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def normalize_login(login: str) -> str:
    """Return ``login`` as it is stored (trimmed, case-folded), or refuse it, saying why."""
    login = login.strip().casefold()
    if not login or len(login) > LOGIN_MAX or not LOGIN_PATTERN.fullmatch(login):
        raise ValidationError(Plural(
            "login-invalid", "a login is 1 to {count} letter, digit and . _ - @, "
            "starting with a letter or digit: {login!r}", "a login is 1 to {count} letters, "
            "digits and . _ - @, starting with a letter or digit: {login!r}",
            count=LOGIN_MAX, login=login[:LOGIN_MAX]))
    return login


def create_user(session: Session, login: str, *, role: Role, password: str | None,
                display_name: str | None = None, email: str | None = None) -> User:
    """Add a user; ``password`` None makes one who logs in only by a login link."""
    shown = display_name or login.strip()
    login = normalize_login(login)
    if find_user(session, login) is not None:
        raise ConflictError("user-exists", "there is already a user {login!r}", login=login)
    user = User(login=login, display_name=_display_name(shown),
                email=_email(email), role=role, active=True, credentials=0,
                password_hash=None if password is None else hash_password(password))
    session.add(user)
    session.flush()
    return user


def find_user(session: Session, login: str) -> User | None:
    """Return the user with ``login`` (in any case), or None."""
    return session.scalar(select(User).where(User.login == login.strip().casefold()))


def get_user(session: Session, login: str) -> User:
    """Return the user with ``login``; NotFoundError if there is none."""
    user = find_user(session, login)
    if user is None:
        raise NotFoundError("user-missing", "no user {login!r}", login=login.strip()[:LOGIN_MAX])
    return user


def list_users(session: Session) -> Sequence[User]:
    """Return every user, by login."""
    return session.scalars(select(User).order_by(User.login)).all()


def count_users(session: Session) -> int:
    """Return how many users there are."""
    return session.scalar(select(func.count()).select_from(User)) or 0


def authenticate(session: Session, login: str, password: str) -> User | None:
    """Return the active user whose login and password these are, else None.

    A successful login records its time and moves an old hash to today's parameters.
    Unknown logins take as long as wrong passwords.
    """
    user = find_user(session, login) if len(login) <= LOGIN_MAX else None
    if not verify_password(user.password_hash if user else None, password):
        return None
    assert user is not None and user.password_hash is not None
    if not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    record_login(user)
    return user


def record_login(user: User) -> None:
    """Note that ``user`` has just logged in (by a password or a login link)."""
    user.last_login_at = utcnow()


def set_role(session: Session, user: User, role: Role) -> None:
    """Give ``user`` ``role``; their tokens never grant more than it from now on."""
    if user.role == Role.ADMIN and role != Role.ADMIN:
        _keep_an_admin(session, user)
    user.role = role


def set_active(session: Session, user: User, active: bool) -> None:
    """Enable or disable ``user``; disabling also ends their sessions and tokens."""
    if not active:
        if user.role == Role.ADMIN:
            _keep_an_admin(session, user)
        end_sessions(session, user)
    user.active = active


def set_password(session: Session, user: User, password: str) -> None:
    """Give ``user`` a new password and end their sessions and tokens."""
    user.password_hash = hash_password(password)
    end_sessions(session, user)


def end_sessions(session: Session, user: User) -> None:
    """Log ``user`` out everywhere: every session ends, every token and login link stops."""
    from tm.accounts.tokens import revoke_all

    user.credentials += 1
    revoke_all(session, user)


def _keep_an_admin(session: Session, user: User) -> None:
    others = session.scalar(select(func.count()).select_from(User).where(
        User.role == Role.ADMIN, User.active.is_(True), User.id != user.id)) or 0
    if not others:
        raise ConflictError("last-admin", "{login!r} is the last active admin: make another first",
                            login=user.login)


def _display_name(name: str) -> str:
    name = " ".join(name.split())
    if not name or len(name) > DISPLAY_NAME_MAX:
        raise ValidationError(Plural("display-name-length",
                                     "a display name is 1 to {count} character",
                                     "a display name is 1 to {count} characters",
                                     count=DISPLAY_NAME_MAX))
    return name


def _email(email: str | None) -> str | None:
    if email is None or not email.strip():
        return None
    email = email.strip()
    if len(email) > EMAIL_MAX or not EMAIL_PATTERN.fullmatch(email):
        raise ValidationError("email-invalid", "not an e-mail address: {email!r}",
                              email=email[:EMAIL_MAX])
    return email


def set_profile(user: User, *, display_name: str | None = None,
                email: str | None = None) -> None:
    """Change the name ``user`` is shown by and their e-mail address."""
    if display_name is not None:
        user.display_name = _display_name(display_name)
    if email is not None:
        user.email = _email(email)
