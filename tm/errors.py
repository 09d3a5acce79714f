"""One error tree for Sverka; the CLI and the web map these to user messages."""
from __future__ import annotations


class SverkaError(Exception):
    """Base of every error Sverka reports to a user."""


class InputError(SverkaError):
    """A file or text given by the user cannot be used (missing, empty, binary, ...)."""


class EncodingError(InputError):
    """The encoding of an input cannot be decided."""


class FormatError(InputError):
    """An input is in a format Sverka cannot read."""


class AlignmentError(SverkaError):
    """A source and its translation do not fit together."""


class NotFoundError(SverkaError):
    """A document, track or translation asked for does not exist."""


class ConflictError(SverkaError):
    """An edit was based on a version that has changed since it was read."""


class ValidationError(SverkaError):
    """A value (language tag, status, empty text, ...) is not acceptable."""


class ScoringError(SverkaError):
    """Translations cannot be scored as asked (no references, missing tokenizer, ...)."""


class BusyError(SverkaError):
    """The database is taken by another writer (an import, on SQLite): try again shortly."""


class StorageFullError(SverkaError):
    """The disk holding the database (or a file being written) is full."""


class ForbiddenError(SverkaError):
    """The user's role does not allow what was asked."""
