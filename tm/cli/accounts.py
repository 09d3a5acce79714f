"""``sverka user``, ``token`` and ``audit``: the desk's accounts, from the machine it runs on.

Whoever runs these commands has the database itself, so they need no login: they are how
the first user is made and how an administrator who lost access gets it back.
"""
from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from tm.cli.context import CliContext, emit_json, json_option, record_command_event
from tm.errors import InputError, ValidationError
from tm.models import AuditAction, Role

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from tm.models import ApiToken, AuditEvent, User

# Roles are parsed in the commands (Role.parse), not by a click.Choice: an unknown one is
# then one line and exit code 2, as every other error, instead of a usage message.
ROLES = ", ".join(Role)
AUDIT_LIMIT_MAX = 10_000


def user_json(user: User) -> dict[str, Any]:
    """A user as ``--json`` prints it (never a password hash)."""
    return {"login": user.login, "display_name": user.display_name, "email": user.email,
            "role": user.role.value, "active": user.active,
            "created_at": user.created_at.isoformat(),
            "last_login_at": user.last_login_at.isoformat() if user.last_login_at else None}


def token_json(token: ApiToken) -> dict[str, Any]:
    """A token as ``--json`` prints it (never its secret, which is not kept)."""
    from tm.accounts.tokens import is_usable

    return {"id": token.id, "user": token.user.login, "name": token.name,
            "prefix": token.prefix, "role": token.role.value if token.role else None,
            "created_at": token.created_at.isoformat(),
            "expires_at": token.expires_at.isoformat() if token.expires_at else None,
            "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
            "revoked": token.revoked_at is not None, "usable": is_usable(token)}


def event_json(event: AuditEvent) -> dict[str, Any]:
    """An audit event as ``--json`` prints it."""
    return {"id": event.id, "at": event.at.isoformat(), "user": event.actor,
            "action": event.action.value, "object_type": event.object_type,
            "object_id": event.object_id, "address": event.address, "detail": event.detail}


def _read_password(password_stdin: bool, prompt: str) -> str:
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise InputError("password-stdin-empty", "no password on standard input")
        return password
    if not sys.stdin.isatty():
        raise InputError("password-no-terminal",
                         "no terminal to ask for the password: give it with --password-stdin")
    return str(click.prompt(prompt, hide_input=True, confirmation_prompt=True))


@click.group("user")
def user_group() -> None:
    """Add, list and change the users who log in to the web app."""


@user_group.command("add")
@click.argument("login")
@click.option("--role", required=True, help=f"What the user may do: {ROLES}.")
@click.option("--display-name", help="The name shown for the user's work (default: LOGIN).")
@click.option("--email", help="The user's e-mail address.")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input, not a prompt.")
@json_option
@click.pass_obj
def user_add(ctx: CliContext, login: str, role: str, display_name: str | None,
             email: str | None, password_stdin: bool, as_json: bool) -> None:
    """Add user LOGIN with --role, asking for the password."""
    from tm.accounts import create_user
    from tm.accounts.passwords import check_password_rules

    chosen = Role.parse(role)
    password = _read_password(password_stdin, "Password")
    check_password_rules(password)
    with ctx.transaction() as session:
        user = create_user(session, login, role=chosen, password=password,
                           display_name=display_name, email=email)
        record_command_event(session, AuditAction.USER_ADD, "user", user.login,
                             {"role": chosen.value})
        shown = user_json(user)
    if as_json:
        emit_json(shown)
        return
    click.echo(f"added user {shown['login']!r} ({shown['role']})")


@user_group.command("list")
@json_option
@click.pass_obj
def user_list(ctx: CliContext, as_json: bool) -> None:
    """List the users with their roles."""
    from tm.accounts.users import list_users

    with ctx.transaction() as session:
        users = [user_json(user) for user in list_users(session)]
    if as_json:
        emit_json(users)
        return
    for user in users:
        state = "" if user["active"] else "  (disabled)"
        click.echo(f"{user['login']:<20} {user['role']:<10} {user['display_name']}{state}")
    if not users:
        click.echo("no users yet: add one with `sverka user add LOGIN --role admin`")


