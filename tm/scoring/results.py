"""Read stored scores back: a run's systems table, document and segment scores, worst segments.

What a report shows comes from the database alone, so it opens without computing anything.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from tm.errors import NotFoundError
from tm.models import (
    Score,
    ScoreReference,
    ScoreRun,
    Segment,
    SegmentScore,
    TestSet,
    TestSetDocument,
    Track,
    Translation,
)
from tm.scoring.metrics import METRICS
from tm.scoring.significance import SIGNIFICANCE_LEVEL

# The metric segment scores are shown in: chrF is reliable on single sentences, BLEU is not.
SEGMENT_METRIC = "chrf"


@dataclass(frozen=True, slots=True)
class Cell:
    """One system's score in one metric over the whole test set."""

    score: float
    ci: float | None
    p_value: float | None
    best: bool = False

    @property
    def significant(self) -> bool:
        """True if different from the run's baseline at the 0.05 level."""
        return self.p_value is not None and self.p_value < SIGNIFICANCE_LEVEL


@dataclass(frozen=True, slots=True)
class SystemsTable:
    """Systems × metrics of one run, with the signature of each metric."""

    metrics: list[str]
    systems: list[str]
    cells: dict[tuple[str, str], Cell]
    signatures: dict[str, str]
    references: list[str]
    baseline: str | None


@dataclass(frozen=True, slots=True)
class WorstSegment:
    """A low-scoring segment with its source, reference and hypothesis."""

    segment_id: int
    document_id: int
    score: float
    source: str
    reference: str
    hypothesis: str


def runs(session: Session, test_set: TestSet) -> list[ScoreRun]:
    """Return the score runs of ``test_set``, newest first (its history)."""
    return list(session.scalars(select(ScoreRun).where(ScoreRun.test_set_id == test_set.id)
                                .order_by(ScoreRun.created_at.desc(), ScoreRun.id.desc())))


def get_run(session: Session, test_set: TestSet, run_id: int) -> ScoreRun:
    """Return run ``run_id`` of ``test_set`` or raise NotFoundError."""
    run = session.get(ScoreRun, run_id)
    if run is None or run.test_set_id != test_set.id:
        raise NotFoundError(f"test set {test_set.name!r} has no score run {run_id}")
    return run


def systems_table(session: Session, run: ScoreRun) -> SystemsTable:
    """Return the run's test-set-level scores, the best of each metric marked."""
    rows = session.execute(select(Score, Track.name).join(Track, Track.id == Score.system_track_id)
                           .where(Score.run_id == run.id, Score.document_id.is_(None))
                           .order_by(Score.id)).all()
    metrics = list(dict.fromkeys(score.metric for score, _ in rows))
    systems = list(dict.fromkeys(name for _, name in rows))
    best: dict[str, float] = {}
    for metric in metrics:
        values = [s.score for s, _ in rows if s.metric == metric]
        best[metric] = max(values) if METRICS[metric].higher_is_better else min(values)
    cells = {(name, s.metric): Cell(score=s.score, ci=s.ci, p_value=s.p_value,
                                    best=s.score == best[s.metric]) for s, name in rows}
    references = [r.track.name for r in session.scalars(
        select(ScoreReference).where(ScoreReference.run_id == run.id)
        .order_by(ScoreReference.position))]
    return SystemsTable(metrics=metrics, systems=systems, cells=cells,
                        signatures={s.metric: s.signature for s, _ in rows},
                        references=references,
                        baseline=run.baseline.name if run.baseline else None)


def _total(session: Session, run: ScoreRun, system: str, metric: str) -> Score:
    score = session.scalar(select(Score).join(Track, Track.id == Score.system_track_id)
                           .where(Score.run_id == run.id, Score.document_id.is_(None),
                                  Track.name == system, Score.metric == metric))
    if score is None:
        raise NotFoundError(f"run {run.id} has no {metric} score for {system!r}")
    return score


def document_scores(session: Session, run: ScoreRun, system: str,
                    metric: str) -> list[tuple[str, int, float]]:
    """Return (document key, document id, score) of ``system`` in test-set order."""
    rows = session.execute(
        select(TestSetDocument.doc_key, Score.document_id, Score.score)
        .join(TestSetDocument, (TestSetDocument.document_id == Score.document_id)
              & (TestSetDocument.test_set_id == run.test_set_id))
        .join(Track, Track.id == Score.system_track_id)
        .where(Score.run_id == run.id, Track.name == system, Score.metric == metric)
        .order_by(TestSetDocument.position))
    return [(key or str(doc), doc, value) for key, doc, value in rows if doc is not None]


def segment_scores(session: Session, run: ScoreRun, system: str,
                   metric: str = SEGMENT_METRIC) -> list[float]:
    """Return every segment score of ``system`` in ``metric``."""
    total = _total(session, run, system, metric)
    return list(session.scalars(select(SegmentScore.score)
                                .where(SegmentScore.score_id == total.id)))


def worst_segments(session: Session, run: ScoreRun, system: str, *,
                   metric: str = SEGMENT_METRIC, limit: int = 10) -> list[WorstSegment]:
    """Return the ``limit`` lowest-scoring segments of ``system`` (highest for TER)."""
    total = _total(session, run, system, metric)
    first_reference = session.scalar(select(ScoreReference.track_id).where(
        ScoreReference.run_id == run.id).order_by(ScoreReference.position).limit(1))
    hyp, ref = aliased(Translation), aliased(Translation)
    order = (SegmentScore.score.asc() if METRICS[metric].higher_is_better
             else SegmentScore.score.desc())
    rows = session.execute(
        select(SegmentScore.score, Segment.id, Segment.document_id, Segment.text, ref.text,
               hyp.text)
        .join(Segment, Segment.id == SegmentScore.segment_id)
        .join(hyp, (hyp.segment_id == Segment.id) & (hyp.track_id == total.system_track_id))
        .join(ref, (ref.segment_id == Segment.id) & (ref.track_id == first_reference))
        .where(SegmentScore.score_id == total.id).order_by(order, Segment.id).limit(limit))
    return [WorstSegment(segment_id=i, document_id=d, score=s, source=src, reference=r,
                         hypothesis=h) for s, i, d, src, r, h in rows]


def score_history(session: Session, test_set: TestSet, system: str,
                  metric: str) -> dict[int, float]:
    """Return run id → ``system``'s test-set score in ``metric``, for every run that has it."""
    rows = session.execute(
        select(Score.run_id, Score.score).join(ScoreRun, ScoreRun.id == Score.run_id)
        .join(Track, Track.id == Score.system_track_id)
        .where(ScoreRun.test_set_id == test_set.id, Track.name == system,
               Score.metric == metric, Score.document_id.is_(None)))
    return {run_id: value for run_id, value in rows}
