"""Read stored scores back: a run's systems table, document and segment scores, worst segments.

A run keeps the revisions it scored (``ScoredRevision``), so worst segments show the texts
that were scored, and what changed since.

What a report shows comes from the database alone, so it opens without computing anything.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from tm.db import MAX_ID
from tm.errors import NotFoundError
from tm.models import (
    Score,
    ScoredRevision,
    ScoreReference,
    ScoreRun,
    Segment,
    SegmentRevision,
    SegmentScore,
    TestSet,
    TestSetDocument,
    Track,
    Translation,
    TranslationRevision,
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
    """A low-scoring segment with its source, and the reference and hypothesis as scored.

    ``reference_now``/``hypothesis_now`` hold the track's current text when it was edited
    after the run (None if unchanged, or if the run predates keeping the scored texts);
    ``source_now`` the source's, when the source sentence was edited after the run.
    """

    segment_id: int
    document_id: int
    score: float
    source: str
    reference: str
    hypothesis: str
    reference_now: str | None = None
    hypothesis_now: str | None = None
    source_now: str | None = None

    @property
    def changed(self) -> bool:
        """True if the source, reference or hypothesis was edited since the run."""
        return (self.reference_now is not None or self.hypothesis_now is not None
                or self.source_now is not None)


def runs(session: Session, test_set: TestSet) -> list[ScoreRun]:
    """Return the score runs of ``test_set``, newest first (its history)."""
    return list(session.scalars(select(ScoreRun).where(ScoreRun.test_set_id == test_set.id)
                                .order_by(ScoreRun.created_at.desc(), ScoreRun.id.desc())))


def get_run(session: Session, test_set: TestSet, run_id: int) -> ScoreRun:
    """Return run ``run_id`` of ``test_set`` or raise NotFoundError."""
    run = session.get(ScoreRun, run_id) if 0 < run_id <= MAX_ID else None
    if run is None or run.test_set_id != test_set.id:
        raise NotFoundError("score-run-missing", "test set {name!r} has no score run {run}",
                            name=test_set.name, run=run_id)
    return run


def systems_table(session: Session, run: ScoreRun, *,
                  document_id: int | None = None) -> SystemsTable:
    """Return the run's scores over the test set (or one document), the best of each bold."""
    where = (Score.document_id.is_(None) if document_id is None
             else Score.document_id == document_id)
    rows = session.execute(select(Score, Track.name).join(Track, Track.id == Score.system_track_id)
                           .where(Score.run_id == run.id, where)
                           .order_by(Score.id)).all()
    if not rows and document_id is not None:
        raise NotFoundError("document-scores-missing",
                            "run {run} has no scores for document {document}",
                            run=run.id, document=document_id)
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
        raise NotFoundError("system-score-missing", "run {run} has no {metric} score for "
                            "{system!r}", run=run.id, metric=metric, system=system)
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
                   metric: str = SEGMENT_METRIC, *, document_id: int | None = None
                   ) -> list[float]:
    """Return every segment score of ``system`` in ``metric`` (of one document, if given)."""
    total = _total(session, run, system, metric)
    query = select(SegmentScore.score).where(SegmentScore.score_id == total.id)
    if document_id is not None:
        query = query.join(Segment, Segment.id == SegmentScore.segment_id).where(
            Segment.document_id == document_id)
    return list(session.scalars(query))


