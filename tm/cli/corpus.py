"""``sverka load-corpora``: import the sample articles with their translations."""
from __future__ import annotations

from pathlib import Path

import click

from tm.cli.context import CliContext, emit_json, json_option
from tm.corpus import load_corpus


@click.command("load-corpora")
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@json_option
@click.pass_obj
def load_corpora_command(ctx: CliContext, directory: Path | None, as_json: bool) -> None:
    """Import every article of DIRECTORY (default: corpora/); already loaded ones are kept."""
    with ctx.transaction() as session:
        entries = load_corpus(session, directory)
    if as_json:
        emit_json([{"key": e.key, "id": e.document_id, "loaded": e.loaded} for e in entries])
        return
    for e in entries:
        click.echo(f"{'loaded ' if e.loaded else 'present'}  {e.document_id:>5}  {e.key}")
    click.echo(f"{sum(e.loaded for e in entries)} loaded, "
               f"{sum(not e.loaded for e in entries)} already present.")


COMMANDS = [load_corpora_command]