def _change(ctx: CliContext, login: str, change: str,
            apply: Callable[[Session, User], object], as_json: bool) -> None:
    from tm.accounts.users import get_user

    with ctx.transaction() as session:
        user = get_user(session, login)
        result = apply(session, user)
        detail = result if isinstance(result, dict) else {}
        record_command_event(session, AuditAction.USER_CHANGE, "user", user.login,
                             {"change": change, **detail})
        shown = user_json(user)
    if as_json:
        emit_json(shown)
        return
    click.echo(f"{shown['login']}: {change}")


@user_group.command("set-role")
@click.argument("login")
@click.argument("role")
@json_option
@click.pass_obj
def user_set_role(ctx: CliContext, login: str, role: str, as_json: bool) -> None:
    """Give user LOGIN the role ROLE: viewer, translator, reviewer, manager or admin."""
    from tm.accounts.users import set_role

    chosen = Role.parse(role)

    def apply(session: Session, user: User) -> dict[str, Any]:
        old = user.role.value
        set_role(session, user, chosen)
        return {"from": old, "to": chosen.value}

    _change(ctx, login, f"role {chosen.value}", apply, as_json)


@user_group.command("disable")
@click.argument("login")
@json_option
@click.pass_obj
def user_disable(ctx: CliContext, login: str, as_json: bool) -> None:
    """Stop user LOGIN from logging in; their sessions and tokens end."""
    from tm.accounts.users import set_active

    _change(ctx, login, "disabled", lambda session, user: set_active(session, user, False), as_json)


@user_group.command("enable")
@click.argument("login")
@json_option
@click.pass_obj
def user_enable(ctx: CliContext, login: str, as_json: bool) -> None:
    """Let a disabled user LOGIN log in again."""
    from tm.accounts.users import set_active

    _change(ctx, login, "enabled", lambda session, user: set_active(session, user, True), as_json)


@user_group.command("reset-password")
@click.argument("login")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input, not a prompt.")
@json_option
@click.pass_obj
def user_reset_password(ctx: CliContext, login: str, password_stdin: bool,
                        as_json: bool) -> None:
    """Give user LOGIN a new password; their sessions and tokens end."""
    from tm.accounts.passwords import check_password_rules
    from tm.accounts.users import set_password

    password = _read_password(password_stdin, "New password")
    check_password_rules(password)
    _change(ctx, login, "password reset",
            lambda session, user: set_password(session, user, password), as_json)


@user_group.command("logout")
@click.argument("login")
@json_option
@click.pass_obj
def user_logout(ctx: CliContext, login: str, as_json: bool) -> None:
    """Log user LOGIN out everywhere: their sessions, tokens and login links end."""
    from tm.accounts.users import end_sessions

    _change(ctx, login, "logged out everywhere",
            lambda session, user: end_sessions(session, user), as_json)


@click.group("token")
def token_group() -> None:
    """Create, list and revoke API tokens (Authorization: Bearer TOKEN)."""


@token_group.command("create")
@click.option("--user", "login", required=True, help="The user the token acts as.")
@click.option("--name", required=True, help="What the token is for (a script, a CAT tool).")
@click.option("--role", help=f"Grant at most this role ({ROLES}; default: the user's, "
              "whatever it is then).")
@click.option("--expires", "days", type=click.IntRange(1, 3650),
              help="Expire after this many days (default: never).")
