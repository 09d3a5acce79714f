"""``sverka user``, ``token`` and ``audit``: accounts from the machine the desk runs on."""
from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from tm.cli.context import cli_actor

Run = Callable[..., Result]
PASSWORD = "a good long password"
USER_FIELDS = {"login", "display_name", "email", "role", "active", "created_at",
               "last_login_at"}


def _json(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _add(runner: Run, login: str, role: str = "admin", *options: str) -> dict[str, Any]:
    added: dict[str, Any] = _json(runner("user", "add", login, "--role", role, *options,
                                         "--password-stdin", "--json", input=PASSWORD + "\n"))
    return added


def _error(result: Result) -> str:
    """The one line a failed command prints (exit code 2)."""
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    return lines[0]


def test_user_add_prints_the_user_and_never_a_hash(runner: Run) -> None:
    user = _add(runner, " Vera ", "reviewer", "--display-name", "Vera Petrova",
                "--email", "vera@example.com")
    assert set(user) == USER_FIELDS
    assert {k: user[k] for k in ("login", "display_name", "email", "role", "active",
                                 "last_login_at")} == {
        "login": "vera", "display_name": "Vera Petrova", "email": "vera@example.com",
        "role": "reviewer", "active": True, "last_login_at": None}
    listed = _json(runner("user", "list", "--json"))
    assert listed == [user]
    assert "argon2" not in json.dumps(listed) and PASSWORD not in json.dumps(listed)


def test_user_add_without_a_terminal_asks_for_password_stdin(runner: Run) -> None:
    line = _error(runner("user", "add", "vera", "--role", "viewer"))
    assert line == "Error: no terminal to ask for the password: give it with --password-stdin"
    assert _json(runner("user", "list", "--json")) == []


@pytest.mark.parametrize("args, stdin, message", [
    (["user", "add", "vera", "--role", "viewer", "--password-stdin"], "short\n",
     "Error: a password needs at least 10 characters"),
    (["user", "add", "vera", "--role", "viewer", "--password-stdin"], "\n",
     "Error: no password on standard input"),
    (["user", "add", "vera", "--role", "boss", "--password-stdin"], PASSWORD + "\n",
     "Error: unknown role 'boss': use one of viewer, translator, reviewer, manager, admin"),
    (["user", "add", "two words", "--role", "viewer", "--password-stdin"], PASSWORD + "\n",
     "Error: a login is 1 to 100 letters, digits and . _ - @, starting with a letter or "
     "digit: 'two words'"),
    (["user", "set-role", "root", "boss"], None, "Error: unknown role 'boss': use one of "
     "viewer, translator, reviewer, manager, admin"),
    (["user", "set-role", "nobody", "viewer"], None, "Error: no user 'nobody'"),
    (["user", "disable", "nobody"], None, "Error: no user 'nobody'"),
    (["user", "set-role", "root", "manager"], None,
     "Error: 'root' is the last active admin: make another first"),
    (["user", "disable", "root"], None,
     "Error: 'root' is the last active admin: make another first"),
    (["user", "add", "ROOT", "--role", "viewer", "--password-stdin"], PASSWORD + "\n",
     "Error: there is already a user 'root'"),
    (["token", "create", "--user", "nobody", "--name", "x"], None, "Error: no user 'nobody'"),
    (["token", "revoke", "99"], None, "Error: no token 99"),
    (["audit", "--since", "yesterday"], None, "Error: --since: not a date or time: "
     "'yesterday' (use YYYY-MM-DD or YYYY-MM-DDTHH:MM)"),
])
def test_errors_are_one_line_with_exit_code_2(runner: Run, args: list[str], stdin: str | None,
                                              message: str) -> None:
    _add(runner, "root")
    assert _error(runner(*args, input=stdin)) == message


def test_set_role_disable_enable_change_the_user(runner: Run) -> None:
    _add(runner, "root")
    _add(runner, "vera", "translator")
    assert _json(runner("user", "set-role", "vera", "manager", "--json"))["role"] == "manager"
    assert _json(runner("user", "disable", "vera", "--json"))["active"] is False
    assert _json(runner("user", "enable", "vera", "--json"))["active"] is True
    listed = {u["login"]: (u["role"], u["active"])
              for u in _json(runner("user", "list", "--json"))}
    assert listed == {"root": ("admin", True), "vera": ("manager", True)}


def test_an_admin_can_step_down_once_there_is_another(runner: Run) -> None:
    _add(runner, "root")
    _add(runner, "ops")
    assert _json(runner("user", "set-role", "root", "viewer", "--json"))["role"] == "viewer"
    assert _error(runner("user", "disable", "ops")).endswith("is the last active admin: "
                                                            "make another first")


def test_reset_password_and_logout_end_the_users_tokens(runner: Run) -> None:
    _add(runner, "vera", "translator")
    for command in (["user", "reset-password", "vera", "--password-stdin", "--json"],
                    ["user", "logout", "vera", "--json"]):
        created = _json(runner("token", "create", "--user", "vera", "--name", "script",
                               "--json"))
        assert created["usable"]
        user = _json(runner(*command, input="another long password\n"))
        assert set(user) == USER_FIELDS
        token = next(t for t in _json(runner("token", "list", "--json"))
                     if t["id"] == created["id"])
        assert (token["revoked"], token["usable"]) == (True, False)


def test_reset_password_refuses_a_short_one(runner: Run) -> None:
    _add(runner, "vera", "translator")
    result = runner("user", "reset-password", "vera", "--password-stdin", input="short\n")
    assert _error(result) == "Error: a password needs at least 10 characters"


def test_token_create_prints_the_secret_once(runner: Run) -> None:
    _add(runner, "vera", "manager")
    created = _json(runner("token", "create", "--user", "vera", "--name", "CAT tool",
                           "--role", "translator", "--expires", "30", "--json"))
    assert created["token"].startswith(created["prefix"]) and created["prefix"].startswith("svt_")
    assert {k: created[k] for k in ("user", "name", "role", "revoked", "usable")} == {
        "user": "vera", "name": "CAT tool", "role": "translator", "revoked": False,
        "usable": True}
    assert created["expires_at"] is not None
    (listed,) = _json(runner("token", "list", "--json"))
    assert "token" not in listed and created["token"] not in json.dumps(listed)
    assert listed == {k: v for k, v in created.items() if k != "token"}


def test_token_create_refuses_more_than_the_users_role(runner: Run) -> None:
    _add(runner, "vera", "translator")
    result = runner("token", "create", "--user", "vera", "--name", "x", "--role", "admin")
    assert _error(result) == "Error: a token of 'vera' can have at most the role 'translator'"


def test_token_revoke_stops_the_token(runner: Run) -> None:
    _add(runner, "vera", "translator")
    created = _json(runner("token", "create", "--user", "vera", "--name", "x", "--json"))
    revoked = _json(runner("token", "revoke", str(created["id"]), "--json"))
    assert (revoked["revoked"], revoked["usable"]) == (True, False)
    assert runner("token", "revoke", str(created["id"])).output.strip() == \
        f"token {created['id']} revoked"
    (listed,) = _json(runner("token", "list", "--user", "vera", "--json"))
    assert listed["revoked"] is True


def test_audit_lists_the_clis_own_events_newest_first(runner: Run) -> None:
    _add(runner, "root")
    _add(runner, "vera", "translator")
    runner("user", "set-role", "vera", "reviewer")
    token = _json(runner("token", "create", "--user", "vera", "--name", "x", "--json"))
    runner("token", "revoke", str(token["id"]))
    events = _json(runner("audit", "--since", "2000-01-01", "--json"))
    assert [(e["action"], e["object_type"], e["object_id"]) for e in events] == [
        ("token-revoke", "token", str(token["id"])),
        ("token-create", "token", str(token["id"])),
        ("user-change", "user", "vera"),
        ("user-add", "user", "vera"),
        ("user-add", "user", "root")]
    assert {e["user"] for e in events} == {cli_actor()}
    assert cli_actor().startswith("cli")
    assert events[2]["detail"] == {"change": "role reviewer", "from": "translator",
                                   "to": "reviewer"}


@pytest.mark.parametrize("options, expected", [
    (["--until", "2000-01-01"], []),
    (["--action", "user-add"], ["user-add", "user-add"]),
    (["--limit", "1"], ["user-change"]),
    (["--since", "2000-01-01T00:00", "--action", "user-change"], ["user-change"]),
])
def test_audit_filters(runner: Run, options: list[str], expected: list[str]) -> None:
    _add(runner, "root")
    _add(runner, "vera", "translator")
    runner("user", "disable", "vera")
    events = _json(runner("audit", *options, "--json"))
    assert [e["action"] for e in events] == expected


def test_audit_says_when_there_are_no_events(runner: Run) -> None:
    assert runner("audit").output.strip() == "no events"


def test_imports_and_exports_from_the_command_line_are_in_the_audit_log(
        runner: Callable[..., Result], tmp_path: Path) -> None:
    from tests.tmx_samples import tmx, tu

    source = tmp_path / "in.tmx"
    source.write_text(tmx(tu("Один.", "One.")), encoding="utf-8")
    assert runner("import-tmx", str(source), "--memory", "desk").exit_code == 0
    assert runner("export", str(tmp_path / "out.tmx"), "--memory", "desk").exit_code == 0
    events = json.loads(runner("audit", "--json").output)
    assert [(e["action"], e["object_type"], e["object_id"]) for e in events] == [
        ("export", "memory", "desk"), ("import", "memory", "desk")]
    assert all(e["user"].startswith("cli") for e in events)
    assert events[1]["detail"]["imported"] == 1
