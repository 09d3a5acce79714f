"""The ``sverka`` command line: thin click commands over the ``tm`` library.

The commands are listed in ``COMMANDS`` and each module is imported only when its command
runs (``sverka --help`` reads their short help from the table), so a command pays for its
own imports alone: listing documents never loads numpy or sacrebleu, and ``--help`` not
even SQLAlchemy (``bench/startup.py``). Commands from other packages (``web`` adds
``serve`` and ``demo``) plug in through the ``sverka.commands`` entry point group, so
``tm`` never imports ``web``.
"""
from __future__ import annotations

import importlib
import os
import select
import sys
from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

import click

from tm import __version__
from tm.cli.context import CliContext
from tm.errors import SverkaError
from tm.messages import Message, for_cli, system_error

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

DEBUG_ENV = "SVERKA_DEBUG"
PLUGIN_GROUP = "sverka.commands"

# Every command of the core: where it is ("module:attribute"), and its short help for
# ``sverka --help``, the first sentence of its docstring (tests/test_cli.py checks both).
COMMANDS: dict[str, tuple[str, str]] = {
    "add-track": ("tm.cli.scoring:add_track_command", "Add FILE (one translation a line) as "
                  "track --track of a --document or a --testset."),
    "align": ("tm.cli.align:align_command", "Align the sentences of RU_FILE and its "
              "translation EN_FILE and print the links."),
    "audit": ("tm.cli.accounts:audit_command", "Show the audit log: who did what, when, "
              "from where; newest first."),
    "concordance": ("tm.cli.search:concordance_command", "Find PHRASE in the memories (every "
                    "form of Russian words), with hits marked."),
    "db": ("tm.cli.db:db_group", "Create or migrate the database schema."),
    "documents": ("tm.cli.documents:documents_command",
                  "List the documents, the most recently active first."),
    "export": ("tm.cli.memory:export_command", "Export a memory or a document as TMX 1.4 to "
               "OUT.tmx (- for standard output)."),
    "export-omegat": ("tm.cli.handoff:export_omegat_command", "Write a zipped OmegaT 3.6 "
                      "project of track --track of document DOC to OUT.zip."),
    "export-xliff": ("tm.cli.handoff:export_xliff_command", "Export track --track of "
                     "document DOC as XLIFF to OUT.xlf, for a CAT tool."),
    "glossary": ("tm.cli.glossary:glossary_group", "Glossaries: import, export, list, add, "
                 "search, and find terms in a text."),
    "import": ("tm.cli.documents:import_command", "Import a Russian ARTICLE (text or HTML "
               "file, - for standard input)."),
    "import-testset": ("tm.cli.scoring:import_testset_command", "Import test set NAME from "
                       "line-aligned files, keeping every line exactly as it is."),
    "import-xliff": ("tm.cli.handoff:import_xliff_command", "Import the targets of the XLIFF "
                     "FILE (1.2, 2.0, SDLXLIFF) into a document's track."),
    "import-omegat": ("tm.cli.handoff:import_omegat_command", "Take the translations of an "
                      "OmegaT project (folder or zip) back into a track."),
    "import-tmx": ("tm.cli.memory:import_tmx_command", "Import the TMX FILE into a memory."),
    "jobs": ("tm.cli.jobs:jobs_group", "List the jobs (imports run in the background), "
             "newest first; cancel or retry one."),
    "load-corpora": ("tm.cli.corpus:load_corpora_command", "Import every article of "
                     "DIRECTORY (default: corpora/); already loaded ones are kept."),
    "memories": ("tm.cli.memory:memories_command", "List the memories with their sizes."),
    "memory": ("tm.cli.memory:memory_group", "Browse, fix and delete the units of a memory."),
    "pretranslate": ("tm.cli.search:pretranslate_command", "Fill a track of document DOC "
                     "from the memories; count segments per match band."),
    "score": ("tm.cli.scoring:score_command", "Score translations with sacrebleu: tracks of "
              "a test set (stored), or plain files."),
    "search": ("tm.cli.search:search_command", "Find the best translations of TEXT in the "
               "memories, with match scores."),
    "segment": ("tm.cli.segment:segment_command", "Split FILE (default: standard input) into "
                "sentences, one per line."),
    "token": ("tm.cli.accounts:token_group", "Create, list and revoke API tokens "
              "(Authorization: Bearer TOKEN)."),
    "user": ("tm.cli.accounts:user_group", "Add, list and change the users who log in to "
             "the web app."),
    "worker": ("tm.cli.jobs:worker_command", "Run queued jobs until stopped (Ctrl+C or "
               "SIGTERM: the running ones are interrupted)."),
    "show": ("tm.cli.documents:show_command", "Show document DOC: source and translations "
             "side by side."),
}


class UserError(click.ClickException):
    """An error a user can act on: printed as one line, exit code 2."""

    exit_code = 2


class InternalError(click.ClickException):
    """A bug in Sverka: still one line for the user, exit code 1."""

    exit_code = 1


