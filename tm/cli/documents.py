"""``sverka import``, ``documents`` and ``show``: bring articles in and look at them.

Only ``import`` needs ``tm.ingest`` (the readers, the segmenter, the aligner and, through
the memory, the search index: numpy, rapidfuzz, lxml), so it imports it when it runs and
listing or showing documents starts without them.
"""
from __future__ import annotations

import datetime as dt
import shutil
import sys
import textwrap
from typing import TYPE_CHECKING

import click

from tm.cli.context import (
    CliContext,
    counted,
    emit_json,
    json_option,
    language_pair_options,
    record_command_event,
)
from tm.cli.jobs import background_option, echo_queued, submit_job
from tm.db import get_by_name
from tm.documents import (
    DocumentFilter,
    DocumentKind,
    Progress,
    document_rows,
    document_tracks,
    get_document,
    list_documents,
)
from tm.errors import InputError
from tm.messages import for_cli
from tm.models import Origin, TestSet, Translation

if TYPE_CHECKING:
    from tm.ingest import Article

DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%Y%m%d")
# Line widths `show` lays its two columns out in: narrower is unreadable, wider is a mistake.
MIN_WIDTH, MAX_WIDTH = 40, 1000


def parse_date(value: str | None) -> dt.date | None:
    """Parse a publication date given as YYYY-MM-DD, DD.MM.YYYY or YYYYMMDD."""
    if not value:
        return None
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise InputError("date-invalid", "not a date: {value!r} (use YYYY-MM-DD)", value=value)


def _read(path: str) -> Article:
    from tm.ingest import read_article, read_article_bytes

    if path == "-":
        return read_article_bytes(sys.stdin.buffer.read(), "<stdin>")
    return read_article(path)


@click.command("import")
@click.argument("article", metavar="ARTICLE")
@click.option("--translation", "translation_file", metavar="EN_FILE",
              help="English translation to align with the article.")
@click.option("--track", default="human", show_default=True,
              help="Track name for the translation (human, agency, mt:online-a, ...).")
@click.option("--origin", type=click.Choice([o.value for o in Origin if o is not Origin.TM]),
              default="human", show_default=True, help="Where the translation comes from.")
@click.option("--author", help="Who made the translation.")
@click.option("--title", help="Title (default: the article's headline).")
@click.option("--url", help="Where the article was published.")
@click.option("--date", "date", help="Publication date, YYYY-MM-DD.")
@click.option("--strict", is_flag=True,
              help="Refuse an article or translation that is not in its language's script "
                   "(default: import it with a warning).")
@language_pair_options
@background_option
@json_option
@click.pass_obj
def import_command(ctx: CliContext, article: str, translation_file: str | None, track: str,
                   origin: str, author: str | None, title: str | None, url: str | None,
                   date: str | None, strict: bool, src_lang: str, tgt_lang: str,
                   background: bool, as_json: bool) -> None:
    """Import a Russian ARTICLE (text or HTML file, - for standard input).

    With --translation, the English text is segmented and aligned to the Russian sentences.
    All or nothing: on any error nothing is written.
    """
    from tm.ingest import TranslationInput, import_article

    source = _read(article)
    if background:
        from tm.cli.context import cli_actor
        from tm.work import IMPORT_ARTICLE, import_article_params

        params = import_article_params(
            source, _read(translation_file) if translation_file else None, track=track,
            origin=Origin(origin), title=title, url=url, published_on=parse_date(date),
            actor=cli_actor(), author_name=author, languages=(src_lang, tgt_lang),
            strict=strict)
        echo_queued(submit_job(ctx, IMPORT_ARTICLE, params=params,
                               title=title or source.title or source.paragraphs[0]), as_json)
        return
    translations = []
    if translation_file:
        translations.append(TranslationInput(article=_read(translation_file),
                                             track=track, origin=Origin(origin), author=author))
    with ctx.transaction() as session:
        result = import_article(session, source, translations=translations,
                                title=title, url=url, published_on=parse_date(date),
                                src_lang=src_lang, tgt_lang=tgt_lang, strict=strict)
        document = result.document
        record_command_event(session, "import", "document", document.id,
                      {"file": article[:200]})
        scores = [link.score for link in result.links if link.src and link.tgt]
        report = {"id": document.id, "title": document.title, "paragraphs": result.paragraphs,
                  "segments": result.segments, "kinds": result.kinds,
                  "translations": result.translations,
                  "track": track if translation_file else None,
                  "mean_confidence": round(sum(scores) / len(scores), 3) if scores else None,
                  "warnings": [str(warning) for warning in result.warnings]}
    if as_json:
        emit_json(report)
        return
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(result.kinds.items()))
    click.echo(f"Imported document {report['id']} «{report['title']}»: "
               f"{counted(result.paragraphs, 'paragraph', 'paragraphs')}, "
               f"{counted(result.segments, 'segment', 'segments')} ({kinds}).")
    if translation_file:
        click.echo(f"Aligned {counted(result.translations, 'translation', 'translations')} "
                   f"into track {track!r} "
                   f"(mean confidence {report['mean_confidence']}).")
    for warning in result.warnings:
        click.echo(f"  warning: {for_cli(warning)}")


