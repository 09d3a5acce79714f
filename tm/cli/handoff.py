"""``sverka export-xliff``, ``import-xliff``: hand a document to a CAT tool and take it back."""
from __future__ import annotations

import os

import click

from tm.cli.context import (
    CliContext,
    cli_actor,
    counted,
    emit_json,
    json_option,
    record_command_event,
)
from tm.db import MAX_ID
from tm.errors import InputError

VERSIONS = ("1.2", "2.0")
FLAVOURS = ("default", "omegat")


def _temporary(out: str) -> str:
    return os.path.join(os.path.dirname(os.path.abspath(out)),
                        f".{os.path.basename(out)}.{os.getpid()}.part")


@click.command("export-xliff")
@click.argument("document_id", metavar="DOC", type=click.IntRange(1, MAX_ID))
@click.argument("out", metavar="OUT.xlf")
@click.option("--track", required=True, help="The track whose translations go with it.")
@click.option("--version", "version", type=click.Choice(VERSIONS), default="1.2",
              show_default=True, help="XLIFF version.")
@click.option("--flavour", type=click.Choice(FLAVOURS), default="default", show_default=True,
              help="default: untranslated units have no target (Trados, memoQ, Okapi); "
                   "omegat: every target holds the source, as OmegaT 3.6 translates it.")
@click.option("--memory", "memories", multiple=True,
              help="Offer matches from this memory (repeatable; default: every memory of "
                   "the language pair).")
@click.option("--no-matches", is_flag=True, help="Leave memory matches out.")
@json_option
@click.pass_obj
def export_xliff_command(ctx: CliContext, document_id: int, out: str, track: str, version: str,
                         flavour: str, memories: tuple[str, ...], no_matches: bool,
                         as_json: bool) -> None:
    """Export track --track of document DOC as XLIFF to OUT.xlf, for a CAT tool."""
    from tm.handoff import export_xliff

    if os.path.isdir(out):
        raise InputError("file-is-directory", "{name}: is a directory, not a file", name=out)
    partial = _temporary(out)
    try:
        with ctx.transaction() as session:
            report = export_xliff(session, partial, document_id=document_id, track=track,
                                  version=version, flavour=flavour,
                                  memories=memories or None, with_matches=not no_matches)
            record_command_event(session, "export", "document", document_id,
                                 {"format": f"xliff-{version}", "track": track,
                                  "units": report.units})
        os.replace(partial, out)
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    report.file = out
    if as_json:
        emit_json(report.as_dict())
    else:
        click.echo(f"Wrote {counted(report.units, 'unit', 'units')} "
                   f"({report.translated:,} translated) to {out}")


@click.command("import-xliff")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--document", "document_id", required=True, type=click.IntRange(1, MAX_ID),
              help="The document the file was exported from.")
@click.option("--track", required=True, help="The track to write the targets into "
                                              "(created if new).")
@click.option("--omegat", is_flag=True,
              help="The file came back from OmegaT (exported with --flavour omegat).")
@json_option
@click.pass_obj
def import_xliff_command(ctx: CliContext, file: str, document_id: int, track: str,
                         omegat: bool, as_json: bool) -> None:
    """Import the targets of the XLIFF FILE (1.2, 2.0, SDLXLIFF) into a document's track."""
    from tm.handoff import import_xliff

    if not os.path.isfile(file):
        raise InputError("file-missing", "{name}: no such file", name=file)
    with ctx.transaction() as session:
        from tm.documents import get_document

        get_document(session, document_id)  # a missing document first, then the file
        report = import_xliff(session, file, document_id=document_id, track=track,
                              author=cli_actor(), omegat=omegat, name=file)
        record_command_event(session, "import", "document", document_id,
                             {"format": f"xliff-{report.version}", "track": track,
                              "imported": report.imported, "updated": report.updated})
    if as_json:
        emit_json(report.as_dict())
    else:
        click.echo(f"Read {counted(report.read, 'unit', 'units')} of {file}: "
                   f"{report.imported:,} new, {report.updated:,} changed, "
                   f"{report.unchanged:,} unchanged, {report.untranslated:,} untranslated "
                   f"(track {track}, document {document_id})")


@click.command("export-omegat")
@click.argument("document_id", metavar="DOC", type=click.IntRange(1, MAX_ID))
@click.argument("out", metavar="OUT.zip")
@click.option("--track", required=True, help="The track whose translations go with it.")
@click.option("--memory", "memories", multiple=True,
              help="Put this whole memory into the project's tm/ (repeatable).")
@json_option
@click.pass_obj
def export_omegat_command(ctx: CliContext, document_id: int, out: str, track: str,
                          memories: tuple[str, ...], as_json: bool) -> None:
    """Write a zipped OmegaT 3.6 project of track --track of document DOC to OUT.zip."""
    from tm.handoff.omegat import export_omegat

    if os.path.isdir(out):
        raise InputError("file-is-directory", "{name}: is a directory, not a file", name=out)
    with ctx.transaction() as session:
        report = export_omegat(session, out, document_id=document_id, track=track,
                               memories=memories)
        record_command_event(session, "export", "document", document_id,
                             {"format": "omegat", "track": track,
                              "segments": report.segments})
    if as_json:
        emit_json(report.as_dict())
    else:
        click.echo(f"Wrote the OmegaT project {report.project} to {out}: "
                   f"{counted(report.segments, 'segment', 'segments')} "
                   f"({report.translated:,} translated), "
                   f"{counted(report.auto_units, 'memory match', 'memory matches')} in tm/auto")


@click.command("import-omegat")
@click.argument("project", metavar="DIR|ZIP", type=click.Path())
@click.option("--document", "document_id", required=True, type=click.IntRange(1, MAX_ID),
              help="The document the project was made of.")
@click.option("--track", required=True, help="The track to write the translations into "
                                              "(created if new).")
@json_option
@click.pass_obj
def import_omegat_command(ctx: CliContext, project: str, document_id: int, track: str,
                          as_json: bool) -> None:
    """Take the translations of an OmegaT project (folder or zip) back into a track."""
    from tm.documents import get_document
    from tm.handoff.omegat import import_omegat

    with ctx.transaction() as session:
        get_document(session, document_id)
        report = import_omegat(session, project, document_id=document_id, track=track,
                               author=cli_actor())
        record_command_event(session, "import", "document", document_id,
                             {"format": "omegat", "track": track,
                              "imported": report.xliff.imported})
    if as_json:
        emit_json(report.as_dict())
    else:
        found = report.xliff
        click.echo(f"Read {counted(found.read, 'unit', 'units')} of {project} "
                   f"({report.source}): {found.imported:,} new, {found.updated:,} changed, "
                   f"{found.unchanged:,} unchanged, {found.untranslated:,} untranslated")


COMMANDS = [export_xliff_command, import_xliff_command, export_omegat_command,
            import_omegat_command]
