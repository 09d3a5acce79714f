"""``sverka import-testset``, ``add-track`` and ``score``: test sets and their scores."""
from __future__ import annotations

from typing import Any

import click
from sqlalchemy.orm import Session

from tm.cli.context import CliContext, counted, emit_json, json_option, language_pair_options
from tm.cli.jobs import background_option, echo_queued, submit_job
from tm.db import MAX_ID
from tm.documents import get_document
from tm.errors import InputError, NotFoundError
from tm.lang import TARGET_LANG
from tm.models import Document, Origin, TestSet
from tm.scoring.evaluation import evaluate
from tm.scoring.lines import read_docids, read_lines
from tm.scoring.metrics import DEFAULT_METRICS, METRICS, parse_metrics
from tm.scoring.postedit import DEFAULT_FINAL
from tm.scoring.report import ScoreRows, format_rows, score_rows
from tm.scoring.significance import (
    BOOTSTRAP,
    DEFAULT_SEED,
    MAX_JOBS,
    MAX_SAMPLES,
    MAX_SEED,
    RANDOMIZATION,
    compare_to_baseline,
)
from tm.scoring.store import score_testset
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
        raise InputError("named-file-invalid",
                         "{value!r}: give a track name and a file as NAME=FILE", value=value)
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
@language_pair_options
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
    click.echo(f"Imported test set {name!r}: "
               f"{counted(result.documents, 'document', 'documents')}, "
               f"{counted(result.segments, 'segment', 'segments')}, tracks "
               + ", ".join(f"{t} ({n})" for t, n in result.tracks.items()) + ".")


@click.command("add-track")
@click.argument("file", metavar="FILE")
# The older form, `add-track TARGET FILE`, for scripts written before the options.
@click.argument("older_file", metavar="", required=False)
@click.option("--document", "document_id", type=int, metavar="ID",
              help="Add the track to this document (its number).")
@click.option("--testset", "testset_name", metavar="NAME",
              help="Add the track to this test set.")
@click.option("--track", "track_name", required=True, help="Name of the new track.")
@click.option("--origin", type=click.Choice([o.value for o in Origin if o is not Origin.TM]),
              default="machine", show_default=True, help="Where the translation comes from.")
@json_option
@click.pass_obj
def add_track_command(ctx: CliContext, file: str, older_file: str | None,
                      document_id: int | None, testset_name: str | None, track_name: str,
                      origin: str, as_json: bool) -> None:
    """Add FILE (one translation a line) as track --track of a --document or a --testset."""
    target = None
    if older_file is not None:  # add-track TARGET FILE
        target, file = file, older_file
    if [document_id, testset_name, target].count(None) != 2:
        raise InputError("track-target-missing",
                         "say where the track goes: --document ID or --testset NAME")
    with ctx.transaction() as session:
        # Where it goes first: a missing document is the error, whatever the file holds.
        if target is not None:
            destination = _older_target(session, target)
        elif document_id is not None:
            destination = get_document(session, document_id)
        else:
            destination = get_testset(session, str(testset_name))
        lines = TrackLines(name=track_name, lines=read_lines(file), origin=Origin(origin),
                           source_name=file)
        if isinstance(destination, Document):
            count = add_lines_to_document(session, destination, lines)
            name = f"document {destination.id}"
        else:
            count = add_lines_to_testset(session, destination, lines)
            name = f"test set {destination.name!r}"
    if as_json:
        emit_json({"target": target or testset_name or str(document_id), "track": track_name,
                   "translations": count})
        return
    click.echo(f"Added {counted(count, 'translation', 'translations')} to {name} as track "
               f"{track_name!r}.")


def _older_target(session: Session, target: str) -> Document | TestSet:
    """Return the test set called ``target``, else the document with that number."""
    try:
        return get_testset(session, target)
    except NotFoundError:
        try:
            number = int(target)
        except ValueError:
            raise NotFoundError("testset-missing", "no test set named {name!r}",
                                name=target) from None
        return get_document(session, number)


def _score_files(hyp_files: tuple[str, ...], ref_files: tuple[str, ...], metrics: list[str],
                 tgt_lang: str, test: str | None, options: dict[str, Any]) -> ScoreRows:
    systems = {path: read_lines(path) for path in hyp_files}
    refs = [read_lines(path) for path in ref_files]
    evaluation = evaluate(systems, refs, metrics=metrics, tgt_lang=tgt_lang, segments=False,
                          jobs=options["jobs"])
    paired = {}
    if test:
        paired = compare_to_baseline(systems, evaluation, test=test,
                                     baseline=options["baseline"] or None, seed=options["seed"],
                                     samples=options["samples"], jobs=options["jobs"])
    return score_rows(evaluation.scores, paired)


@click.command("score")
@click.option("--testset", "testset_name", metavar="NAME", help="Score tracks of this test set.")
@click.option("--ref", "refs", multiple=True, metavar="TRACK|FILE",
              help="Reference: a track of the test set, or a file with --hyp (repeatable).")
@click.option("--system", "systems", multiple=True, metavar="TRACK",
              help="Track to score (repeatable; default: every machine or supplied track "
              "that is not a reference).")
@click.option("--hyp", "hyps", multiple=True, metavar="FILE",
              help="Without --testset: a file of one hypothesis a line (repeatable).")
@click.option("--metrics", "metrics_value", default=",".join(DEFAULT_METRICS),
              show_default=True, help=f"Comma-separated, from {', '.join(METRICS)}.")
@click.option("--paired-bs", "test", flag_value=BOOTSTRAP,
              help="Paired bootstrap resampling against the baseline.")
@click.option("--paired-ar", "test", flag_value=RANDOMIZATION,
              help="Paired approximate randomization against the baseline.")
