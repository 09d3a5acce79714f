"""Score systems against references: corpus, per group (document) and per segment.

Pure computation on lists of strings, no database: ``store`` feeds it what Sverka stored,
the command line feeds it plain files. One pass of sacrebleu's statistics per system and
metric gives all three levels.
"""
from __future__ import annotations

import multiprocessing
from collections.abc import Hashable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from tm.errors import ScoringError
from tm.scoring.metrics import Scorer, Stats


@dataclass(frozen=True, slots=True)
class MetricScores:
    """One system's scores in one metric, with sacrebleu's signatures."""

    system: str
    metric: str  # registry key: bleu, chrf, chrf++, ter
    name: str  # sacrebleu's name: BLEU, chrF2, chrF2++, TER
    score: float
    signature: str
    segment_signature: str
    segments: tuple[float, ...] = ()
    groups: dict[Hashable, float] = field(default_factory=dict)  # group (document) → score


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The scores of every system in every metric, and the scorers that made them."""

    scores: list[MetricScores]
    scorers: dict[str, Scorer]
    # (system, metric key) → each segment's statistics, for the paired tests to reuse.
    statistics: dict[tuple[str, str], list[Stats]] = field(default_factory=dict)


def check_aligned(systems: Mapping[str, Sequence[str]],
                  references: Sequence[Sequence[str]]) -> int:
    """Return the number of segments, or raise ScoringError if the inputs differ in length."""
    if not references:
        raise ScoringError("references-missing", "no reference given: scoring needs at least one")
    lengths = {len(r) for r in references} | {len(h) for h in systems.values()}
    if len(lengths) != 1:
        raise ScoringError("scoring-lengths-differ",
                           "the references and systems differ in length ({lengths} segments)",
                           lengths=", ".join(map(str, sorted(lengths))))
    count = lengths.pop()
    if count == 0:
        raise ScoringError("scoring-empty", "nothing to score: no segments")
    return count


def group_statistics(stats: Sequence[Stats], groups: Sequence[Hashable]
                     ) -> dict[Hashable, list[Stats]]:
    """Collect each group's segment statistics, groups in order of first appearance."""
    grouped: dict[Hashable, list[Stats]] = {}
    for group, segment_stats in zip(groups, stats, strict=True):
        grouped.setdefault(group, []).append(segment_stats)
    return grouped


# The scorers forked worker processes inherit (their reference caches are not pickled).
_WORKER_SCORERS: dict[str, Scorer] = {}


def _worker_statistics(key: str, hypotheses: Sequence[str]) -> list[Stats]:
    return _WORKER_SCORERS[key].statistics(hypotheses)


def _statistics(systems: Mapping[str, Sequence[str]], scorers: dict[str, Scorer],
                jobs: int) -> dict[tuple[str, str], list[Stats]]:
    """Extract every (system, metric)'s statistics, in ``jobs`` forked processes if > 1."""
    tasks = [(system, key) for system in systems for key in scorers]
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return {(s, k): scorers[k].statistics(systems[s]) for s, k in tasks}
    global _WORKER_SCORERS
    _WORKER_SCORERS = scorers
    try:
        with ProcessPoolExecutor(max_workers=jobs,
                                 mp_context=multiprocessing.get_context("fork")) as pool:
            futures = {(s, k): pool.submit(_worker_statistics, k, systems[s])
                       for s, k in tasks}
            return {task: future.result() for task, future in futures.items()}
    finally:
        _WORKER_SCORERS = {}


def evaluate(systems: Mapping[str, Sequence[str]], references: Sequence[Sequence[str]], *,
             metrics: Sequence[str], tgt_lang: str, groups: Sequence[Hashable] | None = None,
             segments: bool = True, jobs: int = 1) -> Evaluation:
    """Score each system in each metric over all segments, per group and (optionally) per segment.

    ``references`` are reference streams, as sacrebleu takes them (``[ref_a_lines, ...]``).
    ``jobs`` > 1 extracts sacrebleu's statistics in that many worker processes.
    """
    check_aligned(systems, references)
    scorers = {key: Scorer(key, references, tgt_lang=tgt_lang) for key in metrics}
    evaluation = Evaluation(scores=[], scorers=scorers,
                            statistics=_statistics(systems, scorers, jobs))
    for system in systems:
        for key, scorer in scorers.items():
            stats = evaluation.statistics[(system, key)]
            by_group = group_statistics(stats, groups) if groups is not None else {}
            evaluation.scores.append(MetricScores(
                system=system, metric=key, name=scorer.name, score=scorer.corpus(stats),
                signature=scorer.signature, segment_signature=scorer.segment_signature,
                segments=tuple(scorer.segment(s) for s in stats) if segments else (),
                groups={g: scorer.corpus(s) for g, s in by_group.items()}))
    return evaluation
