"""Score a test set from what Sverka stored, and keep the scores.

The texts scored are read back from the database (the source of truth, edits included), so a
stored score always says what the stored tracks were worth at that time. A run keeps the
test-set, per-document and per-segment scores with sacrebleu's signatures, the references,
the significance test and its seed, and the revisions whose texts it scored (so a report
shows those texts after later edits); the runs of a test set over time are its history.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from tm.accounts.authorship import Author, author_user_id
from tm.db import INSERT_BATCH_ROWS
from tm.errors import ScoringError
from tm.models import (
    Origin,
    Score,
    ScoredRevision,
    ScoreReference,
    ScoreRun,
    SegmentScore,
    TestSet,
    Track,
)
from tm.scoring.evaluation import MetricScores, evaluate
from tm.scoring.metrics import DEFAULT_METRICS
from tm.scoring.significance import (
    DEFAULT_SAMPLES,
    DEFAULT_SEED,
    PairedResult,
    compare_to_baseline,
)
from tm.scoring.testsets import ordered_segments, track_origins, track_texts
from tm.translations import get_track


@dataclass(slots=True)
class ScoreReport:
    """A stored run and what it found, for the command line and ``--json``."""

    run: ScoreRun
    scores: list[MetricScores]
    paired: dict[tuple[str, str], PairedResult] = field(default_factory=dict)
    document_keys: dict[int, str] = field(default_factory=dict)  # document id → its doc id


def _choose_systems(session: Session, test_set: TestSet, references: Sequence[str],
                    systems: Sequence[str] | None, baseline: str | None) -> list[str]:
    """Return the systems named, or else every track that is not a reference: not a human
    translation nor one of the references' origin (a second reference is not a system)."""
    if systems:
        chosen = list(dict.fromkeys(systems))
    else:
        origins = track_origins(session, test_set)
        excluded = {Origin.HUMAN} | {origins[r] for r in references if r in origins}
        chosen = [name for name, origin in origins.items()
                  if name not in references and origin not in excluded]
        if not chosen:
            others = [name for name in origins if name not in references]
            if others:
                raise ScoringError(
                    "testset-no-system-named", "test set {name!r} has no machine or supplied "
                    "track to score; name one of {tracks} with --system",
                    name=test_set.name, tracks=", ".join(others))
            raise ScoringError("testset-no-system", "test set {name!r} has no machine or "
                               "supplied track to score besides the references",
                               name=test_set.name)
    if baseline is not None and baseline not in chosen:
        chosen.append(baseline)
    return chosen


def score_testset(session: Session, test_set: TestSet, *, references: Sequence[str],
                  systems: Sequence[str] | None = None,
                  metrics: Sequence[str] = DEFAULT_METRICS, test: str | None = None,
                  baseline: str | None = None, seed: int = DEFAULT_SEED,
                  samples: int | None = None, jobs: int = 1,
                  author: Author = None) -> ScoreReport:
    """Score tracks of ``test_set`` against reference tracks and store the run.

    ``systems`` defaults to the machine and supplied tracks that are not references (not
    of a reference's origin); with ``test`` ("bs" or "ar") each is compared with
    ``baseline`` (default: the best-scoring system). ``jobs`` > 1 computes
    in that many worker processes. ``author`` is who ran it: a user is kept as the run's
    ``author_id`` (a run has no author text, so a plain name is not kept).
    """
    if not references:
        raise ScoringError("reference-track-missing", "no reference track given")
    segments = ordered_segments(session, test_set)
    ref_tracks = [get_track(session, name) for name in references]
    chosen = _choose_systems(session, test_set, references,
                             systems, baseline if test else None)
    tracks = {name: get_track(session, name) for name in chosen}
    revisions: set[int] = set()  # the revisions whose texts are scored, kept with the run

    def texts(track: Track) -> list[str]:
        lines, revision_ids = track_texts(session, test_set, track, segments)
        revisions.update(i for i in revision_ids if i is not None)
        return lines

    refs = [texts(track) for track in ref_tracks]
    hyps = {name: texts(track) for name, track in tracks.items()}
    evaluation = evaluate(hyps, refs, metrics=metrics, tgt_lang=test_set.tgt_lang,
                          groups=[s.document_id for s in segments], jobs=jobs)
    run = ScoreRun(test_set=test_set, author_id=author_user_id(author))
    report = ScoreReport(run=run, scores=evaluation.scores,
                         document_keys={m.document_id: m.doc_key or str(m.document_id)
                                        for m in test_set.members})
    if test:
        report.paired = compare_to_baseline(hyps, evaluation, test=test, baseline=baseline,
                                            seed=seed, samples=samples, jobs=jobs)
        report.run.significance, report.run.seed = test, seed
        report.run.samples = samples or DEFAULT_SAMPLES[test]
        report.run.baseline = tracks[next(r.system for r in report.paired.values()
                                          if r.p_value is None)]
    _store(session, report, tracks_by_name=tracks, ref_tracks=ref_tracks,
           segment_ids=[s.id for s in segments], revision_ids=sorted(revisions))
    return report


def _store(session: Session, report: ScoreReport, *, tracks_by_name: dict[str, Track],
           ref_tracks: Sequence[Track], segment_ids: Sequence[int],
           revision_ids: Sequence[int]) -> None:
    run = report.run
    run.references = [ScoreReference(track=t, position=i) for i, t in enumerate(ref_tracks)]
    session.add(run)
    session.flush()
    totals = []
    for scores in report.scores:
        paired = report.paired.get((scores.system, scores.metric))
        totals.append({
            "run_id": run.id, "system_track_id": tracks_by_name[scores.system].id,
            "document_id": None, "metric": scores.metric, "score": scores.score,
            "signature": paired.signature if paired else scores.signature,
            "segment_signature": scores.segment_signature,
            "mean": paired.mean if paired else None, "ci": paired.ci if paired else None,
            "p_value": paired.p_value if paired else None})
    score_ids = list(session.scalars(
        insert(Score).returning(Score.id, sort_by_parameter_order=True), totals))
    documents = [{"run_id": run.id, "system_track_id": tracks_by_name[s.system].id,
                  "document_id": document_id, "metric": s.metric, "score": value,
                  "signature": s.signature}
                 for s in report.scores for document_id, value in s.groups.items()]
    segments = [{"score_id": score_id, "segment_id": segment_id, "score": value}
                for score_id, s in zip(score_ids, report.scores, strict=True)
                for segment_id, value in zip(segment_ids, s.segments, strict=True)]
    scored = [{"run_id": run.id, "revision_id": i} for i in revision_ids]
    for rows, table in ((documents, Score), (segments, SegmentScore),
                        (scored, ScoredRevision)):
        for start in range(0, len(rows), INSERT_BATCH_ROWS):
            session.execute(insert(table), rows[start:start + INSERT_BATCH_ROWS])


def latest_run(session: Session, test_set: TestSet) -> ScoreRun | None:
    """Return the newest score run of ``test_set``, if it was ever scored."""
    return session.scalar(select(ScoreRun).where(ScoreRun.test_set_id == test_set.id)
                          .order_by(ScoreRun.created_at.desc(), ScoreRun.id.desc()).limit(1))
