"""``sverka glossary``: import, export, list, add, search and recognise terms."""
from __future__ import annotations

import os

import click

from tm.cli.context import CliContext, cli_actor, counted, emit_json, json_option
from tm.errors import InputError
from tm.messages import for_cli

# Lines of a --file read for recognition, and characters of a line or a TEXT.
MAX_LINES = 100_000
MAX_TEXT = 100_000


@click.group("glossary")
def glossary_group() -> None:
    """Glossaries: import, export, list, add, search, and find terms in a text."""


@glossary_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--glossary", "name", required=True, help="Glossary to import into (created "
                                                        "if new).")
@click.option("--src", help="Source language (default: ru, or the glossary's).")
@click.option("--tgt", help="Target language (default: en, or the glossary's).")
@json_option
@click.pass_obj
def import_command(ctx: CliContext, file: str, name: str, src: str | None, tgt: str | None,
                   as_json: bool) -> None:
    """Import FILE (TBX v2 or v3, TSV, CSV: read from its content) into a glossary."""
    from tm.terms.glossaries import import_glossary

    if not os.path.isfile(file):
        raise InputError("file-missing", "{name}: no such file", name=file)
    with ctx.transaction() as session:
        report = import_glossary(session, file, glossary=name, src=src, tgt=tgt,
                                 author=cli_actor())
    if as_json:
        emit_json(report.as_dict())
        return
    click.echo(f"{file} ({report.format}): {counted(report.read, 'term', 'terms')} read, "
               f"{report.imported:,} imported, {report.merged:,} merged into {name}")
    for reason, count in sorted(report.skipped.items(), key=lambda item: str(item[0])):
        click.echo(f"  skipped {count:,}: {for_cli(reason)}")
    for warning in report.warnings:
        click.echo(f"  warning: {for_cli(warning)}")


@glossary_group.command("export")
@click.argument("out", metavar="OUT")
@click.option("--glossary", "name", required=True, help="The glossary to export.")
@click.option("--format", "file_format", type=click.Choice(["tbx", "tsv", "csv"]),
              default="tbx", show_default=True, help="TBX v2 (TBX-Basic), OmegaT's TSV, CSV.")
@json_option
@click.pass_obj
def export_command(ctx: CliContext, out: str, name: str, file_format: str,
                   as_json: bool) -> None:
    """Export a glossary to OUT as TBX, TSV or CSV."""
    from tm.terms.glossaries import export_glossary

    partial = f"{out}.{os.getpid()}.part"
    try:
        with ctx.transaction() as session:
            count = export_glossary(session, partial, glossary=name, format=file_format)
        os.replace(partial, out)
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    if as_json:
        emit_json({"file": out, "glossary": name, "format": file_format, "terms": count})
    else:
        click.echo(f"Wrote {counted(count, 'term', 'terms')} of {name} to {out}")


@glossary_group.command("list")
@json_option
@click.pass_obj
def list_command(ctx: CliContext, as_json: bool) -> None:
    """List the glossaries with their sizes."""
    from tm.terms.glossaries import list_glossaries

    with ctx.transaction() as session:
        found = list_glossaries(session)
    if as_json:
        emit_json([g.as_dict() for g in found])
        return
    if not found:
        click.echo("No glossaries yet.")
    for glossary in found:
        click.echo(f"{glossary.name}  {glossary.src_lang}→{glossary.tgt_lang}  "
                   f"{counted(glossary.terms, 'term', 'terms')}")


@glossary_group.command("add")
@click.argument("source")
@click.argument("target")
@click.option("--glossary", "name", required=True, help="Glossary to add to (created if new).")
@click.option("--note", help="A note for translators.")
@click.option("--part-of-speech", "pos", help="noun, verb, adjective, proper noun...")
@click.option("--status", type=click.Choice(["preferred", "admitted", "forbidden"]),
              default="preferred", show_default=True, help="The target's status.")