@click.option("--baseline", metavar="TRACK|FILE", help="Baseline of the paired test "
              "(default: the system best in the first metric).")
@click.option("--seed", type=click.IntRange(0, MAX_SEED), default=DEFAULT_SEED, show_default=True,
              help="Random seed of the paired test (sacrebleu's default).")
@click.option("--samples", type=click.IntRange(1, MAX_SAMPLES), default=None,
              help="Resamples (bs, default 1000) or trials (ar, default 10000).")
@click.option("--jobs", type=click.IntRange(1, MAX_JOBS), default=1, show_default=True,
              help="Worker processes for scoring and the paired test.")
@click.option("--documents", "per_document", is_flag=True,
              help="Also report each document's scores (test sets only).")
@click.option("--tgt-lang", default=None, help="Target language of --hyp files (default: en).")
@click.option("--post-edit", "post_edit", is_flag=True,
              help="Post-editing effort instead of scores: how far the final texts of "
              "--testset's documents (or --document's) moved from each machine track.")
@click.option("--document", "document_ids", multiple=True, type=click.IntRange(1, MAX_ID),
              metavar="DOC", help="With --post-edit: a document (repeatable).")
@click.option("--final", default=DEFAULT_FINAL, show_default=True, metavar="TRACK",
              help="With --post-edit: the track of the final texts.")
@background_option
@json_option
@click.pass_obj
def score_command(ctx: CliContext, testset_name: str | None, refs: tuple[str, ...],
                  systems: tuple[str, ...], hyps: tuple[str, ...], metrics_value: str,
                  test: str | None, baseline: str | None, seed: int, samples: int | None,
                  jobs: int, per_document: bool, tgt_lang: str | None, post_edit: bool,
                  document_ids: tuple[int, ...], final: str, background: bool,
                  as_json: bool) -> None:
    """Score translations with sacrebleu: tracks of a test set (stored), or plain files.

    With --testset the texts are read from the database and the scores (test set, each
    document, each segment) are stored with their signatures. Segment scores are chrF's
    business: sentence BLEU is unreliable on single sentences.
    """
    if post_edit:
        _post_edit(ctx, testset_name, document_ids, systems, final, as_json)
        return
    if document_ids:
        raise InputError("score-document-option", "--document is for --post-edit")
    if not refs:
        raise InputError("score-ref-missing", "give --ref TRACK (or FILE with --hyp)")
    metrics = parse_metrics(metrics_value)
    options = {"baseline": baseline, "seed": seed, "samples": samples, "jobs": jobs}
    if testset_name is None:
        if background:
            raise InputError("score-background-files",
                             "--background scores a --testset (plain files are scored here)")
        if not hyps:
            raise InputError("score-target-missing",
                             "give --testset NAME, or --hyp FILE with --ref FILE")
        if systems or per_document:
            raise InputError("score-options-need-testset",
                             "--system and --documents need --testset")
        rows = _score_files(hyps, refs, metrics, tgt_lang or TARGET_LANG, test, options)
    else:
        if hyps:
            raise InputError("score-hyp-with-testset",
                             "--hyp is for plain files; with --testset use --system TRACK")
        if background:
            from tm.work import SCORE_TESTSET, score_params

            with ctx.transaction() as session:
                get_testset(session, testset_name)  # an unknown test set is said now
            params = score_params(testset=testset_name, references=list(refs),
                                  systems=list(systems) or None, metrics=metrics, test=test,
                                  baseline=baseline, seed=seed, samples=samples, jobs=jobs,
                                  per_document=per_document)
            echo_queued(submit_job(ctx, SCORE_TESTSET, title=f"Score {testset_name}",
                                   params=params), as_json)
            return
        with ctx.transaction() as session:
            report = score_testset(session, get_testset(session, testset_name),
                                   references=refs, systems=systems or None, metrics=metrics,
                                   test=test, baseline=baseline, seed=seed, samples=samples,
                                   jobs=jobs)
            rows = score_rows(report.scores, report.paired,
                              documents=report.document_keys if per_document else None)
    if as_json:
        emit_json(rows)
        return
    for line in format_rows(rows):
        click.echo(line)


def _post_edit(ctx: CliContext, testset_name: str | None, document_ids: tuple[int, ...],
               systems: tuple[str, ...], final: str, as_json: bool) -> None:
    """Print the post-editing effort of each machine track in the documents."""
    from tm.scoring.postedit import post_edit_effort

    if (testset_name is None) == (not document_ids):
        raise InputError("post-edit-target",
                         "--post-edit takes --testset NAME or --document DOC")
    with ctx.transaction() as session:
        if testset_name is not None:
            test_set = get_testset(session, testset_name)
            ids = [m.document_id for m in test_set.members]
            lang = test_set.tgt_lang
        else:
            documents = [get_document(session, d) for d in document_ids]
            ids, lang = [d.id for d in documents], documents[0].tgt_lang
        efforts = post_edit_effort(session, ids, final=final, systems=systems or None,
                                   lang=lang)
    if as_json:
        emit_json([e.as_dict() for e in efforts])
        return
    for e in efforts:
        t = e.total
        click.echo(f"{e.system} → {e.final}: {counted(t.segments, 'segment', 'segments')}, "
                   f"HTER {t.hter:.1f}, chrF {t.chrf:.1f}, {t.unchanged:.0%} unchanged, "
                   f"{t.edits_per_segment:.2f} edits a segment")
        for editor, x in sorted(e.editors.items()):
            click.echo(f"  {editor}: {counted(x.segments, 'segment', 'segments')}, "
                       f"HTER {x.hter:.1f}, {x.unchanged:.0%} unchanged")


COMMANDS = [import_testset_command, add_track_command, score_command]
