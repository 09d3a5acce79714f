"""What Sverka says to a user: a code, an English template and parameters, worded at the edge.

The library never builds a finished sentence for a person. An error or a warning carries a
``Message``: a stable ``code`` for programs (the ``code`` of the API's and ``--json``'s
errors), an English template in ``str.format`` syntax, which is also its msgid in the
catalogue ``tm/locale/<language>/LC_MESSAGES/sverka.po``, and the parameters to fill in.
The web app and the command line put it into their user's language (``render``);
``str(message)`` is the English.

    >>> str(Message("document-missing", "no document with id {id}", id=7))
    'no document with id 7'
    >>> render(Message("document-missing", "no document with id {id}", id=7), "ru")
    'нет документа с id 7'

A count that decides a word's form is a ``Plural``, translated with Babel's plural rules
(Russian has three forms: 1 единица, 2 единицы, 5 единиц).
"""
from __future__ import annotations

import errno
import os
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from babel.support import NullTranslations

CATALOGUES = Path(__file__).resolve().parent / "locale"
DOMAIN = "sverka"
LANGUAGES = ("en", "ru")
DEFAULT_LANGUAGE = "en"


class Message:
    """A user-visible text not yet worded: ``code``, English ``template``, ``params``."""

    __slots__ = ("code", "template", "plural", "params")

    def __init__(self, code: str, template: str, /, **params: Any) -> None:
        self.code = code
        self.template = template
        self.plural: str | None = None
        self.params = params

    def __str__(self) -> str:
        return render(self, DEFAULT_LANGUAGE)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {str(self)!r})"

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Message) and (self.code, self.template, self.plural)
                == (other.code, other.template, other.plural) and self.params == other.params)

    def __lt__(self, other: Message) -> bool:  # a report lists its reasons in a fixed order
        return (self.code, str(self)) < (other.code, str(other))

    def __hash__(self) -> int:
        return hash((self.code, self.template, tuple(sorted(map(repr, self.params.items())))))

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.code, self.template, self.plural, self.params))

    def as_dict(self, language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
        """The message for a program: its code, its parameters (as JSON values), its words."""
        return {"code": self.code, "params": {name: _plain(value, language)
                                              for name, value in self.params.items()},
                "message": render(self, language)}


class Plural(Message):
    """A message whose words follow ``count``: ``singular`` and ``plural`` English forms."""

    __slots__ = ()

    def __init__(self, code: str, singular: str, plural: str, /, *, count: int,
                 **params: Any) -> None:
        super().__init__(code, singular, count=count, **params)
        self.plural = plural


def _rebuild(cls: type[Message], code: str, template: str, plural: str | None,
             params: dict[str, Any]) -> Message:
    message = Message.__new__(cls)
    message.code, message.template, message.plural, message.params = (
        code, template, plural, params)
    return message


def _plain(value: Any, language: str) -> Any:
    """A parameter as JSON: numbers, text and truth as they are, a message worded."""
    if isinstance(value, Message):
        return render(value, language)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    message = getattr(value, "message", None)  # an error given as a parameter
    return render(message, language) if isinstance(message, Message) else str(value)


def render(message: Message, language: str | None = DEFAULT_LANGUAGE) -> str:
    """Return ``message`` in ``language`` (``en``, ``ru``; else English).

    A parameter that is itself a message (or an error) is worded in the same language. A
    translation whose fields do not fit the template (a catalogue mistake) gives the
    English rather than fail while reporting something else.
    """
    catalogue = translations(language or DEFAULT_LANGUAGE)
    if message.plural is None:
        text = catalogue.ugettext(message.template)
    else:
        text = catalogue.ungettext(message.template, message.plural,
                                   int(message.params["count"]))
    params = {name: _worded(value, language) for name, value in message.params.items()}
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError, AttributeError):
        english = (message.template if message.plural is None or message.params["count"] == 1
                   else message.plural)
        return english.format(**params)


def _worded(value: Any, language: str | None) -> Any:
    if isinstance(value, Message):
        return render(value, language)
    message = getattr(value, "message", None)
    return render(message, language) if isinstance(message, Message) else value


