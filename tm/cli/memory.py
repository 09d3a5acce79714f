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
    cli_actor,
    counted,
    emit_json,
    json_option,
    record_command_event,
    terminal_progress,
)
from tm.cli.documents import parse_date
from tm.cli.jobs import background_option, echo_queued, submit_job
from tm.db import MAX_ID
from tm.errors import InputError
from tm.lang import SOURCE_LANG, TARGET_LANG
from tm.memory.duplicates import DuplicatePolicy
from tm.memory.memories import list_memories
from tm.memory.units import MAX_PAGE_SIZE, PAGE_SIZE
from tm.models import Status
from tm.paging import MAX_PAGE


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
    from tm.messages import for_cli

    if background:
        _queue_import(ctx, file, memory=memory, src=src, tgt=tgt, on_duplicate=on_duplicate,
                      rejects=rejects, as_json=as_json)
        return
    if rejects and os.path.lexists(rejects) and not force:
        raise InputError("rejects-file-exists", "{file} exists: choose another --rejects "
                         "file, or add --force to overwrite it", file=rejects)
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
    for reason, count in sorted(report.skipped.items(), key=lambda item: str(item[0])):
        click.echo(f"  skipped {count}: {for_cli(reason)}")
    mapped = ", ".join(f"{raw} → {tag}" for raw, tag in sorted(report.languages.items()))
    if mapped:
        click.echo(f"  languages: {mapped}")
    click.echo(f"  encoding {report.encoding}, TMX {report.tmx_version}")
    for warning in report.warnings:
        click.echo(f"  warning: {for_cli(warning)}")
    if rejects:
        click.echo(f"  skipped units written to {rejects}")


def _queue_import(ctx: CliContext, file: str, *, memory: str, src: str | None,
                  tgt: str | None, on_duplicate: str, rejects: str | None,
                  as_json: bool) -> None:
    """Queue the import of ``file`` as a job (``--background``) and say its id."""
    from tm.cli.context import cli_actor
    from tm.work import IMPORT_TMX, TMX_UPLOAD, import_tmx_params

    if rejects:
        raise InputError("rejects-in-background",
                         "--rejects needs the import to run here: leave out --background")
    if not os.path.isfile(file):
        raise InputError("file-missing", "{name}: no such file", name=file)
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
        raise InputError("export-target-missing", "give either --memory or --document")
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
        raise InputError("export-background-target", "--background exports a --memory to a "
                         "file (not a document, not standard output)")
    target = os.path.abspath(out)  # the worker's directory is not this one
    if not os.path.isdir(os.path.dirname(target)):
        raise InputError("directory-missing", "{name}: no such directory", name=out)
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


@click.group("memory")
def memory_group() -> None:
    """Browse, fix and delete the units of a memory."""


@memory_group.command("show")
@click.argument("name", metavar="MEMORY")
@click.option("--search", "query", help="Only units holding this (every form of a word).")
@click.option("--target", "in_target", is_flag=True, help="With --search: look in targets.")
@click.option("--origin", type=click.Choice(["translation", "import"]),
              help="Only units from documents' translations, or from TMX imports.")
@click.option("--document", "document_id", type=click.IntRange(1, MAX_ID),
              help="Only units that came from this document.")
@click.option("--since", help="Only units changed since this date, YYYY-MM-DD.")
@click.option("--page", type=click.IntRange(1, MAX_PAGE), default=1, show_default=True)
@click.option("--per-page", type=click.IntRange(1, MAX_PAGE_SIZE), default=PAGE_SIZE,
              show_default=True)
