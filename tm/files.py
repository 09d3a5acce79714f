"""Opening a user's file: every way it can fail becomes one InputError naming the file."""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from tm.errors import FormatError, InputError, SverkaError
from tm.messages import system_reason


def open_input(path: str | Path) -> BinaryIO:
    """Open ``path`` for reading bytes, or raise InputError saying why it cannot be read."""
    name = str(path)
    try:
        if os.path.isdir(path):
            raise IsADirectoryError(path)
        return open(path, "rb")
    except FileNotFoundError as error:
        raise InputError("file-missing", "{name}: no such file", name=name) from error
    except IsADirectoryError as error:
        raise InputError("file-is-directory", "{name}: is a directory, not a file",
                         name=name) from error
    except OSError as error:
        raise InputError("file-unreadable", "{name}: cannot read ({reason})", name=name,
                         reason=system_reason(error)) from error


def open_bounded(path: str | Path, *, name: str, max_bytes: int,
                 too_large: Callable[[int], SverkaError]) -> BinaryIO:
    """Open ``path`` like :func:`open_input`, refusing an empty file, or one of more than
    ``max_bytes`` with the error ``too_large(size)`` (each format says its own limit)."""
    handle = open_input(path)
    size = os.fstat(handle.fileno()).st_size
    if size == 0:
        handle.close()
        raise FormatError("file-empty", "{name}: the file is empty", name=name)
    if size > max_bytes:
        handle.close()
        raise too_large(size)
    return handle