def language_of(locale: str | None) -> str:
    """The catalogue language of a locale name (``ru_RU.UTF-8`` → ``ru``; unknown → ``en``)."""
    language = (locale or "").replace("-", "_").split("_")[0].split(".")[0].lower()
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def cli_language(environ: os._Environ[str] | dict[str, str] | None = None) -> str:
    """The command line's language, as gettext chooses it: the first of ``LANGUAGE``,
    ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` that is set (``SVERKA_LANGUAGE`` first of all)."""
    environ = os.environ if environ is None else environ
    for name in ("SVERKA_LANGUAGE", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            return language_of(value.split(":")[0])
    return DEFAULT_LANGUAGE


@cache
def translations(language: str) -> NullTranslations:
    """The catalogue of ``language``, compiled in memory from its ``.po`` file once."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import NullTranslations, Translations

    po = CATALOGUES / language_of(language) / "LC_MESSAGES" / f"{DOMAIN}.po"
    if language_of(language) == DEFAULT_LANGUAGE or not po.exists():
        return NullTranslations()
    with open(po, "rb") as handle:
        catalog = read_po(handle, locale=language_of(language), domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(fp=compiled, domain=DOMAIN)


def for_cli(message: Message | str) -> str:
    """``message`` in the command line's language (``cli_language``); a text as it is."""
    return render(message, cli_language()) if isinstance(message, Message) else message


_SYSTEM_REASONS = {
    errno.ENOENT: Message("no-such-file", "no such file or folder"),
    errno.EACCES: Message("permission-denied", "permission denied"),
    errno.EPERM: Message("permission-denied", "permission denied"),
    errno.EISDIR: Message("is-a-folder", "it is a folder, not a file"),
    errno.ENOTDIR: Message("not-a-folder", "a part of the path is not a folder"),
    errno.ENOSPC: Message("disk-full", "no space left on the disk"),
    errno.EADDRINUSE: Message("address-in-use", "the address is already in use"),
    errno.EROFS: Message("read-only", "the file system is read-only"),
}


def system_reason(error: OSError) -> Message:
    """Why the system refused (``error.strerror``), in words Sverka can translate."""
    known = _SYSTEM_REASONS.get(error.errno or 0)
    if known is not None:
        return known
    return Message("system-error", "{reason}", reason=error.strerror or str(error))


def system_error(error: OSError) -> Message:
    """An operating system's error as one message: the file it concerns, then why."""
    if error.filename is None:
        return system_reason(error)
    return Message("file-error", "{path}: {reason}", path=str(error.filename),
                   reason=system_reason(error))


def to_stored(message: Message) -> dict[str, Any]:
    """``message`` as JSON values, to keep in the database and word later (``from_stored``)."""
    stored: dict[str, Any] = {"code": message.code, "template": message.template,
                              "params": {name: _stored_value(value)
                                         for name, value in message.params.items()}}
    if message.plural is not None:
        stored["plural"] = message.plural
    return stored


def _stored_value(value: Any) -> Any:
    if isinstance(value, Message):
        return {"message": to_stored(value)}
    if isinstance(getattr(value, "message", None), Message):  # an error given as a parameter
        return {"message": to_stored(value.message)}
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)


def from_stored(stored: Any) -> Message:
    """The message ``to_stored`` kept; a plain text (kept before messages were) as it is."""
    if not isinstance(stored, dict) or not {"code", "template"} <= stored.keys():
        return Message("stored-text", "{text}", text=str(stored))
    params = {name: (from_stored(value["message"]) if isinstance(value, dict)
                     and set(value) == {"message"} else value)
              for name, value in (stored.get("params") or {}).items()}
    message = Message(str(stored["code"]), str(stored["template"]), **params)
    if stored.get("plural") is not None:
        message.plural = str(stored["plural"])
    return message


def dumps(message: Message) -> str:
    """``message`` as a JSON text (a text column: a failed job's error)."""
    import json

    return json.dumps(to_stored(message), ensure_ascii=False)


def loads(text: str) -> Message:
    """The message ``dumps`` wrote; any other text (an older row) as it is."""
    import json

    try:
        return from_stored(json.loads(text))
    except ValueError:
        return from_stored(text)
