"""Scores: test sets, each one's systems table, document bars, segment scores, worst segments."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import format_decimal, gettext

from tm.scoring.metrics import METRICS
from tm.scoring.results import (
    SEGMENT_METRIC,
    document_scores,
    get_run,
    runs,
    score_history,
    segment_scores,
    systems_table,
    worst_segments,
)
from tm.scoring.testsets import get_testset, list_testsets
from web.charts import bars, histogram
from web.db import get_session

bp = Blueprint("scores", __name__)
WORST_SEGMENTS = 10  # enough to see a pattern, few enough to read


def _fmt(value: float) -> str:
    return str(format_decimal(value, format="0.00"))


@bp.get("/scores")
def index() -> str:
    """List the test sets with their latest score run."""
    session = get_session()
    test_sets = [(t, next(iter(runs(session, t)), None)) for t in list_testsets(session)]
    return render_template("scores/index.html", test_sets=test_sets)


@bp.get("/scores/<name>")
def report(name: str) -> str:
    """Show a test set's latest (or ?run=) scores: table, document bars, segments."""
    session = get_session()
    test_set = get_testset(session, name)
    history = runs(session, test_set)
    if not history:
        return render_template("scores/report.html", test_set=test_set, run=None,
                               history=history)
    run = (get_run(session, test_set, request.args.get("run", type=int) or 0)
           if request.args.get("run") else history[0])
    table = systems_table(session, run)
    metric = request.args.get("metric", table.metrics[0])
    if metric not in table.metrics:
        metric = table.metrics[0]
    ranked = sorted(table.systems, key=lambda s: table.cells[(s, metric)].score,
                    reverse=METRICS[metric].higher_is_better)
    system = request.args.get("system", ranked[0])
    if system not in table.systems:
        system = ranked[0]
    documents = document_scores(session, run, system, metric)
    segment_metric = SEGMENT_METRIC if SEGMENT_METRIC in table.metrics else metric
    segments = segment_scores(session, run, system, segment_metric)
    return render_template(
        "scores/report.html", test_set=test_set, run=run, history=history, table=table,
        labels={k: METRICS[k].label for k in table.metrics}, metric=metric, system=system,
        fmt=_fmt, segment_metric=segment_metric,
        document_chart=bars([(key, value) for key, _, value in documents], fmt=_fmt,
                            title=gettext("%(metric)s per document, %(system)s",
                                          metric=METRICS[metric].label, system=system)),
        histogram=histogram(segments, title=gettext("Segment scores")),
        system_history=score_history(session, test_set, system, metric),
        worst=worst_segments(session, run, system, metric=segment_metric,
                             limit=WORST_SEGMENTS))
