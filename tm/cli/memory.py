"""``sverka import-tmx``, ``export`` and ``memories``: exchange memories as TMX.

The TMX reader and writer (lxml and, for an import's search keys, numpy) are imported by
the commands that use them, so ``sverka memories`` starts without them.
"""
from __future__ import annotations

import datetime as dt
import os
import sys

import click

from tm.cli.context import (
    CliContext,
    counted,
    emit_json,
    json_option,
    record_command_event,
    terminal_progress,
)
from tm.cli.documents import parse_date
from tm.cli.jobs import background_option, echo_queued, submit_job
from tm.errors import InputError
from tm.lang import SOURCE_LANG, TARGET_LANG
from tm.memory.duplicates import DuplicatePolicy
from tm.memory.memories import list_memories
from tm.models import Status


@click.command("import-tmx")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--memory", required=True, help="Memory to import into (created if new).")
@click.option("--src",
              help=f"Source language of the memory (default: {SOURCE_LANG}, or the memory's).")
@click.option("--tgt",
              help=f"Target language of the memory (default: {TARGET_LANG}, or the memory's).")
@click.option("--on-duplicate", type=click.Choice([p.value for p in DuplicatePolicy]),
              default=DuplicatePolicy.KEEP_NEWEST.value, show_default=True,
              help="What to do with units whose source is already there.")
@click.option("--rejects", type=click.Path(dir_okay=False),
              help="Write the skipped units to this TMX file, each with the reason.")
@click.option("--force", is_flag=True, help="Overwrite an existing --rejects file.")
@background_option
@json_option
@click.pass_obj
def import_tmx_command(ctx: CliContext, file: str, memory: str, src: str | None,
                       tgt: str | None, on_duplicate: str, rejects: str | None, force: bool,
                       background: bool, as_json: bool) -> None:
    """Import the TMX FILE into a memory. All or nothing; a report says what happened."""
    from tm.memory import import_tmx

    if background:
        _queue_import(ctx, file, memory=memory, src=src, tgt=tgt, on_duplicate=on_duplicate,
                      rejects=rejects, as_json=as_json)
        return
    if rejects and os.path.lexists(rejects) and not force:
        raise InputError(f"{rejects} exists: choose another --rejects file, or add --force "
                         "to overwrite it")
    with ctx.transaction() as session, terminal_progress(as_json) as progress:
        report = import_tmx(session, file, memory=memory, src=src, tgt=tgt,
                            on_duplicate=DuplicatePolicy(on_duplicate), rejects=rejects,
                            progress=progress)
        record_command_event(session, "import", "memory", memory,
                      {"file": file[:200], "imported": report.imported})
    if as_json:
        emit_json(report.as_dict())
        return
    click.echo(f"{file} → memory {memory!r} ({report.src_lang}→{report.tgt_lang}): "
               f"{counted(report.read, 'unit', 'units')} read, {report.imported:,} imported, "
               f"{report.duplicates:,} merged as duplicates ({on_duplicate}), "
               f"{sum(report.skipped.values()):,} skipped"
               + (f"; {counted(report.replaced, 'older unit', 'older units')} replaced."
                  if report.replaced else "."))
    for reason, count in sorted(report.skipped.items()):
        click.echo(f"  skipped {count}: {reason}")
    mapped = ", ".join(f"{raw} → {tag}" for raw, tag in sorted(report.languages.items()))
    if mapped:
        click.echo(f"  languages: {mapped}")
    click.echo(f"  encoding {report.encoding}, TMX {report.tmx_version}")
    for warning in report.warnings:
        click.echo(f"  warning: {warning}")
    if rejects:
        click.echo(f"  skipped units written to {rejects}")


def _queue_import(ctx: CliContext, file: str, *, memory: str, src: str | None,
                  tgt: str | None, on_duplicate: str, rejects: str | None,
                  as_json: bool) -> None:
    """Queue the import of ``file`` as a job (``--background``) and say its id."""
    from tm.cli.context import cli_actor
    from tm.work import IMPORT_TMX, TMX_UPLOAD, import_tmx_params

    if rejects:
        raise InputError("--rejects needs the import to run here: leave out --background")
    if not os.path.isfile(file):
        raise InputError(f"{file}: no such file")
    name = os.path.basename(file)
    job_id = submit_job(ctx, IMPORT_TMX, title=f"{name} → {memory}",
                        params=import_tmx_params(memory=memory, name=file, src=src, tgt=tgt,
                                                 on_duplicate=on_duplicate,
                                                 actor=cli_actor()),
                        upload=(file, TMX_UPLOAD))
    echo_queued(job_id, as_json)