@click.option("--case-sensitive", is_flag=True, help="Match the source only as written.")
@click.option("--do-not-translate", is_flag=True, help="The term stays as it is.")
@json_option
@click.pass_obj
def add_command(ctx: CliContext, source: str, target: str, name: str, note: str | None,
                pos: str | None, status: str, case_sensitive: bool, do_not_translate: bool,
                as_json: bool) -> None:
    """Add the term SOURCE with its TARGET to a glossary."""
    from tm.formats.glossary import GlossaryEntry, TargetTerm
    from tm.terms.glossaries import add_term, get_or_create_glossary

    entry = GlossaryEntry(source=source, targets=(TargetTerm(target, status),),
                          part_of_speech=pos, note=note, case_sensitive=case_sensitive,
                          do_not_translate=do_not_translate)
    with ctx.transaction() as session:
        term = add_term(session, get_or_create_glossary(session, name), entry,
                        author=cli_actor())
        session.flush()
        said = {"id": term.id, "glossary": name, "source": term.source, "target": term.target}
    if as_json:
        emit_json(said)
    else:
        click.echo(f"Added {said['source']} → {said['target']} to {name} (term {said['id']})")


@glossary_group.command("search")
@click.argument("query")
@click.option("--glossary", "name", required=True, help="The glossary to search.")
@json_option
@click.pass_obj
def search_command(ctx: CliContext, query: str, name: str, as_json: bool) -> None:
    """Find the terms of a glossary holding QUERY (Russian words in any form)."""
    from tm.terms.glossaries import search_terms

    with ctx.transaction() as session:
        found = [{"id": t.id, "source": t.source, "target": t.target, "targets": t.targets,
                  "note": t.note, "status": t.status.value}
                 for t in search_terms(session, name, query)]
    if as_json:
        emit_json(found)
        return
    if not found:
        click.echo("Nothing found.")
    for term in found:
        click.echo(f"{term['source']} → {term['target']}")


@glossary_group.command("find")
@click.argument("text", required=False)
@click.option("--file", "path", type=click.Path(dir_okay=False),
              help="Find the terms of each line of this UTF-8 file instead.")
@click.option("--glossary", "names", multiple=True,
              help="Only this glossary (repeatable; default: every glossary).")
@json_option
@click.pass_obj
def find_command(ctx: CliContext, text: str | None, path: str | None, names: tuple[str, ...],
                 as_json: bool) -> None:
    """Find the glossary terms in TEXT (or each line of --file), in every word form."""
    from tm.terms.glossaries import find_terms

    if (text is None) == (path is None):
        raise InputError("find-text-missing", "give either TEXT or --file")
    if path is not None:
        lines = _lines(path)
    else:
        assert text is not None
        if len(text) > MAX_TEXT:
            raise InputError("find-text-long", "a text has at most {max:,} characters",
                             max=MAX_TEXT)
        lines = [text]
    with ctx.transaction() as session:
        found = find_terms(session, lines, names or None)
    hits = [{**({"line": number} if path is not None else {}), "term": hit.term,
             "start": hit.start, "end": hit.end, "found": hit.found, "target": hit.target}
            for number, line_hits in enumerate(found, 1) for hit in line_hits]
    if as_json:
        emit_json(hits)
        return
    if not hits:
        click.echo("No terms found.")
    for hit in hits:
        where = f"{hit['line']}:" if "line" in hit else ""
        click.echo(f"{where}{hit['start']}-{hit['end']}  {hit['found']} → {hit['target']}")


def _lines(path: str) -> list[str]:
    if not os.path.isfile(path):
        raise InputError("file-missing", "{name}: no such file", name=path)
    lines: list[str] = []
    try:
        with open(path, encoding="utf-8-sig") as handle:
            for line in handle:
                if len(lines) >= MAX_LINES:
                    raise InputError("find-file-long", "{name}: more than {max:,} lines",
                                     name=path, max=MAX_LINES)
                lines.append(line.rstrip("\r\n")[:MAX_TEXT])
    except UnicodeDecodeError as error:
        raise InputError("text-not-utf8", "{path}: not UTF-8 text ({reason})", path=path,
                         reason=str(error)) from error
    return lines


COMMANDS = [glossary_group]