@json_option
@click.pass_obj
def memory_show_command(ctx: CliContext, name: str, query: str | None, in_target: bool,
                        origin: str | None, document_id: int | None, since: str | None,
                        page: int, per_page: int, as_json: bool) -> None:
    """Show a page of MEMORY's units, newest first, with where each came from."""
    from tm.memory.units import (
        UnitFilter,
        UnitOrigin,
        document_titles,
        list_units,
        unit_dict,
        units_in_order,
    )
    from tm.search.concordance import concordance

    with ctx.transaction() as session:
        if query:
            if origin or document_id or since:
                raise InputError("unit-search-filters",
                                 "--search does not combine with --origin, --document, --since")
            found = concordance(session, query, target=in_target, memories=[name],
                                page=page, per_page=per_page)
            units = units_in_order(session, [hit.unit_id for hit in found.hits])
            total, number, pages = found.total, found.page, found.pages
        else:
            moment = parse_date(since)
            filters = UnitFilter(
                origin=UnitOrigin(origin) if origin else None, document_id=document_id,
                since=None if moment is None else dt.datetime.combine(moment, dt.time(),
                                                                      tzinfo=dt.UTC))
            listed = list_units(session, name, filters, number=page, size=per_page)
            units, total, number, pages = listed.units, listed.total, listed.number, listed.pages
        titles = document_titles(session, units)
        rows = [unit_dict(u, titles) for u in units]
    if as_json:
        emit_json({"memory": name, "total": total, "page": number, "pages": pages,
                   "units": rows})
        return
    click.echo(f"{name}: {counted(total, 'unit', 'units')}, page {number} of {pages}")
    for row in rows:
        where = (f"document {row['document_id']}" if row["document_id"]
                 else f"imported {str(row['imported_at'])[:10]}")
        click.echo(f"{row['id']:>8}  {row['source']}\n          {row['target']}  "
                   f"({where}, {row['changed_by'] or row['created_by'] or '—'})")


@memory_group.command("edit")
@click.argument("name", metavar="MEMORY")
@click.argument("unit_id", metavar="UNIT", type=click.IntRange(1, MAX_ID))
@click.option("--source", help="The unit's new source text.")
@click.option("--target", help="The unit's new target text.")
@json_option
@click.pass_obj
def memory_edit_command(ctx: CliContext, name: str, unit_id: int, source: str | None,
                        target: str | None, as_json: bool) -> None:
    """Change the source and/or target of unit UNIT of MEMORY."""
    from tm.memory.units import document_titles, edit_unit, get_unit, unit_dict

    if source is None and target is None:
        raise InputError("unit-edit-empty", "give --source and/or --target")
    with ctx.transaction() as session:
        unit = edit_unit(session, get_unit(session, name, unit_id), author=cli_actor(),
                         source=source, target=target)
        row = unit_dict(unit, document_titles(session, [unit]))
    if as_json:
        emit_json(row)
        return
    click.echo(f"Unit {unit_id} of {name} changed.")


@memory_group.command("delete")
@click.argument("name", metavar="MEMORY")
@click.argument("unit_ids", metavar="[UNIT]...", nargs=-1, type=click.IntRange(1, MAX_ID))
@click.option("--search", "query", help="Delete every unit holding this (every form).")
@click.option("--target", "in_target", is_flag=True, help="With --search: look in targets.")
@json_option
@click.pass_obj
def memory_delete_command(ctx: CliContext, name: str, unit_ids: tuple[int, ...],
                          query: str | None, in_target: bool, as_json: bool) -> None:
    """Delete units of MEMORY: those given, or a search's whole result."""
    from tm.memory.units import delete_units, get_unit
    from tm.search.concordance import matching_units

    if bool(unit_ids) == bool(query):
        raise InputError("unit-delete-target", "give UNIT ids or --search TEXT")
    with ctx.transaction() as session:
        if query:
            ids = matching_units(session, query, memory=name, target=in_target)
        else:
            ids = [get_unit(session, name, u).id for u in unit_ids]
        deleted = delete_units(session, name, ids)
        record_command_event(session, "delete", "memory-units", name, {"units": deleted})
    if as_json:
        emit_json({"memory": name, "deleted": deleted})
        return
    click.echo(f"Deleted {counted(deleted, 'unit', 'units')} of {name}.")


COMMANDS = [import_tmx_command, export_command, memories_command, memory_group]
