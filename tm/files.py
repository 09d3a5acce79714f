"""Opening a user's file: every way it can fail becomes one InputError naming the file."""
from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

from tm.errors import InputError
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
