"""``sverka search``, ``concordance`` and ``pretranslate``: use the memories."""
from __future__ import annotations

import sys
import time

import click

from tm.cli.context import CliContext, counted, emit_json, json_option
from tm.cli.jobs import background_option, echo_queued, submit_job
from tm.errors import InputError
from tm.files import open_input
from tm.lang import SOURCE_LANG, TARGET_LANG
from tm.messages import for_cli
from tm.search import fuzzy, reindex
from tm.search.concordance import DEFAULT_PER_PAGE, concordance
from tm.search.fuzzy import DEFAULT_LIMIT, DEFAULT_MIN_SCORE, Match
from tm.search.pretranslate import BANDS, NO_MATCH, pretranslate
from tm.search.pretranslate import DEFAULT_MIN_SCORE as PRE_MIN

memory_option = click.option("--memory", "memories", multiple=True, metavar="NAME",
                             help="Search this memory (repeatable; default: all of the pair).")


def _read_lines(path: str) -> list[str]:
    """Return the lines of a UTF-8 file (``-``: standard input)."""
    try:
        if path == "-":
            return sys.stdin.buffer.read().decode("utf-8").splitlines()
        with open_input(path) as handle:
            return handle.read().decode("utf-8").splitlines()
    except UnicodeDecodeError as error:
        raise InputError("text-not-utf8", "{path}: not UTF-8 text ({reason})", path=path,
                         reason=error.reason) from error


def _print_matches(matches: list[Match]) -> None:
    if not matches:
        click.echo("No match.")
    for m in matches:
        click.echo(f"{m.score:>4}%  {m.memory}  {m.source}")
        click.echo(f"       → {m.suggestion}")
        notes = [f"{name} −{points}" for name, points in m.penalties]
        notes += [for_cli(p.note) for p in m.placeables]
        if notes:
            click.echo(f"       ({'; '.join(notes)})")


@click.command("search")
@click.argument("text", required=False)
@click.option("--min", "min_score", type=int, default=DEFAULT_MIN_SCORE, show_default=True,
              help="Lowest match score shown, 1–101.")
@click.option("--limit", type=int, default=DEFAULT_LIMIT, show_default=True,
              help="Matches per query.")
@memory_option
@click.option("--src", default=SOURCE_LANG, show_default=True, help="Source language.")
@click.option("--tgt", default=TARGET_LANG, show_default=True, help="Target language.")
@click.option("--batch", type=click.Path(dir_okay=False, allow_dash=True),
              help="Look up every line of this file (- for standard input).")
@click.option("--reindex", "rebuild", is_flag=True,
              help="Rebuild the search index of every unit first.")
@background_option
@json_option
@click.pass_obj
def search_command(ctx: CliContext, text: str | None, min_score: int, limit: int,
                   memories: tuple[str, ...], src: str, tgt: str, batch: str | None,
                   rebuild: bool, background: bool, as_json: bool) -> None:
    """Find the best translations of TEXT in the memories, with match scores."""
    if background:
        if not rebuild or text is not None or batch is not None:
            raise InputError("search-background-reindex",
                             "--background runs --reindex alone (lookups are answered here)")
        from tm.work import REINDEX

        echo_queued(submit_job(ctx, REINDEX, title="Rebuild the search index", params={}),
                    as_json)
        return
    if (text is None) == (batch is None) and not rebuild:
        raise InputError("search-text-missing", "give a TEXT or --batch FILE")
    ctx.share_search_index()
    if rebuild:
        with ctx.transaction() as session:
            count = reindex(session)
        if not as_json:
            click.echo(f"Indexed {counted(count, 'unit', 'units')}.")
    queries = [text] if text is not None else []
    if batch is not None:
        queries = [line.strip() for line in _read_lines(batch) if line.strip()]
    with ctx.transaction() as session:
        for query in queries:
            started = time.perf_counter()
            matches = fuzzy(session, query, src=src, tgt=tgt, memories=memories or None,
                            min_score=min_score, limit=limit)
            ms = (time.perf_counter() - started) * 1000
            if as_json:
                emit_json({"query": query, "ms": round(ms, 2),
                           "matches": [m.as_dict() for m in matches]})
            else:
                if batch is not None:
                    click.echo(f"# {query}  ({ms:.1f} ms)")
                _print_matches(matches)


