"""``sverka import-testset``, ``add-track`` and ``score``: test sets and their scores."""
from __future__ import annotations

import click

from tm.cli.context import CliContext, emit_json, json_option
from tm.documents import get_document
from tm.errors import InputError
from tm.models import Origin
from tm.scoring.lines import read_docids, read_lines
from tm.scoring.testsets import (
    TrackLines,
    add_lines_to_document,
    add_lines_to_testset,
    get_testset,
    import_testset,
)

REFERENCE_ORIGINS = [Origin.HUMAN.value, Origin.SUPPLIED.value]


def named_file(value: str) -> tuple[str, str]:
    """Split a ``NAME=FILE`` option value."""
    name, sep, path = value.partition("=")
    if not sep or not name.strip() or not path:
        raise InputError(f"{value!r}: give a track name and a file as NAME=FILE")
    return name.strip(), path


def _track_lines(values: tuple[str, ...], origin: Origin) -> list[TrackLines]:
    tracks = []
    for value in values:
        name, path = named_file(value)
        tracks.append(TrackLines(name=name, lines=read_lines(path), origin=origin,
                                 source_name=path))
    return tracks


@click.command("import-testset")
@click.argument("name")
@click.option("--source", "source_file", required=True, metavar="SRC.txt",
              help="Source segments, one a line (UTF-8).")
@click.option("--ref", "refs", multiple=True, required=True, metavar="NAME=REF.txt",
              help="A reference translation and its track name (repeatable).")
@click.option("--system", "systems", multiple=True, metavar="NAME=HYP.txt",
              help="A system's output and its track name (repeatable).")
@click.option("--docids", "docids_file", metavar="IDS.tsv",
              help="Document id of every line: WMT segments.tsv (doc_id column) or one a line.")
@click.option("--ref-origin", type=click.Choice(REFERENCE_ORIGINS), default="human",
              show_default=True, help="Where the references come from.")
@click.option("--src-lang", default="ru", show_default=True, help="Source language (BCP 47).")
@click.option("--tgt-lang", default="en", show_default=True, help="Target language (BCP 47).")
@json_option
@click.pass_obj
def import_testset_command(ctx: CliContext, name: str, source_file: str, refs: tuple[str, ...],
                           systems: tuple[str, ...], docids_file: str | None,
                           ref_origin: str, src_lang: str, tgt_lang: str,
                           as_json: bool) -> None:
    """Import test set NAME from line-aligned files, keeping every line exactly as it is."""
    source = read_lines(source_file)
    tracks = (_track_lines(refs, Origin(ref_origin))
              + _track_lines(systems, Origin.MACHINE))
    doc_ids = read_docids(docids_file) if docids_file else None
    with ctx.transaction() as session:
        result = import_testset(session, name, source=source, source_name=source_file,
                                tracks=tracks, doc_ids=doc_ids, src_lang=src_lang,
                                tgt_lang=tgt_lang)
        report = {"id": result.test_set.id, "name": result.test_set.name,
                  "documents": result.documents, "segments": result.segments,
                  "tracks": result.tracks}
    if as_json:
        emit_json(report)
        return
    click.echo(f"Imported test set {name!r}: {report['documents']} documents, "
               f"{report['segments']} segments, tracks "
               + ", ".join(f"{t} ({n})" for t, n in result.tracks.items()) + ".")


@click.command("add-track")
@click.argument("target", metavar="DOC|TESTSET")
@click.argument("file", metavar="FILE")
@click.option("--track", "track_name", required=True, help="Name of the new track.")
@click.option("--origin", type=click.Choice([o.value for o in Origin if o is not Origin.TM]),
              default="machine", show_default=True, help="Where the translation comes from.")
@json_option
@click.pass_obj
def add_track_command(ctx: CliContext, target: str, file: str, track_name: str, origin: str,
                      as_json: bool) -> None:
    """Add FILE (one translation a line) as track --track of a test set or a document.

    TARGET is a test set's name, or a document's number.
    """
    lines = TrackLines(name=track_name, lines=read_lines(file), origin=Origin(origin),
                       source_name=file)
    with ctx.transaction() as session:
        if target.isdigit():
            count = add_lines_to_document(session, get_document(session, int(target)), lines)
        else:
            count = add_lines_to_testset(session, get_testset(session, target), lines)
    if as_json:
        emit_json({"target": target, "track": track_name, "translations": count})
        return
    click.echo(f"Added {count} translations to {target} as track {track_name!r}.")


COMMANDS = [import_testset_command, add_track_command]
