"""Accounts in the core: users and passwords, roles, API tokens and login links, the audit log."""
from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session

from tm.accounts import audit, tokens
from tm.accounts.audit import list_events, record_event
from tm.accounts.passwords import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    check_password_rules,
    hash_password,
    verify_password,
)
from tm.accounts.tokens import (
    authenticate_token,
    create_login_link,
    create_token,
    redeem_login_link,
    revoke_token,
)
from tm.accounts.users import (
    LOGIN_MAX,
    authenticate,
    create_user,
    end_sessions,
    find_user,
    normalize_login,
    set_active,
    set_password,
    set_role,
)
from tm.errors import ConflictError, ValidationError
from tm.models import ApiToken, AuditAction, AuditEvent, Role, User, utcnow

PASSWORD = "correct horse battery"


def _user(session: Session, login: str = "vera", role: Role = Role.TRANSLATOR,
          password: str | None = None) -> User:
    """A user; without a password unless the test needs one (hashing costs 64 MiB)."""
    return create_user(session, login, role=role, password=password)


# Passwords


@pytest.mark.parametrize("length, allowed", [
    (0, False), (MIN_PASSWORD_LENGTH - 1, False), (MIN_PASSWORD_LENGTH, True),
    (MAX_PASSWORD_LENGTH, True), (MAX_PASSWORD_LENGTH + 1, False),
])
def test_password_length_rules(length: int, allowed: bool) -> None:
    if allowed:
        check_password_rules("p" * length)
    else:
        with pytest.raises(ValidationError, match="a password"):
            check_password_rules("p" * length)
    assert (MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH) == (10, 1000)


def test_a_user_with_a_short_password_is_refused(session: Session) -> None:
    with pytest.raises(ValidationError, match="at least 10 characters"):
        _user(session, password="short")
    assert find_user(session, "vera") is None


def test_a_password_is_kept_as_an_argon2id_hash_never_as_itself(session: Session) -> None:
    user = _user(session, password=PASSWORD)
    assert user.password_hash is not None and user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert hash_password(PASSWORD) != user.password_hash  # salted


@pytest.mark.parametrize("stored, password, expected", [
    ("hash", PASSWORD, True),
    ("hash", PASSWORD + "!", False),
    ("hash", "", False),
    ("hash", "x" * (MAX_PASSWORD_LENGTH + 1), False),
    (None, PASSWORD, False),
    ("not a hash", PASSWORD, False),
])
def test_verify_password(stored: str | None, password: str, expected: bool) -> None:
    stored_hash = hash_password(PASSWORD) if stored == "hash" else stored
    assert verify_password(stored_hash, password) is expected


def test_authenticate_takes_the_right_password_in_any_case_of_login(session: Session) -> None:
    user = _user(session, password=PASSWORD)
    assert user.last_login_at is None
    assert authenticate(session, " VERA ", PASSWORD) is user
    assert user.last_login_at is not None


@pytest.mark.parametrize("login, password", [
    ("vera", "wrong password"), ("nobody", PASSWORD), ("x" * (LOGIN_MAX + 1), PASSWORD),
])
def test_authenticate_refuses_a_wrong_password_or_an_unknown_user(
        session: Session, login: str, password: str) -> None:
    _user(session, password=PASSWORD)
    assert authenticate(session, login, password) is None


def test_a_user_without_a_password_cannot_log_in_by_one(session: Session) -> None:
    _user(session)
    assert authenticate(session, "vera", PASSWORD) is None


def test_a_disabled_user_cannot_authenticate(session: Session) -> None:
    user = _user(session, password=PASSWORD)
    set_active(session, user, False)
    assert authenticate(session, "vera", PASSWORD) is None
    set_active(session, user, True)
    assert authenticate(session, "vera", PASSWORD) is user


def test_an_old_hash_moves_to_todays_parameters_at_login(session: Session) -> None:
    user = _user(session, password=PASSWORD)
    user.password_hash = PasswordHasher(time_cost=1, memory_cost=8192).hash(PASSWORD)
    old = user.password_hash
    assert authenticate(session, "vera", PASSWORD) is user
    assert user.password_hash != old and verify_password(user.password_hash, PASSWORD)


# Logins


@pytest.mark.parametrize("given, stored", [
    ("vera", "vera"),
    ("  Vera.Petrova ", "vera.petrova"),
    ("V.Petrova@Example.COM", "v.petrova@example.com"),
    ("ВЕРА_П", "вера_п"),
    ("Straße", "strasse"),
    ("7-up", "7-up"),
    ("v" * LOGIN_MAX, "v" * LOGIN_MAX),
])
def test_logins_are_trimmed_and_case_folded(given: str, stored: str) -> None:
    assert normalize_login(given) == stored


@pytest.mark.parametrize("login", [
    "", "   ", "two words", "_vera", ".vera", "-vera", "vera<b>", "vera;rm", "vera/x",
    "vera'", "v" * (LOGIN_MAX + 1),
])
def test_logins_refuse_other_characters_and_lengths(login: str) -> None:
    with pytest.raises(ValidationError, match="a login is"):
        normalize_login(login)