@click.command("documents")
@click.option("--search", "query", help="Only documents whose title contains this.")
@click.option("--in-text", "text", is_flag=True,
              help="With --search: also documents whose source text contains it.")
@click.option("--kind", type=click.Choice([k.value for k in DocumentKind]),
              help="Only articles, or only documents of test sets.")
@click.option("--test-set", "test_set", metavar="NAME",
              help="Only this test set's documents, in its order.")
@click.option("--track", help="Only documents with translations in this track.")
@click.option("--progress", type=click.Choice([p.value for p in Progress]),
              help="Only documents whose --track (or any track) has come exactly this far.")
@json_option
@click.pass_obj
def documents_command(ctx: CliContext, query: str | None, text: bool, kind: str | None,
                      test_set: str | None, track: str | None, progress: str | None,
                      as_json: bool) -> None:
    """List the documents, the most recently active first."""
    with ctx.transaction() as session:
        test_set_id = (get_by_name(session, TestSet, test_set, what="test set").id
                       if test_set is not None else None)
        filters = DocumentFilter(query=query, text=text,
                                 kind=DocumentKind(kind) if kind else None, track=track,
                                 progress=Progress(progress) if progress else None,
                                 test_set=test_set_id)
        summaries = list_documents(session, filters)
    if as_json:
        emit_json([s.as_dict() for s in summaries])
        return
    if not summaries:
        click.echo("No documents match." if filters != DocumentFilter() else
                   "No documents yet: `sverka import ARTICLE` or `sverka load-corpora`.")
    for s in summaries:
        tracks = ", ".join(f"{name} ({sum(c.values())})" for name, c in sorted(s.tracks.items()))
        date = s.published_on.isoformat() if s.published_on else "—"
        click.echo(f"{s.id:>5}  {date}  {s.src_lang}→{s.tgt_lang}  {s.segments:>4} seg  "
                   f"{s.title}" + (f"  [{tracks}]" if tracks else "")
                   + (f"  (test set {', '.join(s.test_sets)})" if s.test_sets else ""))


@click.command("show")
@click.argument("document_id", metavar="DOC", type=int)
@click.option("--track", "tracks", multiple=True, help="Track(s) to show (default: all).")
@click.option("--width", type=click.IntRange(MIN_WIDTH, MAX_WIDTH), default=None,
              help="Line width (default: the terminal's).")
@json_option
@click.pass_obj
def show_command(ctx: CliContext, document_id: int, tracks: tuple[str, ...],
                 width: int | None, as_json: bool) -> None:
    """Show document DOC: source and translations side by side."""
    with ctx.transaction() as session:
        document = get_document(session, document_id)
        names = list(tracks) or document_tracks(session, document_id)
        rows = document_rows(session, document_id, names)
        if as_json:
            emit_json({"id": document.id, "title": document.title,
                       "src_lang": document.src_lang, "tgt_lang": document.tgt_lang,
                       "segments": [{"number": r.segment.position + 1,
                                     "position": r.segment.position,
                                     "paragraph": r.segment.paragraph.position,
                                     "kind": r.segment.kind.value, "text": r.segment.text,
                                     "translations": {n: _translation_json(t)
                                                      for n, t in r.translations.items()}}
                                    for r in rows]})
            return
        click.echo(f"{document.title}  [{document.src_lang}→{document.tgt_lang}]")
        total = width or shutil.get_terminal_size((120, 24)).columns
        columns = 1 + len(names)
        col = max(20, (total - 10 - 3 * columns) // columns)
        for row in rows:
            cells = [row.segment.text] + [
                (t.text if t else ("↑" if row.covered else "")) for t in row.translations.values()]
            wrapped = [textwrap.wrap(c, col) or [""] for c in cells]
            kind = row.segment.kind.value[:4]
            for i in range(max(map(len, wrapped))):
                # Numbered from 1, as the web shows them (position is the offset from 0).
                label = f"{row.segment.position + 1:>4} {kind:<4}" if i == 0 else " " * 9
                click.echo(label + " | " + " | ".join(
                    (w[i] if i < len(w) else "").ljust(col) for w in wrapped).rstrip())


def _translation_json(t: Translation | None) -> dict[str, object] | None:
    if t is None:
        return None
    return {"id": t.id, "text": t.text, "status": t.status.value, "origin": t.origin.value,
            "author": t.author, "segment_count": t.segment_count,
            "align_score": t.align_score, "version": t.version}


COMMANDS = [import_command, documents_command, show_command]
