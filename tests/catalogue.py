"""The messages Sverka says to users (errors, warnings) and their catalogue, for tests and
for whoever adds a message.

Every error class is a keyword of the extraction: ``NotFoundError("code", "template", ...)``
gives the msgid ``template``; so do ``Message(...)`` and ``Plural("code", "one", "many", ...)``.

    python -m tests.catalogue          # add the new msgids to tm/locale/ru/.../sverka.po

then translate the empty ``msgstr`` entries (``tests/test_messages.py`` fails until then).
"""
from __future__ import annotations

import ast
import importlib
import pkgutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import tm
import web
from tm.errors import SverkaError
from tm.messages import CATALOGUES, DOMAIN

ROOT = Path(__file__).resolve().parent.parent
RU_PO = CATALOGUES / "ru" / "LC_MESSAGES" / f"{DOMAIN}.po"
SOURCES = ("tm", "web")


def error_classes() -> set[str]:
    """The names of every ``SverkaError`` class, in every module of ``tm`` and ``web``."""
    for package in (tm, web):
        for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            if ".migrations" not in module.name:
                importlib.import_module(module.name)
    found, todo = set(), [SverkaError]
    while todo:
        cls = todo.pop()
        found.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return found


def keywords() -> dict[str, tuple[int, ...]]:
    """Babel's extraction keywords: where a call's msgid (and plural) is."""
    return {"Message": (2,), "Plural": (2, 3), **{name: (2,) for name in error_classes()}}


@dataclass(frozen=True)
class Said:
    """One message in the code: where, its code, its English (and plural) template."""

    path: str
    line: int
    code: str
    template: str
    plural: str | None


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    return node.attr if isinstance(node, ast.Attribute) else None


def _text(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _is_words(node: ast.expr) -> bool:
    """Whether ``node`` builds a finished text (a literal, an f-string, a sum, a format)."""
    if isinstance(node, (ast.JoinedStr, ast.BinOp)) or _text(node) is not None:
        return True
    return isinstance(node, ast.Call) and _name(node.func) in {
        "format", "join", "str", "_", "gettext", "ngettext", "lazy_gettext"}


def sayings(names: set[str] | None = None) -> Iterator[Said | tuple[str, int, str]]:
    """Every message call in ``tm`` and ``web``: a ``Said``, or (path, line, problem)."""
    names = error_classes() if names is None else names
    for package in SOURCES:
        for path in sorted((ROOT / package).rglob("*.py")):
            where = str(path.relative_to(ROOT))
            if "migrations" in path.parts:
                continue
            # These two pass their callers' (and stored) codes and templates on.
            forwards = where in ("tm/errors.py", "tm/messages.py")
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                name = _name(node.func)
                if name not in names and name not in ("Message", "Plural"):
                    continue
                args = node.args
                if name == "Plural":
                    texts = [_text(a) for a in args[:3]]
                    if len(args) != 3 or None in texts:
                        yield where, node.lineno, "Plural(code, one, many, count=...) of literals"
                    else:
                        yield Said(where, node.lineno, *texts)  # type: ignore[arg-type]
                elif len(args) == 1 and not _is_words(args[0]):
                    continue  # a Message made beforehand
                elif len(args) == 2 and _text(args[0]) and _text(args[1]) is not None:
                    yield Said(where, node.lineno, _text(args[0]), _text(args[1]),  # type: ignore[arg-type]
                               None)
                elif not (forwards and not any(_text(a) for a in args)):
                    yield where, node.lineno, f"{name}(code, template, **params) of literals"


def update(po: Path = RU_PO) -> int:
    """Add the msgids the code says and the catalogue lacks to ``po``, drop the ones it no
    longer says; return how many were added."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    if po.exists():
        with open(po, "rb") as handle:
            catalog = read_po(handle, locale="ru", domain=DOMAIN)
    else:
        catalog = Catalog(locale="ru", domain=DOMAIN)
    catalog.project, catalog.version, catalog.fuzzy = "Sverka", "", False
    catalog.header_comment = ("# Russian words for what Sverka says to users (errors, warnings).\n"
                              "# Updated by: python -m tests.catalogue (see docs/messages.md).")
    catalog.copyright_holder = "the Sverka developers"
    catalog.last_translator = catalog.language_team = "the Sverka developers"
    catalog.msgid_bugs_address = ""
    added, said_ids = 0, set()
    for said in sayings():
        if isinstance(said, Said):
            msgid = said.template if said.plural is None else (said.template, said.plural)
            said_ids.add(said.template)
            if msgid not in catalog:
                catalog.add(msgid, "" if said.plural is None else ("", "", ""),
                            locations=[(said.path, said.line)], auto_comments=[said.code],
                            flags=("python-brace-format",))
                added += 1
    for message in list(catalog):
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        if key and key not in said_ids:
            del catalog[message.id]
    po.parent.mkdir(parents=True, exist_ok=True)
    written = po.with_suffix(".po.new")
    with open(written, "wb") as handle:
        write_po(handle, catalog, width=96, sort_output=True, include_lineno=False)
    written.replace(po)
    return added


if __name__ == "__main__":
    print(f"{update()} new messages in {RU_PO.relative_to(ROOT)}")
