"""``sverka segment``: split text into segments as an import does, one per line."""
from __future__ import annotations

import sys

import click

from tm.cli.context import emit_json, json_option
from tm.files import open_input
from tm.ingest.decode import decode_bytes
from tm.lang import known_lang
from tm.segment import split_units


@click.command("segment")
@click.argument("file", required=False, default="-")
@click.option("--lang", required=True, help="Language of the text: ru, en, ...")
@json_option
def segment_command(file: str, lang: str, as_json: bool) -> None:
    """Split FILE (default: standard input) into sentences, one per line."""
    if file == "-":
        data, name = sys.stdin.buffer.read(), "<stdin>"
    else:
        with open_input(file) as handle:
            data, name = handle.read(), file
    spans = split_units(decode_bytes(data, name), known_lang(lang))
    if as_json:
        emit_json([{"start": s.start, "end": s.end, "text": s.text} for s in spans])
    else:
        for span in spans:
            click.echo(span.text.replace("\n", " "))


COMMANDS = [segment_command]
