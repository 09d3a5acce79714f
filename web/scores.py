"""Scores: test sets, each one's systems table, document bars, segment scores, worst segments.

A test set's report links each document to its own page: the systems in that document, the
distribution of its segment scores and its worst segments.
"""
from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_babel import format_decimal, gettext
from sqlalchemy.orm import Session

from tm.errors import ScoringError
from tm.models import Role, ScoreRun, TestSet
from tm.scoring.metrics import METRICS
from tm.scoring.postedit import SystemEffort
from tm.scoring.results import (
    SEGMENT_METRIC,
    SystemsTable,
    document_scores,
    get_member,
    get_run,
    runs,
    score_history,
    segment_scores,
    systems_table,
    worst_segments,
)
from tm.scoring.testsets import get_testset, list_testsets, track_origins
from web.access import requires
from web.charts import bars, histogram
from web.db import get_session

bp = Blueprint("scores", __name__)
WORST_SEGMENTS = 10  # enough to see a pattern, few enough to read


def _fmt(value: float) -> str:
    return str(format_decimal(value, format="0.00"))


def _chosen_run(history: list[ScoreRun], test_set: TestSet) -> ScoreRun:
    """Return the run asked for with ?run=, else the latest."""
    if request.args.get("run"):
        return get_run(get_session(), test_set, request.args.get("run", type=int) or 0)
    return history[0]


def _choice(table: SystemsTable) -> tuple[str, str]:
    """Return the (metric, system) asked for, else the first metric and its best system."""
    metric = request.args.get("metric", table.metrics[0])
    if metric not in table.metrics:
        metric = table.metrics[0]
    ranked = sorted(table.systems, key=lambda s: table.cells[(s, metric)].score,
                    reverse=METRICS[metric].higher_is_better)
    system = request.args.get("system", ranked[0])
    if system not in table.systems:
        system = ranked[0]
    return metric, system


@bp.get("/scores")
@requires(Role.VIEWER)
def index() -> str:
    """List the test sets with their latest score run."""
    session = get_session()
    test_sets = [(t, next(iter(runs(session, t)), None)) for t in list_testsets(session)]
    return render_template("scores/index.html", test_sets=test_sets)


@bp.get("/scores/<path:name>")  # a test set's name may hold a slash
@requires(Role.VIEWER)
def report(name: str) -> str:
    """Show a test set's latest (or ?run=) scores: table, document bars, segments."""
    session = get_session()
    test_set = get_testset(session, name)
    history = runs(session, test_set)
    if not history:
        return render_template("scores/report.html", test_set=test_set, run=None,
                               history=history)
    run = _chosen_run(history, test_set)
    table = systems_table(session, run)
    metric, system = _choice(table)
    efforts = _post_edit(session, test_set, table.systems, table.references[0]) \
        if request.args.get("post_edit") == "1" and table.references else None
    documents = document_scores(session, run, system, metric)
    segment_metric = SEGMENT_METRIC if SEGMENT_METRIC in table.metrics else metric
    segments = segment_scores(session, run, system, segment_metric)
    links = [url_for("scores.document", name=name, document_id=document_id, run=run.id,
                     metric=metric, system=system) for _, document_id, _ in documents]
    return render_template(
        "scores/report.html", test_set=test_set, run=run, history=history, table=table,
        labels={k: METRICS[k].label for k in table.metrics}, metric=metric, system=system,
        fmt=_fmt, segment_metric=segment_metric, post_edit=efforts,
        document_keys={document_id: key for key, document_id, _ in documents},
        document_chart=bars([(key, value) for key, _, value in documents], fmt=_fmt,
                            links=links,
                            title=gettext("%(metric)s per document, %(system)s",
                                          metric=METRICS[metric].label, system=system)),
        histogram=histogram(segments, title=gettext("Segment scores")),
        system_history=score_history(session, test_set, system, metric),
        worst=worst_segments(session, run, system, metric=segment_metric,
                             limit=WORST_SEGMENTS))


def _post_edit(session: Session, test_set: TestSet, systems: list[str],
               final: str) -> list[SystemEffort]:
    """The post-editing effort of the run's machine systems against its first reference."""
    from tm.scoring.postedit import MACHINE_ORIGINS, post_edit_effort

    machine = [name for name, origin in track_origins(session, test_set).items()
               if name in systems and origin in MACHINE_ORIGINS]
    if not machine:
        return []
    try:
        return post_edit_effort(session, [m.document_id for m in test_set.members],
                                final=final, systems=machine, lang=test_set.tgt_lang)
    except ScoringError:
        return []


@bp.get("/scores/<path:name>/documents/<int:document_id>")
@requires(Role.VIEWER)
def document(name: str, document_id: int) -> str:
    """Show one document of a test set: its systems table, segment scores, worst segments."""
    session = get_session()
    test_set = get_testset(session, name)
    member = get_member(session, test_set, document_id)
    history = runs(session, test_set)
    if not history:
        return render_template("scores/document.html", test_set=test_set, member=member,
                               run=None)
    run = _chosen_run(history, test_set)
    table = systems_table(session, run, document_id=document_id)
    metric, system = _choice(table)
    segment_metric = SEGMENT_METRIC if SEGMENT_METRIC in table.metrics else metric
    segments = segment_scores(session, run, system, segment_metric, document_id=document_id)
    return render_template(
        "scores/document.html", test_set=test_set, member=member, run=run, table=table,
        labels={k: METRICS[k].label for k in table.metrics}, metric=metric, system=system,
        fmt=_fmt, segment_metric=segment_metric, segment_count=len(segments),
        histogram=histogram(segments, title=gettext("Segment scores")),
        worst=worst_segments(session, run, system, metric=segment_metric,
                             limit=WORST_SEGMENTS, document_id=document_id))
