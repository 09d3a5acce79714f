"""The layering holds: ``tm`` is a pure library that never imports Flask or ``web``."""
from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


# Every package under tm/, found on disk, so a new subpackage is covered the day it is made.
TM_PACKAGES = sorted(".".join(init.parent.relative_to(ROOT).parts)
                     for init in (ROOT / "tm").rglob("__init__.py"))


def test_every_tm_package_is_found() -> None:
    assert {"tm", "tm.cli", "tm.align", "tm.memory", "tm.search"} <= set(TM_PACKAGES)


@pytest.mark.slow
def test_importing_tm_does_not_import_flask() -> None:
    code = (f"import sys; import {', '.join(TM_PACKAGES)}; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'web')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=ROOT)
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("path", sorted((ROOT / "tm").rglob("*.py")), ids=lambda p: p.name)
def test_tm_modules_do_not_import_web_or_print(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert ast.get_docstring(tree), f"{path} has no module docstring"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            continue
        assert not any(n.split(".")[0] in ("flask", "web") for n in names), path
    if "cli" not in path.parts:
        assert "print(" not in path.read_text(encoding="utf-8"), f"{path} prints"


def _modules(package: str) -> list[str]:
    folder = ROOT.joinpath(*package.split("."))
    return sorted(f"{package}.{p.stem}" for p in folder.glob("*.py")
                  if not p.stem.startswith("_"))


def test_the_app_registers_the_blueprint_of_every_web_module_that_has_one() -> None:
    import importlib

    from flask import Blueprint

    from web import create_app

    blueprints = {m.bp.name for m in map(importlib.import_module, _modules("web"))
                  if isinstance(getattr(m, "bp", None), Blueprint)}
    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://"})
    assert set(app.blueprints) == blueprints
    app.extensions["sverka_engine"].dispose()


def test_the_cli_lists_the_commands_of_every_cli_module() -> None:
    import importlib

    from tm.cli import COMMANDS, cli

    # Each command of each module, where the table says it is, with its own short help.
    found = {}
    for module in map(importlib.import_module, _modules("tm.cli")):
        for command in getattr(module, "COMMANDS", ()):
            attribute = next(name for name, value in vars(module).items() if value is command)
            found[command.name] = (f"{module.__name__}:{attribute}",
                                   command.get_short_help_str(limit=1000))
    assert found and found == COMMANDS
    assert {"serve", "demo"} <= set(cli.list_commands(None))  # type: ignore[arg-type]


# The one module (or package) that writes each table. A model named here may be built,
# inserted, updated or deleted (``Model(...)``, ``insert(Model)``...) only there; other code
# calls that module's functions, which keep the table's invariants (history, memory sync).
# Segments are made by imports and changed by source edits (their text, a split), which keep
# the history that tm/source_edits.py owns.
TABLE_WRITERS = {
    # The importer creates documents; tm.documents marks them active (active_at) as their
    # translations change.
    "Document": {"tm/ingest/importer.py", "tm/documents.py"},
    "Paragraph": {"tm/ingest/importer.py"},
    "Segment": {"tm/ingest/importer.py", "tm/source_edits.py"},
    "SegmentRevision": {"tm/source_edits.py"},
    "Track": {"tm/translations.py"},
    "Translation": {"tm/translations.py"},
    "TranslationRevision": {"tm/translations.py"},
    "Memory": {"tm/memory/"},
    "MemoryUnit": {"tm/memory/"},
    "TestSet": {"tm/scoring/testsets.py"},
    "TestSetDocument": {"tm/scoring/testsets.py"},
    "ScoreRun": {"tm/scoring/store.py"},
    "ScoreReference": {"tm/scoring/store.py"},
    "Score": {"tm/scoring/store.py"},
    "SegmentScore": {"tm/scoring/store.py"},
    "ScoredRevision": {"tm/scoring/store.py"},
    "SearchTerms": {"tm/search/index/"},
    "SearchIndexState": {"tm/search/index/"},
    "User": {"tm/accounts/users.py"},
    "ApiToken": {"tm/accounts/tokens.py"},
    "AuditEvent": {"tm/accounts/audit.py"},
    "Job": {"tm/jobs.py"},
    "Glossary": {"tm/terms/glossaries.py"},
    "GlossaryTerm": {"tm/terms/glossaries.py"},
    "GlossaryTermRevision": {"tm/terms/glossaries.py"},
}


def _table_writes() -> dict[str, set[str]]:
    """Return, for each model, the modules that construct, insert, update or delete it."""
    from tm.models import Base

    models = {mapper.class_.__name__ for mapper in Base.registry.mappers}
    writes: dict[str, set[str]] = {}
    for path in sorted((ROOT / "tm").rglob("*.py")):
        if "migrations" in path.parts or path.name == "models.py":
            continue
        module = path.relative_to(ROOT).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            if node.func.id in models:
                writes.setdefault(node.func.id, set()).add(module)
            elif (node.func.id in ("insert", "update", "delete") and node.args
                  and isinstance(node.args[0], ast.Name) and node.args[0].id in models):
                writes.setdefault(node.args[0].id, set()).add(module)
    return writes


def test_every_table_has_its_writers_named() -> None:
    from tm.models import Base

    assert {mapper.class_.__name__ for mapper in Base.registry.mappers} == set(TABLE_WRITERS)


@pytest.mark.parametrize("model, writers", sorted(_table_writes().items()))
def test_each_table_is_written_only_by_its_owner(model: str, writers: set[str]) -> None:
    owners = TABLE_WRITERS[model]
    strays = {w for w in writers
              if not any(w == o or (o.endswith("/") and w.startswith(o)) for o in owners)}
    assert not strays, f"{model} is written outside {sorted(owners)}: {sorted(strays)}"


# A quote, then a slash: the start of a path written out in a script ("/api/…", '/…', `/…`).
PATH_LITERAL = re.compile(r"""["'`]/""")


@pytest.mark.parametrize("path", sorted((ROOT / "web" / "static").glob("*.js")),
                         ids=lambda p: p.name)
def test_scripts_take_server_urls_from_the_page(path: Path) -> None:
    written = [f"{path.name}:{number}: {line.strip()}"
               for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
               if PATH_LITERAL.search(line) or "/api" in line]
    assert not written, "take these URLs from the page (data- attributes, url_for): " + \
        "; ".join(written)
