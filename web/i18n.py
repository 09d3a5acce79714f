"""The UI in English and Russian: Flask-Babel, the locale choice, catalogues compiled at start.

Catalogues (``translations/<locale>/LC_MESSAGES/messages.po``) are in the repository; their
compiled ``.mo`` files are not. The app compiles a catalogue when its ``.mo`` is missing or
older than the ``.po``, next to it if that folder is writable, else in a cache folder.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, request, session
from flask_babel import (
    Babel,
    format_date,
    format_datetime,
    format_decimal,
    format_percent,
    get_locale,
)

from tm.messages import Message, render
from web.catalogue import catalogue, translate
from web.labels import (
    audit_label,
    kind_label,
    origin_label,
    progress_label,
    role_label,
    status_label,
)

CATALOGUES = Path(__file__).resolve().parent / "translations"
LOCALES = ("en", "ru")
DEFAULT_LOCALE = "en"
LOCALE_NAMES = {"en": "English", "ru": "Русский"}
DOMAIN = "messages"


def _stale(po: Path, mo: Path) -> bool:
    return not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime


def _compile(po: Path, mo: Path) -> None:
    with open(po, "rb") as handle:
        catalog = read_po(handle, locale=po.parent.parent.name, domain=DOMAIN)
    mo.parent.mkdir(parents=True, exist_ok=True)
    # Write to a temporary name and rename: another worker may be reading the old file.
    temporary = mo.with_name(f".{mo.name}.{os.getpid()}.tmp")
    with open(temporary, "wb") as handle:
        write_mo(handle, catalog, use_fuzzy=False)
    os.replace(temporary, mo)


def compile_catalogues(source: Path = CATALOGUES) -> Path:
    """Compile every stale catalogue under ``source``; return the folder Babel should read."""
    pos = sorted(source.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    if all(os.access(po.parent, os.W_OK) for po in pos):
        for po in pos:
            if _stale(po, po.with_suffix(".mo")):
                _compile(po, po.with_suffix(".mo"))
        return source
    # An installed package may be read-only: compile into a cache folder instead.
    target = Path(tempfile.gettempdir()) / f"sverka-translations-{os.getuid()}"
    for po in pos:
        mo = target / po.relative_to(source).with_suffix(".mo")
        if _stale(po, mo):
            _compile(po, mo)
    return target


def select_locale() -> str:
    """Return the locale chosen in the UI, else the browser's preferred one, else English."""
    chosen = session.get("locale")
    if chosen in LOCALES:
        return str(chosen)
    return request.accept_languages.best_match(LOCALES) or DEFAULT_LOCALE


def worded(message: Message | str) -> str:
    """``message`` (an error's or a warning's, from ``tm``) in the request's language."""
    if not isinstance(message, Message):
        return message
    return render(message, str(get_locale() or DEFAULT_LOCALE))


def init_app(app: Flask) -> None:
    """Set up Flask-Babel with compiled catalogues and the locale selector."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(compile_catalogues()))
    Babel(app, locale_selector=select_locale)
    # Templates translate through the request's catalogue, as Flask-Babel's own callables
    # do, without looking it up again for each string.
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=translate,
        ngettext=lambda singular, plural, n: catalogue().ungettext(singular, plural, n),
        pgettext=lambda context, message: catalogue().upgettext(context, message),
        npgettext=lambda context, singular, plural, n: catalogue().unpgettext(
            context, singular, plural, n),
        newstyle=True)
    app.jinja_env.globals.update(status_label=status_label, kind_label=kind_label,
                                 role_label=role_label, audit_label=audit_label,
                                 origin_label=origin_label, progress_label=progress_label,
                                 format_date=format_date, format_datetime=format_datetime,
                                 format_decimal=format_decimal, format_percent=format_percent)
    app.jinja_env.filters["worded"] = worded

    @app.context_processor
    def locales() -> dict[str, object]:
        return {"locale_names": LOCALE_NAMES, "current_locale": select_locale()}