@json_option
@click.pass_obj
def token_create(ctx: CliContext, login: str, name: str, role: str | None, days: int | None,
                 as_json: bool) -> None:
    """Create an API token for --user; its secret is printed once, never again."""
    from tm.accounts.tokens import create_token
    from tm.accounts.users import get_user

    chosen = Role.parse(role) if role is not None else None
    with ctx.transaction() as session:
        user = get_user(session, login)
        token, secret = create_token(session, user, name, role=chosen, expires_days=days)
        record_command_event(session, AuditAction.TOKEN_CREATE, "token", token.id,
                             {"user": user.login})
        shown = {**token_json(token), "token": secret}
    if as_json:
        emit_json(shown)
        return
    click.echo(secret)
    click.echo(f"token {shown['id']} for {login!r}: keep it now, it is not shown again",
               err=True)


@token_group.command("list")
@click.option("--user", "login", help="Only this user's tokens.")
@json_option
@click.pass_obj
def token_list(ctx: CliContext, login: str | None, as_json: bool) -> None:
    """List the API tokens with their last use."""
    from tm.accounts.tokens import list_tokens
    from tm.accounts.users import get_user

    with ctx.transaction() as session:
        user = get_user(session, login) if login else None
        tokens = [token_json(token) for token in list_tokens(session, user)]
    if as_json:
        emit_json(tokens)
        return
    for token in tokens:
        state = "usable" if token["usable"] else "revoked" if token["revoked"] else "expired"
        click.echo(f"{token['id']:>5}  {token['prefix']}…  {token['user']:<16} "
                   f"{token['name']:<24} last used {token['last_used_at'] or 'never'}  {state}")
    if not tokens:
        click.echo("no tokens")


@token_group.command("revoke")
@click.argument("token_id", type=click.IntRange(1, 2**31 - 1))
@json_option
@click.pass_obj
def token_revoke(ctx: CliContext, token_id: int, as_json: bool) -> None:
    """Revoke API token TOKEN_ID: it grants nothing from now on."""
    from tm.accounts.tokens import get_token, revoke_token

    with ctx.transaction() as session:
        token = get_token(session, token_id)
        revoke_token(token)
        record_command_event(session, AuditAction.TOKEN_REVOKE, "token", token.id,
                             {"user": token.user.login})
        shown = token_json(token)
    if as_json:
        emit_json(shown)
        return
    click.echo(f"token {token_id} revoked")


def _moment(value: str | None, option: str) -> dt.datetime | None:
    if value is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError("moment-invalid", "{option}: not a date or time: {value!r} "
                              "(use YYYY-MM-DD or YYYY-MM-DDTHH:MM)",
                              option=option, value=value) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


@click.command("audit")
@click.option("--since", help="Only events from this date or time on (YYYY-MM-DD[THH:MM], UTC).")
@click.option("--until", help="Only events before this date or time.")
@click.option("--action", type=click.Choice([action.value for action in AuditAction]),
              help="Only events of this kind.")
@click.option("--user", "login", help="Only this user's events.")
@click.option("--limit", type=click.IntRange(1, AUDIT_LIMIT_MAX), default=100,
              show_default=True, help="At most this many events, newest first.")
@json_option
@click.pass_obj
def audit_command(ctx: CliContext, since: str | None, until: str | None, action: str | None,
                  login: str | None, limit: int, as_json: bool) -> None:
    """Show the audit log: who did what, when, from where; newest first."""
    from tm.accounts.audit import list_events
    from tm.accounts.users import get_user

    with ctx.transaction() as session:
        user = get_user(session, login) if login else None
        events = [event_json(event) for event in list_events(
            session, since=_moment(since, "--since"), until=_moment(until, "--until"),
            action=AuditAction(action) if action else None, user=user, limit=limit)]
    if as_json:
        emit_json(events)
        return
    for event in events:
        target = f" {event['object_type']} {event['object_id']}" if event["object_type"] else ""
        click.echo(f"{event['at'][:19]}  {event['user'] or '-':<16} {event['action']:<18}"
                   f"{target}  {event['address'] or ''}".rstrip())
    if not events:
        click.echo("no events")


COMMANDS = (audit_command, token_group, user_group)