@click.command("export")
@click.argument("out", metavar="OUT.tmx")
@click.option("--memory", help="Export this memory.")
@click.option("--document", "document_id", type=int, help="Export this document's translations.")
@click.option("--status", type=click.Choice([s.value for s in Status]),
              help="Only translations with this status (documents).")
@click.option("--track", help="Only this track (documents).")
@click.option("--since", help="Only units changed since this date, YYYY-MM-DD (memories).")
@click.option("--include-boilerplate/--exclude-boilerplate", default=True,
              help="Export boilerplate lines too, marked with the prop x-kind (documents; "
                   "the default), or leave them out.")
@background_option
@json_option
@click.pass_obj
def export_command(ctx: CliContext, out: str, memory: str | None, document_id: int | None,
                   status: str | None, track: str | None, since: str | None,
                   include_boilerplate: bool, background: bool, as_json: bool) -> None:
    """Export a memory or a document as TMX 1.4 to OUT.tmx (- for standard output)."""
    from tm.memory import export_document, export_memory

    if (memory is None) == (document_id is None):
        raise InputError("give either --memory or --document")
    if background:
        _queue_export(ctx, out, memory=memory, since=since, as_json=as_json)
        return
    target = sys.stdout.buffer if out == "-" else out
    with ctx.transaction() as session:
        if memory is not None:
            moment = parse_date(since)
            report = export_memory(session, target, memory=memory, since=None if moment is None
                                   else dt.datetime.combine(moment, dt.time(), tzinfo=dt.UTC))
        else:
            assert document_id is not None
            report = export_document(session, target, document_id=document_id, track=track,
                                     status=Status(status) if status else None,
                                     include_boilerplate=include_boilerplate)
        record_command_event(session, "export", "memory" if memory is not None else "document",
                      memory if memory is not None else document_id, {"units": report.units})
    if out == "-":
        return
    if as_json:
        emit_json(report.as_dict())
    else:
        click.echo(f"Wrote {counted(report.units, 'unit', 'units')} to {out}"
                   + (f" ({report.skipped_empty} empty left out)" if report.skipped_empty else ""))


def _queue_export(ctx: CliContext, out: str, *, memory: str | None, since: str | None,
                  as_json: bool) -> None:
    """Queue the export of a memory to ``out`` as a job (``--background``) and say its id."""
    from tm.cli.context import cli_actor
    from tm.memory.memories import get_memory
    from tm.work import EXPORT_MEMORY, export_memory_params

    if memory is None or out == "-":
        raise InputError("--background exports a --memory to a file (not a document, not "
                         "standard output)")
    target = os.path.abspath(out)  # the worker's directory is not this one
    if not os.path.isdir(os.path.dirname(target)):
        raise InputError(f"{out}: no such directory")
    with ctx.transaction() as session:
        get_memory(session, memory)  # an unknown memory is said now, not by the job
    moment = parse_date(since)
    params = export_memory_params(
        memory=memory, out=target, actor=cli_actor(),
        since=None if moment is None else dt.datetime.combine(moment, dt.time(), tzinfo=dt.UTC))
    echo_queued(submit_job(ctx, EXPORT_MEMORY, title=f"{memory} → {os.path.basename(out)}",
                           params=params), as_json)


@click.command("memories")
@json_option
@click.pass_obj
def memories_command(ctx: CliContext, as_json: bool) -> None:
    """List the memories with their sizes."""
    with ctx.transaction() as session:
        summaries = list_memories(session)
    if as_json:
        emit_json([s.as_dict() for s in summaries])
        return
    if not summaries:
        click.echo("No memories yet: `sverka import-tmx FILE --memory NAME`.")
    for s in summaries:
        click.echo(f"{s.id:>4}  {s.name}  {s.src_lang}→{s.tgt_lang}  "
                   f"{counted(s.units, 'unit', 'units')}")


COMMANDS = [import_tmx_command, export_command, memories_command]