def test_a_login_is_kept_normalised_with_its_display_name_as_typed(session: Session) -> None:
    user = create_user(session, " Vera ", role=Role.VIEWER, password=None)
    assert (user.login, user.display_name) == ("vera", "Vera")
    assert find_user(session, "VERA") is user


def test_a_duplicate_login_is_refused_in_any_case(session: Session) -> None:
    _user(session)
    with pytest.raises(ConflictError, match="already a user 'vera'"):
        _user(session, "VERA")


# Roles


def test_roles_are_ordered_each_including_the_ones_before() -> None:
    assert list(Role) == [Role.VIEWER, Role.TRANSLATOR, Role.REVIEWER, Role.MANAGER, Role.ADMIN]
    assert Role.MANAGER.includes(Role.TRANSLATOR) and not Role.TRANSLATOR.includes(Role.MANAGER)
    with pytest.raises(ValidationError, match="unknown role 'boss'"):
        Role.parse("boss")


def test_the_last_active_admin_can_be_neither_demoted_nor_disabled(session: Session) -> None:
    admin = _user(session, "root", Role.ADMIN)
    with pytest.raises(ConflictError, match="last active admin"):
        set_role(session, admin, Role.MANAGER)
    with pytest.raises(ConflictError, match="last active admin"):
        set_active(session, admin, False)
    assert admin.role is Role.ADMIN and admin.active


def test_a_disabled_admin_does_not_count_as_another(session: Session) -> None:
    admin, other = _user(session, "root", Role.ADMIN), _user(session, "ops", Role.ADMIN)
    set_active(session, other, False)
    with pytest.raises(ConflictError):
        set_role(session, admin, Role.VIEWER)
    set_active(session, other, True)
    set_role(session, admin, Role.VIEWER)
    assert admin.role is Role.VIEWER


# Logging out everywhere


@pytest.mark.parametrize("how", ["end_sessions", "set_password", "disable"])
def test_ending_sessions_moves_credentials_on_and_stops_tokens_and_links(
        session: Session, how: str) -> None:
    user = _user(session)
    _, secret = create_token(session, user, "script")
    _, link = create_login_link(session, user)
    if how == "end_sessions":
        end_sessions(session, user)
    elif how == "set_password":
        set_password(session, user, "another good password")
    else:
        set_active(session, user, False)
    assert user.credentials == 1
    session.expire_all()
    assert all(t.revoked_at is not None for t in session.scalars(select(ApiToken)))
    assert authenticate_token(session, secret) is None
    assert redeem_login_link(session, link) is None


# API tokens


def test_a_token_secret_is_shown_once_and_only_its_sha256_kept(session: Session) -> None:
    user = _user(session)
    token, secret = create_token(session, user, "  CAT   tool ")
    assert secret.startswith("svt_") and len(secret) > 40
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:10] and token.name == "CAT tool"
    stored = [getattr(token, c.key) for c in ApiToken.__table__.columns]
    assert secret not in stored
    credential = authenticate_token(session, secret)
    assert credential is not None and credential.user is user
    assert credential.role is Role.TRANSLATOR and token.last_used_at is not None


@pytest.mark.parametrize("secret", ["", "svt_", "svt_nonsense", "svl_nonsense", "x" * 101])
def test_an_unknown_secret_grants_nothing(session: Session, secret: str) -> None:
    create_token(session, _user(session), "script")
    assert authenticate_token(session, secret) is None


def test_a_token_cannot_have_more_than_its_users_role(session: Session) -> None:
    user = _user(session, role=Role.TRANSLATOR)
    with pytest.raises(ValidationError, match="at most the role 'translator'"):
        create_token(session, user, "script", role=Role.MANAGER)


def test_a_token_grants_its_role_or_less_when_the_user_is_demoted(session: Session) -> None:
    user = _user(session, role=Role.MANAGER)
    _, capped = create_token(session, user, "capped", role=Role.MANAGER)
    _, lower = create_token(session, user, "lower", role=Role.VIEWER)
    _, default = create_token(session, user, "default")
    granted = {name: authenticate_token(session, secret)
               for name, secret in [("capped", capped), ("lower", lower), ("default", default)]}
    assert {name: c.role for name, c in granted.items() if c} == {
        "capped": Role.MANAGER, "lower": Role.VIEWER, "default": Role.MANAGER}
    set_role(session, user, Role.TRANSLATOR)
    for secret, role in [(capped, Role.TRANSLATOR), (lower, Role.VIEWER),
                         (default, Role.TRANSLATOR)]:
        credential = authenticate_token(session, secret)
        assert credential is not None and credential.role is role


@pytest.mark.parametrize("days", [0, tokens.MAX_EXPIRY_DAYS + 1])
def test_token_expiry_is_1_to_3650_days(session: Session, days: int) -> None:
    with pytest.raises(ValidationError, match="expires after"):
        create_token(session, _user(session), "script", expires_days=days)