class SverkaGroup(click.Group):
    """A command group that turns Sverka's errors into one line and exit code 2.

    Its commands are loaded when used: the ones of ``lazy`` (name → ("module:attribute",
    short help)) and the ones other packages register under the ``sverka.commands`` entry
    point group, so ``import tm.cli`` imports none of them.
    """

    def __init__(self, *args: Any, lazy: Mapping[str, tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy)

    def _plugins(self) -> dict[str, EntryPoint]:
        return {name: entry for name, entry in _plugin_entries().items()
                if name not in self.commands and name not in self.lazy}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy, *self._plugins()})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None and cmd_name in self.lazy:
            module, _, attribute = self.lazy[cmd_name][0].partition(":")
            command = getattr(importlib.import_module(module), attribute)
            assert isinstance(command, click.Command), self.lazy[cmd_name][0]
            self.add_command(command)
        if command is None and (entry := self._plugins().get(cmd_name)) is not None:
            try:
                command = entry.load()
            except ImportError:  # the plug-in's package is not installed
                return None
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List the commands with their short help, the lazy ones' from the table."""
        commands = []
        for name in self.list_commands(ctx):
            if name in self.lazy and name not in self.commands:  # not loaded: a stand-in
                command: click.Command | None = click.Command(name, help=self.lazy[name][1])
            else:
                command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                commands.append((name, command))
        if commands:
            limit = formatter.width - 6 - max(len(name) for name, _ in commands)
            with formatter.section("Commands"):
                formatter.write_dl([(name, command.get_short_help_str(limit))
                                    for name, command in commands])

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SverkaError as error:
            raise UserError(for_cli(error.message)) from error
        except BrokenPipeError as error:
            if not _stdout_closed():
                raise UserError(_explain(ctx, error)) from error
            # The reader went away (`sverka show 1 | head`): what it wanted, it has. Nothing
            # more is written (the exit's flush would fail again), and it is not an error.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise click.exceptions.Exit(0) from error
        except OSError as error:
            raise UserError(_explain(ctx, error)) from error
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as error:
            if _is_database_error(error):
                raise UserError(_explain(ctx, error)) from error
            if os.environ.get(DEBUG_ENV):
                raise
            raise InternalError(for_cli(Message(
                "internal-error", "internal error ({kind}: {reason}); nothing was saved. Set "
                "{variable}=1 for the traceback and please report it.",
                kind=type(error).__name__, reason=str(error), variable=DEBUG_ENV))) from error


def _stdout_closed() -> bool:
    """Whether standard output is a pipe whose reader has closed it."""
    try:
        poll = select.poll()
        poll.register(sys.stdout.fileno(), select.POLLOUT)
        return any(events & select.POLLERR for _, events in poll.poll(0))
    except (OSError, ValueError, AttributeError):  # no real file, or no poll here
        return False


def _explain(ctx: click.Context, error: Exception) -> str:
    """Return one line about a database or file error: a busy database or a full disk is
    said as such, naming the database; anything else by the database's or system's words."""
    from tm.db import database_name, resource_error

    context = ctx.find_object(CliContext)
    database = database_name(context.url) if context is not None else "in use"
    resource = resource_error(error, database=database)
    if resource is not None:
        return for_cli(resource.message)
    if isinstance(error, OSError):
        return for_cli(system_error(error))
    reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
    return for_cli(Message("database-error", "database error: {reason}", reason=reason))


@cache
def _plugin_entries() -> dict[str, EntryPoint]:
    """The commands other packages register under ``sverka.commands``, by name."""
    from importlib.metadata import entry_points  # 20-30 ms: only --help and plug-ins need it

    return {entry.name: entry for entry in entry_points(group=PLUGIN_GROUP)}


def _is_database_error(error: Exception) -> bool:
    """Whether ``error`` is SQLAlchemy's (imported only once a command used the database)."""
    exc = sys.modules.get("sqlalchemy.exc")
    return exc is not None and isinstance(error, exc.SQLAlchemyError)


@click.group(cls=SverkaGroup, lazy=COMMANDS,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", envvar="SVERKA_DATABASE_URL", metavar="URL",
              help="Database URL (default: SQLite in the data directory). "
                   "Env: SVERKA_DATABASE_URL.")
@click.option("--data-dir", envvar="SVERKA_DATA_DIR", metavar="DIR",
              type=click.Path(file_okay=False),
              help="Where the embedded SQLite database lives. Env: SVERKA_DATA_DIR.")
@click.version_option(__version__, prog_name="sverka")
@click.pass_context
def cli(ctx: click.Context, db: str | None, data_dir: str | None) -> None:
    """Sverka: a translation memory for Russian → English news."""
    ctx.obj = CliContext(db=db, data_dir=data_dir)
    ctx.call_on_close(ctx.obj.close)


def main() -> None:
    """Run the command line (the ``sverka`` console script)."""
    cli.main(prog_name="sverka", standalone_mode=True)


if __name__ == "__main__":  # pragma: no cover
    main()
