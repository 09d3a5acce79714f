"""Who may use Sverka: users and their roles, API tokens and login links, the audit log.

The web app and the CLI ask this package; it knows nothing of either. Its modules are the
writers of ``user_account`` (:mod:`tm.accounts.users`), ``api_token``
(:mod:`tm.accounts.tokens`) and ``audit_event`` (:mod:`tm.accounts.audit`).

The names below are imported from their modules on first use: every writer of an authored
row imports :mod:`tm.accounts.authorship`, and that must not load argon2 with it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from tm.lazy import lazy_exports

if TYPE_CHECKING:
    from tm.accounts.audit import record_event
    from tm.accounts.authorship import Author, author_fields, author_user_id
    from tm.accounts.passwords import MIN_PASSWORD_LENGTH
    from tm.accounts.users import authenticate, create_user, find_user

_EXPORTS = {
    "record_event": "tm.accounts.audit",
    **dict.fromkeys(["Author", "author_fields", "author_user_id"], "tm.accounts.authorship"),
    "MIN_PASSWORD_LENGTH": "tm.accounts.passwords",
    **dict.fromkeys(["authenticate", "create_user", "find_user"], "tm.accounts.users"),
}

__all__ = ["MIN_PASSWORD_LENGTH", "Author", "authenticate", "author_fields", "author_user_id",
           "create_user", "find_user", "record_event"]

__getattr__ = lazy_exports(__name__, _EXPORTS)
