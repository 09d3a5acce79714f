"""The key that signs session cookies: ``SVERKA_SECRET_KEY``, else one kept in the data dir.

Whoever knows the key can forge a session (its CSRF token, language, author), so there is
no default: without ``SVERKA_SECRET_KEY`` a random key is made on the first start and kept
in ``secret_key`` in the data directory, readable by its owner only (0600), and every later
start (and every worker process) reads the same one. The file is created complete or not at
all: the key is written to a private temporary file, then linked to its name, which fails
if the name exists; a process that loses the race reads the winner's key.
"""
from __future__ import annotations

import os
import secrets
import stat
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from tm.errors import InputError
from tm.messages import Message, system_reason

if TYPE_CHECKING:
    from flask import Config, Flask

SECRET_KEY_ENV = "SVERKA_SECRET_KEY"
KEY_FILENAME = "secret_key"
# Random bytes of a generated key: 48 (64 URL-safe characters, 384 bits) is far past any
# brute force of an HMAC key.
KEY_BYTES = 48
# The shortest key `sverka serve` accepts: 32 characters of a random key are 190+ bits;
# a shorter one is usually a word someone typed.
MIN_KEY_LENGTH = 32
# Keys of examples, tutorials and this project's own past default: anyone can sign with them.
WEAK_KEYS = frozenset({"dev", "development", "secret", "secret-key", "secret_key", "changeme",
                       "change-me", "change_me", "password", "test", "testing", "default",
                       "sverka", "insecure", "your-secret-key", "please-change-me"})


def read_environment(config: Config) -> None:
    """Take ``SVERKA_SECRET_KEY`` as it is (``from_prefixed_env`` would parse digits as JSON)."""
    if os.environ.get(SECRET_KEY_ENV):
        config["SECRET_KEY"] = os.environ[SECRET_KEY_ENV]


def init_app(app: Flask) -> None:
    """Give the app the kept key of its data directory (``DATA_DIR``) if it was given none."""
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_or_create(Path(str(app.config["DATA_DIR"])))


def weakness(key: str | bytes | None) -> Message | None:
    """Return why ``key`` must not sign cookies on a server (known, too short), or ``None``."""
    text = key.decode("utf-8", "replace") if isinstance(key, bytes) else key or ""
    if text.strip().lower() in WEAK_KEYS:
        return Message("secret-key-known", "it is a well-known example key")
    if len(text) < MIN_KEY_LENGTH:
        return Message("secret-key-short", "it is shorter than {min} characters",
                       min=MIN_KEY_LENGTH)
    return None


def load_or_create(directory: Path) -> str:
    """Return the key kept in ``directory``, creating the directory and the key if need be."""
    path = directory / KEY_FILENAME
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        _create(path, secrets.token_urlsafe(KEY_BYTES))
        return _read(path)  # this process's key, or the one of a process that came first
    except OSError as error:
        raise InputError("secret-key-unkept", "cannot keep the secret key in {path}: "
                         "{reason}; set {variable} instead", path=str(path),
                         reason=system_reason(error), variable=SECRET_KEY_ENV) from error


def _read(path: Path) -> str:
    with open(path, encoding="ascii") as file:
        mode = stat.S_IMODE(os.fstat(file.fileno()).st_mode)
        if mode & 0o077:
            raise InputError("secret-key-exposed", "the secret key file {path} can be read "
                             "by others (mode {mode:04o}): run `chmod 600 {path}`",
                             path=str(path), mode=mode)
        key = file.read().strip()
    if not key:
        raise InputError("secret-key-empty", "the secret key file {path} is empty: delete it "
                         "(every session ends) or set {variable}", path=str(path),
                         variable=SECRET_KEY_ENV)
    return key


def _create(path: Path, key: str) -> None:
    """Write ``key`` to ``path`` unless it exists; never leave a partly written file."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{KEY_FILENAME}.")  # 0600
    try:
        with os.fdopen(handle, "w", encoding="ascii") as file:
            file.write(key + "\n")
            file.flush()
            os.fsync(file.fileno())
        try:
            os.link(temporary, path)  # atomic, and fails if another process made it first
        except FileExistsError:
            pass
    finally:
        os.unlink(temporary)
