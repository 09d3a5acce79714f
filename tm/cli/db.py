"""``sverka db``: create, migrate and inspect the schema."""
from __future__ import annotations

import click

from tm.cli.context import CliContext, emit_json, json_option
from tm.db import current_revision, upgrade


@click.group("db")
def db_group() -> None:
    """Create or migrate the database schema."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Target revision.")
@json_option
@click.pass_obj
def db_upgrade(ctx: CliContext, revision: str, as_json: bool) -> None:
    """Create the schema or migrate it to the newest revision."""
    before = current_revision(ctx.engine)
    upgrade(ctx.engine, revision)
    after = current_revision(ctx.engine)
    if as_json:
        emit_json({"database": ctx.engine.url.render_as_string(hide_password=True),
                   "from": before, "to": after})
    else:
        click.echo(f"{ctx.engine.url.render_as_string(hide_password=True)}: schema "
                   f"{before or 'empty'} → {after}")


@db_group.command("current")
@json_option
@click.pass_obj
def db_current(ctx: CliContext, as_json: bool) -> None:
    """Show the schema revision of the database."""
    revision = current_revision(ctx.engine)
    if as_json:
        emit_json({"revision": revision})
    else:
        click.echo(revision or "empty (run `sverka db upgrade`)")


COMMANDS = [db_group]