@pytest.mark.parametrize("name", ["", "   ", "n" * (tokens.TOKEN_NAME_MAX + 1)])
def test_a_token_needs_a_name(session: Session, name: str) -> None:
    with pytest.raises(ValidationError, match="a token name"):
        create_token(session, _user(session), name)


def _later(monkeypatch: pytest.MonkeyPatch, delta: dt.timedelta) -> None:
    """Move the clock the token checks ``delta`` on."""
    moment = utcnow() + delta
    monkeypatch.setattr(tokens, "utcnow", lambda: moment)


def test_a_token_stops_when_it_expires(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    _, secret = create_token(session, _user(session), "script", expires_days=30)
    _later(monkeypatch, dt.timedelta(days=29))
    assert authenticate_token(session, secret) is not None
    _later(monkeypatch, dt.timedelta(days=30, minutes=1))
    assert authenticate_token(session, secret) is None


def test_a_revoked_token_grants_nothing(session: Session) -> None:
    token, secret = create_token(session, _user(session), "script")
    revoke_token(token)
    assert token.revoked_at is not None
    assert authenticate_token(session, secret) is None


def test_a_disabled_users_token_is_refused_even_once_enabled_again(session: Session) -> None:
    user = _user(session)
    _, secret = create_token(session, user, "script")
    set_active(session, user, False)
    assert authenticate_token(session, secret) is None
    set_active(session, user, True)
    assert authenticate_token(session, secret) is None


def test_an_inactive_user_is_refused_whatever_the_token(session: Session) -> None:
    user = _user(session)
    _, secret = create_token(session, user, "script")
    user.active = False  # however it came to be: the token checks its user each time
    assert authenticate_token(session, secret) is None


# Login links


def test_a_login_link_works_once(session: Session) -> None:
    user = _user(session)
    _, secret = create_login_link(session, user)
    assert secret.startswith("svl_")
    assert authenticate_token(session, secret) is None  # not an API token
    assert redeem_login_link(session, secret) is user
    assert redeem_login_link(session, secret) is None


def test_a_login_link_expires_after_its_minutes(
        session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    user = _user(session)
    _, secret = create_login_link(session, user, minutes=5)
    _, fresh = create_login_link(session, user, minutes=5)
    _later(monkeypatch, dt.timedelta(minutes=4))
    assert redeem_login_link(session, fresh) is user
    _later(monkeypatch, dt.timedelta(minutes=5, seconds=1))
    assert redeem_login_link(session, secret) is None


def test_an_api_token_is_no_login_link(session: Session) -> None:
    _, secret = create_token(session, _user(session), "script")
    assert redeem_login_link(session, secret) is None


# The audit log


def test_an_event_records_its_actor(session: Session) -> None:
    user = _user(session)
    by_user = record_event(session, AuditAction.LOGIN, user=user, address="203.0.113.9")
    failed = record_event(session, AuditAction.LOGIN_FAILED, actor="Mallory" * 20,
                          address="198.51.100.1")
    named = record_event(session, AuditAction.DELETE, actor="cli:ops", object_type="document",
                         object_id=42, detail={"title": "Sputnik"})
    session.flush()
    assert (by_user.user_id, by_user.actor, by_user.address) == (user.id, "vera", "203.0.113.9")
    assert failed.user_id is None and failed.actor == ("Mallory" * 20)[:audit.ACTOR_MAX]
    assert (named.object_type, named.object_id, named.detail) == (
        "document", "42", {"title": "Sputnik"})
    assert by_user.at is not None


def _events_at(session: Session, user: User, other: User) -> dict[str, AuditEvent]:
    """Four events, an hour apart from 09:00, the last one by ``other``."""
    start = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    events = {}
    for hour, (name, action, by) in enumerate([
            ("login", AuditAction.LOGIN, user), ("export", AuditAction.EXPORT, user),
            ("logout", AuditAction.LOGOUT, user), ("other", AuditAction.LOGIN, other)]):
        event = record_event(session, action, user=by)
        event.at = start + dt.timedelta(hours=hour)
        events[name] = event
    session.flush()
    return events


@pytest.mark.parametrize("filters, expected", [
    ({}, ["other", "logout", "export", "login"]),
    ({"since": dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)}, ["other", "logout", "export"]),
    ({"until": dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)}, ["login"]),
    ({"since": dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC),
      "until": dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC)}, ["logout", "export"]),
    ({"action": AuditAction.LOGIN}, ["other", "login"]),
    ({"user": "vera"}, ["logout", "export", "login"]),
    ({"user": "vera", "action": AuditAction.LOGIN}, ["login"]),
    ({"limit": 2}, ["other", "logout"]),
    ({"limit": 2, "offset": 2}, ["export", "login"]),
])
def test_events_are_listed_newest_first_and_filtered(
        session: Session, filters: dict[str, object], expected: list[str]) -> None:
    user, other = _user(session), _user(session, "boris")
    events = _events_at(session, user, other)
    names = {event.id: name for name, event in events.items()}
    if filters.get("user") == "vera":
        filters = {**filters, "user": user}
    found = list_events(session, **filters)  # type: ignore[arg-type]
    assert [names[event.id] for event in found] == expected