@click.command("concordance")
@click.argument("phrase")
@click.option("--target", is_flag=True, help="Search the translations instead of the sources.")
@memory_option
@click.option("--src", default=SOURCE_LANG, show_default=True, help="Source language.")
@click.option("--tgt", default=TARGET_LANG, show_default=True, help="Target language.")
@click.option("--page", type=int, default=1, show_default=True)
@click.option("--per-page", type=int, default=DEFAULT_PER_PAGE, show_default=True)
@click.option("--exact", is_flag=True, help="Only the forms given, no morphology.")
@json_option
@click.pass_obj
def concordance_command(ctx: CliContext, phrase: str, target: bool, memories: tuple[str, ...],
                        src: str, tgt: str, page: int, per_page: int, exact: bool,
                        as_json: bool) -> None:
    """Find PHRASE in the memories (every form of Russian words), with hits marked."""
    with ctx.transaction() as session:
        result = concordance(session, phrase, target=target, src=src, tgt=tgt,
                             memories=memories or None, page=page, per_page=per_page,
                             morphology=not exact)
    if as_json:
        emit_json(result.as_dict())
        return
    more = "+" if result.truncated else ""
    click.echo(f"{result.total}{more} units, page {result.page} of {result.pages}")
    for hit in result.hits:
        found = hit.highlighted("[", "]")
        other = hit.target if hit.side == "source" else hit.source
        click.echo(f"{hit.memory}  {found}\n       {other}")


@click.command("pretranslate")
@click.argument("document_id", metavar="DOC", type=int)
@click.option("--min-score", type=int, default=PRE_MIN, show_default=True,
              help="Lowest match score filled in.")
@click.option("--track", default="tm", show_default=True, help="Track to fill.")
@memory_option
@click.option("--author", help="Recorded as the author of the filled translations.")
@click.option("--overwrite", is_flag=True,
              help="Replace translations the track already has (kept in history).")
@background_option
@json_option
@click.pass_obj
def pretranslate_command(ctx: CliContext, document_id: int, min_score: int, track: str,
                         memories: tuple[str, ...], author: str | None, overwrite: bool,
                         background: bool, as_json: bool) -> None:
    """Fill a track of document DOC from the memories; count segments per match band."""
    if background:
        from tm.documents import get_document
        from tm.work import PRETRANSLATE, pretranslate_params

        with ctx.transaction() as session:
            title = f"Pre-translate «{get_document(session, document_id).title}»"
        params = pretranslate_params(document_id=document_id, track=track,
                                     min_score=min_score, memories=list(memories) or None,
                                     author=author, overwrite=overwrite)
        echo_queued(submit_job(ctx, PRETRANSLATE, title=title, params=params), as_json)
        return
    ctx.share_search_index()
    with ctx.transaction() as session:
        report = pretranslate(session, document_id, track=track, min_score=min_score,
                              memories=memories or None, author=author, overwrite=overwrite)
    if as_json:
        emit_json(report.as_dict())
        return
    click.echo(f"Document {document_id}: {counted(report.filled, 'segment', 'segments')} "
               f"filled in track "
               f"{report.track!r} (≥ {min_score}%)"
               + (f", {report.kept} kept as they were" if report.kept else "") + ".")
    for name in [*(b[0] for b in BANDS), NO_MATCH]:
        click.echo(f"  {name:>9}  {report.segments[name]:>5} segments  "
                   f"{report.words[name]:>6} words")


COMMANDS = [search_command, concordance_command, pretranslate_command]
