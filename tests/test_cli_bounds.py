"""Every integer a command takes, given out of range, is one line and exit 2, never a crash.

The table names each integer option or argument of every command; a test enumerates the
commands, so a new integer parameter fails until it is added here.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click
import pytest
from click.testing import Result

from tm.cli import cli

OUT_OF_RANGE = ("0", "-1", str(2**31), "99999999999999999999")
# (command, parameter): the arguments that reach it, "{n}" where the number goes. The file
# arguments name files the test writes ("in.txt", one line "Hello.").
CASES = {
    ("show", "document_id"): ["show", "{n}"],
    ("show", "width"): ["show", "1", "--width", "{n}"],
    ("export", "document_id"): ["export", "{dir}/out.tmx", "--document", "{n}"],
    ("pretranslate", "document_id"): ["pretranslate", "{n}"],
    ("pretranslate", "min_score"): ["pretranslate", "1", "--min-score", "{n}"],
    ("add-track", "document_id"): ["add-track", "{dir}/in.txt", "--track", "mt",
                                   "--document", "{n}"],
    ("concordance", "page"): ["concordance", "текст", "--page", "{n}"],
    ("concordance", "per_page"): ["concordance", "текст", "--per-page", "{n}"],
    ("search", "min_score"): ["search", "текст", "--min-score", "{n}"],
    ("search", "limit"): ["search", "текст", "--limit", "{n}"],
    ("score", "seed"): ["score", "--hyp", "{dir}/in.txt", "--ref", "{dir}/in.txt",
                        "--hyp", "{dir}/in.txt", "--paired-bs", "--seed", "{n}"],
    ("score", "samples"): ["score", "--hyp", "{dir}/in.txt", "--ref", "{dir}/in.txt",
                           "--paired-bs", "--samples", "{n}"],
    ("score", "jobs"): ["score", "--hyp", "{dir}/in.txt", "--ref", "{dir}/in.txt",
                        "--jobs", "{n}"],
    ("score", "document_ids"): ["score", "--post-edit", "--document", "{n}"],
    ("memory", "page"): ["memory", "show", "main", "--page", "{n}"],
    ("memory", "per_page"): ["memory", "show", "main", "--per-page", "{n}"],
    ("memory", "document_id"): ["memory", "show", "main", "--document", "{n}"],
    ("memory", "unit_id"): ["memory", "edit", "main", "{n}", "--source", "x"],
    ("memory", "unit_ids"): ["memory", "delete", "main", "{n}"],
    ("token", "days"): ["token", "create", "--user", "vera", "--name", "x", "--expires", "{n}"],
    ("token", "token_id"): ["token", "revoke", "{n}"],
    ("audit", "limit"): ["audit", "--limit", "{n}"],
    ("serve", "port"): ["serve", "--port", "{n}"],
    ("serve", "threads"): ["serve", "--threads", "{n}"],
    ("demo", "port"): ["demo", "--port", "{n}"],
    ("demo", "threads"): ["demo", "--threads", "{n}"],
    ("worker", "threads"): ["worker", "--threads", "{n}"],
    ("export-xliff", "document_id"): ["export-xliff", "{n}", "{dir}/out.xlf", "--track", "h"],
    ("import-xliff", "document_id"): ["import-xliff", "{dir}/in.txt", "--document", "{n}",
                                      "--track", "h"],
    ("export-omegat", "document_id"): ["export-omegat", "{n}", "{dir}/out.zip", "--track",
                                       "h"],
    ("import-omegat", "document_id"): ["import-omegat", "{dir}", "--document", "{n}",
                                       "--track", "h"],
}
# Values that are fine where they are: a seed of 0.
ACCEPTED = {("score", "seed")}


def _integer_parameters() -> set[tuple[str, str]]:
    found = set()
    for name in cli.list_commands(click.Context(cli)):
        command = cli.get_command(click.Context(cli), name)
        commands = ([command.get_command(click.Context(command), n)
                     for n in command.list_commands(click.Context(command))]
                    if isinstance(command, click.Group) else [command])
        for sub in commands:
            for param in sub.params if sub else ():
                if isinstance(param.type, click.types.IntParamType):
                    found.add((name, str(param.name)))
    return found


def test_every_integer_parameter_of_every_command_is_in_the_table() -> None:
    assert _integer_parameters() == set(CASES)


@pytest.mark.parametrize("case", sorted(CASES), ids="-".join)
@pytest.mark.parametrize("number", OUT_OF_RANGE)
def test_an_integer_out_of_range_is_one_line_and_exit_2(
        runner: Callable[..., Result], tmp_path: Path, case: tuple[str, str],
        number: str) -> None:
    (tmp_path / "in.txt").write_text("Hello.\n", encoding="utf-8")
    args = [a.format(n=number, dir=tmp_path) for a in CASES[case]]
    result = runner(*args)
    if case in ACCEPTED and result.exit_code == 0:
        return
    assert result.exit_code == 2, (args, result.output)
    assert len(result.output.strip().splitlines()) == 1 or "Usage:" in result.output, \
        result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