def worst_segments(session: Session, run: ScoreRun, system: str, *,
                   metric: str = SEGMENT_METRIC, limit: int = 10,
                   document_id: int | None = None) -> list[WorstSegment]:
    """Return the ``limit`` lowest-scoring segments of ``system`` (highest for TER).

    Texts are the ones the run scored; a text edited since comes with its current version.
    """
    total = _total(session, run, system, metric)
    first_reference = session.scalar(select(ScoreReference.track_id).where(
        ScoreReference.run_id == run.id).order_by(ScoreReference.position).limit(1))
    hyp, ref = aliased(Translation), aliased(Translation)
    order = (SegmentScore.score.asc() if METRICS[metric].higher_is_better
             else SegmentScore.score.desc())
    query = (
        select(SegmentScore.score, Segment.id, Segment.document_id, Segment.text, ref.id,
               ref.text, hyp.id, hyp.text)
        .join(Segment, Segment.id == SegmentScore.segment_id)
        .join(hyp, (hyp.segment_id == Segment.id) & (hyp.track_id == total.system_track_id))
        .join(ref, (ref.segment_id == Segment.id) & (ref.track_id == first_reference))
        .where(SegmentScore.score_id == total.id))
    if document_id is not None:
        query = query.where(Segment.document_id == document_id)
    rows = session.execute(query.order_by(order, Segment.id).limit(limit)).all()
    scored = scored_texts(session, run, [i for row in rows for i in (row[4], row[6])])
    sources = sources_then(session, run, [row[1] for row in rows])
    worst = []
    for score, segment_id, document, src_now, ref_id, ref_now, hyp_id, hyp_now in rows:
        reference, hypothesis = scored.get(ref_id, ref_now), scored.get(hyp_id, hyp_now)
        source = sources.get(segment_id, src_now)
        worst.append(WorstSegment(
            segment_id=segment_id, document_id=document, score=score, source=source,
            reference=reference, hypothesis=hypothesis,
            reference_now=ref_now if ref_now != reference else None,
            hypothesis_now=hyp_now if hyp_now != hypothesis else None,
            source_now=src_now if src_now != source else None))
    return worst


def sources_then(session: Session, run: ScoreRun, segment_ids: Sequence[int]) -> dict[int, str]:
    """Return segment id → its source text when ``run`` scored, for sources edited since.

    A source edit keeps the text it replaced, so the first edit after the run has it.
    """
    if not segment_ids:
        return {}
    then: dict[int, str] = {}
    for segment_id, old_text in session.execute(
            select(SegmentRevision.segment_id, SegmentRevision.old_text)
            .where(SegmentRevision.segment_id.in_(segment_ids),
                   SegmentRevision.changed_at > run.created_at)
            .order_by(SegmentRevision.changed_at, SegmentRevision.id)):
        then.setdefault(segment_id, old_text)
    return then


def scored_texts(session: Session, run: ScoreRun,
                 translation_ids: Sequence[int]) -> dict[int, str]:
    """Return translation id → the text ``run`` scored, for the given translations."""
    if not translation_ids:
        return {}
    return dict(session.execute(
        select(TranslationRevision.translation_id, TranslationRevision.text)
        .join(ScoredRevision, ScoredRevision.revision_id == TranslationRevision.id)
        .where(ScoredRevision.run_id == run.id,
               TranslationRevision.translation_id.in_(translation_ids))).all())


def get_member(session: Session, test_set: TestSet, document_id: int) -> TestSetDocument:
    """Return ``document_id``'s membership of ``test_set`` or raise NotFoundError."""
    member = session.scalar(select(TestSetDocument).where(
        TestSetDocument.test_set_id == test_set.id,
        TestSetDocument.document_id == document_id))
    if member is None:
        raise NotFoundError("testset-document-missing",
                            "document {document} is not in test set {name!r}",
                            document=document_id, name=test_set.name)
    return member


def scored_test_sets(session: Session, document_id: int) -> list[tuple[TestSet, str | None]]:
    """Return the scored test sets ``document_id`` belongs to, with its document id there."""
    return [(test_set, key) for test_set, key in session.execute(
        select(TestSet, TestSetDocument.doc_key)
        .join(TestSetDocument, TestSetDocument.test_set_id == TestSet.id)
        .where(TestSetDocument.document_id == document_id,
               select(ScoreRun.id).where(ScoreRun.test_set_id == TestSet.id).exists())
        .order_by(TestSet.name))]


def score_history(session: Session, test_set: TestSet, system: str,
                  metric: str) -> dict[int, float]:
    """Return run id → ``system``'s test-set score in ``metric``, for every run that has it."""
    rows = session.execute(
        select(Score.run_id, Score.score).join(ScoreRun, ScoreRun.id == Score.run_id)
        .join(Track, Track.id == Score.system_track_id)
        .where(ScoreRun.test_set_id == test_set.id, Track.name == system,
               Score.metric == metric, Score.document_id.is_(None)))
    return {run_id: value for run_id, value in rows}
