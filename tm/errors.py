"""One error tree for Sverka; the CLI and the web word these for their user.

An error carries a ``Message`` (``tm.messages``): a code, an English template and its
parameters, never a finished sentence. It is raised with the three::

    raise NotFoundError("document-missing", "no document with id {id}", id=document_id)

or with a ``Message`` (a ``Plural``) made beforehand. ``str(error)`` is the English; the
web and the CLI put ``error.message`` into the user's language (``tm.messages.render``).
"""
from __future__ import annotations

from typing import Any

from tm.messages import Message


class SverkaError(Exception):
    """Base of every error Sverka reports to a user."""

    def __init__(self, code: str | Message, template: str | None = None, /,
                 **params: Any) -> None:
        if isinstance(code, Message):
            self.message = code
        elif template is None:
            raise TypeError("a Sverka error needs a code and a template, or a Message")
        else:
            self.message = Message(code, template, **params)
        super().__init__(str(self.message))

    @property
    def code(self) -> str:
        """What went wrong, for programs: stable across languages and wordings."""
        return self.message.code

    def __reduce__(self) -> tuple[Any, ...]:  # pickled to and from the parsing process
        return (type(self), (self.message,))


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
