"""The ``sverka`` command line: thin click commands over the ``tm`` library.

Commands from other packages (``web`` adds ``serve`` and ``demo``) plug in through the
``sverka.commands`` entry point group, so ``tm`` never imports ``web``.
"""
from __future__ import annotations

import os
from importlib.metadata import entry_points
from typing import Any

import click
from sqlalchemy.exc import SQLAlchemyError

from tm import __version__
from tm.cli.context import CliContext
from tm.errors import SverkaError

DEBUG_ENV = "SVERKA_DEBUG"
PLUGIN_GROUP = "sverka.commands"


class UserError(click.ClickException):
    """An error a user can act on: printed as one line, exit code 2."""

    exit_code = 2


class InternalError(click.ClickException):
    """A bug in Sverka: still one line for the user, exit code 1."""

    exit_code = 1


class SverkaGroup(click.Group):
    """A command group that turns Sverka's errors into one line and exit code 2.

    It also offers the commands other packages register under the ``sverka.commands``
    entry point group, loaded only when used, so ``import tm.cli`` never imports them.
    """

    def _plugins(self) -> dict[str, Any]:
        return {e.name: e for e in entry_points(group=PLUGIN_GROUP) if e.name not in self.commands}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*self.commands, *self._plugins()])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None and (entry := self._plugins().get(cmd_name)) is not None:
            try:
                command = entry.load()
            except ImportError:  # the plug-in's package is not installed
                return None
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SverkaError as error:
            raise UserError(str(error)) from error
        except (SQLAlchemyError, OSError) as error:
            raise UserError(_explain(ctx, error)) from error
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as error:
            if os.environ.get(DEBUG_ENV):
                raise
            raise InternalError(f"internal error ({type(error).__name__}: {error}); nothing "
                                f"was saved. Set {DEBUG_ENV}=1 for the traceback and please "
                                "report it.") from error


def _explain(ctx: click.Context, error: SQLAlchemyError | OSError) -> str:
    """Return one line about a database or file error: a busy database or a full disk is
    said as such, naming the database; anything else by the database's or system's words."""
    from tm.db import database_name, resource_error

    context = ctx.find_object(CliContext)
    database = database_name(context.url) if context is not None else "in use"
    resource = resource_error(error, database=database)
    if resource is not None:
        return str(resource)
    if isinstance(error, SQLAlchemyError):
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        return f"database error: {reason}"
    name = f"{error.filename}: " if error.filename else ""
    return f"{name}{error.strerror or error}"


@click.group(cls=SverkaGroup, context_settings={"help_option_names": ["-h", "--help"]})
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


def _register() -> None:
    """Add the commands of the core, area by area (``web`` adds its own as a plug-in)."""
    from tm.cli import align, corpus, db, documents, memory, scoring, search, segment

    for module in (align, corpus, db, documents, memory, scoring, search, segment):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def main() -> None:
    """Run the command line (the ``sverka`` console script)."""
    cli.main(prog_name="sverka", standalone_mode=True)


if __name__ == "__main__":  # pragma: no cover
    main()
