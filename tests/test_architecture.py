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
