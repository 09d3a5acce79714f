"""Who may use Sverka: users and their roles, API tokens and login links, the audit log.

The web app and the CLI ask this package; it knows nothing of either. Its modules are the
writers of ``user_account`` (:mod:`tm.accounts.users`), ``api_token``
(:mod:`tm.accounts.tokens`) and ``audit_event`` (:mod:`tm.accounts.audit`).
"""
from tm.accounts.audit import record_event
from tm.accounts.authorship import Author, author_fields
from tm.accounts.passwords import MIN_PASSWORD_LENGTH
from tm.accounts.users import authenticate, create_user, find_user

__all__ = ["MIN_PASSWORD_LENGTH", "Author", "authenticate", "author_fields", "create_user",
           "find_user", "record_event"]
