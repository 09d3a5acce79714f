"""Password hashes: Argon2id (argon2-cffi), memory-hard, with its parameters in each hash.

argon2-cffi is the reference implementation's binding, kept by the author of ``attrs``; its
``PasswordHasher`` defaults follow RFC 9106's second recommendation (64 MiB, 3 passes), and
``check_needs_rehash`` tells when stored hashes should move to newer parameters.
"""
from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from tm.errors import ValidationError
from tm.messages import Plural

MIN_PASSWORD_LENGTH = 10
# Long enough for any pass phrase, short enough that hashing one costs nothing extra.
MAX_PASSWORD_LENGTH = 1000


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()


def check_password_rules(password: str) -> None:
    """Refuse a password too short or too long to be a good one, saying why."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(Plural("password-too-short",
                                     "a password needs at least {count} character",
                                     "a password needs at least {count} characters",
                                     count=MIN_PASSWORD_LENGTH))
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationError(Plural("password-too-long",
                                     "a password has at most {count} character",
                                     "a password has at most {count} characters",
                                     count=MAX_PASSWORD_LENGTH))


def hash_password(password: str) -> str:
    """Return the Argon2id hash of ``password`` (which must follow the rules)."""
    check_password_rules(password)
    return _hasher().hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored_hash``; a missing hash costs the same time."""
    if len(password) > MAX_PASSWORD_LENGTH:
        return False
    try:
        return _hasher().verify(stored_hash or _dummy_hash(), password) and bool(stored_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Whether ``stored_hash`` was made with older parameters than today's."""
    return _hasher().check_needs_rehash(stored_hash)


@cache
def _dummy_hash() -> str:
    # Verified against when there is no such user, so a wrong login takes as long as a
    # wrong password and does not tell which logins exist.
    return _hasher().hash("no such user, no such password")
