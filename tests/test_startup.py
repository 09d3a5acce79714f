"""Start-up: a command imports what it needs, not every library Sverka uses.

The same rule ``bench/startup.py --check`` gates in CI (``FORBIDDEN``): ``sverka --help``
needs no database, search, scoring, parsing or web library; listing documents needs the
database and none of the others; segmenting text needs no database either.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bench.startup import COMMANDS, FORBIDDEN, command, environment, imported_modules, strays


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite data directory with the current schema and no documents."""
    path = tmp_path_factory.mktemp("startup")
    subprocess.run(command(["db", "upgrade"]), env=environment(path), check=True,
                   capture_output=True)
    (path / "text.txt").write_text("Он ушёл. Дверь закрылась.\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("args, forbidden", [
    (COMMANDS["help"], FORBIDDEN["help"]),
    (COMMANDS["documents"], FORBIDDEN["documents"]),
    (["segment", "--lang", "ru", "{data_dir}/text.txt"], FORBIDDEN["help"]),
], ids=["help", "documents", "segment"])
def test_a_command_imports_none_of_the_libraries_it_does_not_need(
        data_dir: Path, args: list[str], forbidden: tuple[str, ...]) -> None:
    modules = imported_modules([a.format(data_dir=data_dir) for a in args], data_dir)
    assert "tm.cli" in modules
    assert strays(modules, forbidden) == []


def test_the_rule_catches_a_library_and_the_modules_inside_it() -> None:
    modules = {"tm.cli", "numpy._core", "sqlalchemy", "lxmlish"}
    assert strays(modules, ("numpy", "sqlalchemy", "lxml", "flask")) == ["numpy", "sqlalchemy"]
