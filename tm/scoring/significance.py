"""Paired significance tests against a baseline, exactly as sacrebleu runs them.

Paired bootstrap resampling (Koehn 2004) and approximate randomization (Riezler and
Maxwell 2005) come from sacrebleu's own ``PairedTest``, the code behind
``sacrebleu --paired-bs`` / ``--paired-ar``, so p-values and 95% confidence intervals are
the ones its command line prints for the same files and seed.
"""
from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sacrebleu.metrics.base import Metric
from sacrebleu.significance import PairedTest

from tm.errors import ScoringError
from tm.scoring.evaluation import Evaluation
from tm.scoring.metrics import METRICS, Scorer, Stats

BOOTSTRAP = "bs"
RANDOMIZATION = "ar"
# sacrebleu's defaults, so a run without options matches `sacrebleu --paired-bs/--paired-ar`:
# its seed, 1,000 bootstrap resamples and 10,000 randomization trials.
DEFAULT_SEED = 12345
DEFAULT_SAMPLES = {BOOTSTRAP: 1000, RANDOMIZATION: 10000}
# Bounds of the options: numpy seeds its generator with 32 bits; a million resamples is a
# hundred times sacrebleu's default bootstrap; workers past a few dozen only wait.
MAX_SEED = 2**32 - 1
MAX_SAMPLES = 1_000_000
MAX_JOBS = 64
# p below this marks a difference as significant, as sacrebleu's tables and WMT's do.
SIGNIFICANCE_LEVEL = 0.05
SEED_ENV = "SACREBLEU_SEED"  # sacrebleu reads its seed only from the environment
_SEED_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class PairedResult:
    """One system's result in one metric: score, bootstrap mean ± 95% CI, p against baseline."""

    system: str
    metric: str  # registry key
    score: float
    mean: float | None
    ci: float | None
    p_value: float | None  # None for the baseline itself
    signature: str  # sacrebleu's signature, with the test, its samples and the seed

    @property
    def significant(self) -> bool:
        """True if the system differs from the baseline at the 0.05 level."""
        return self.p_value is not None and self.p_value < SIGNIFICANCE_LEVEL


class _Precomputed:
    """A sacrebleu metric that hands back statistics already extracted for known hypotheses.

    ``PairedTest`` extracts every system's statistics again; the scores were just computed
    from the same statistics, so they are looked up instead (by the hypotheses themselves,
    which also works in ``--jobs`` worker processes). Anything else goes to the metric.
    """

    def __init__(self, metric: Metric, known: dict[tuple[str, ...], Sequence[Stats]]) -> None:
        self._metric = metric
        self._known = known

    def _extract_corpus_statistics(self, hypotheses: Sequence[str],
                                   references: Sequence[Sequence[str]] | None) -> Any:
        stats = self._known.get(tuple(hypotheses))
        if stats is None:
            return self._metric._extract_corpus_statistics(hypotheses, references)
        return list(stats)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in ("_metric", "_known"):  # copy and pickle
            raise AttributeError(name)
        return getattr(self._metric, name)


# The test forked worker processes inherit. sacrebleu's own ``n_jobs`` pickles every
# metric (reference caches and, here, every system's statistics: tens of MB) into every
# task, which cost more than the resampling it spread over the processes.
_WORKER_TEST: PairedTest | None = None


def _worker_compare(index: int) -> tuple[str, dict[str, Any]]:
    """Compare system ``index`` (1 = the first after the baseline), as PairedTest does."""
    tester = _WORKER_TEST
    assert tester is not None
    name, hypotheses = tester.named_systems[index]
    return tester._fn(tester._baseline_info, name, hypotheses, tester.references,
                      tester.metrics, tester.n_samples, tester.n_ar_confidence,
                      tester._seed if tester._seed else None)


def _run(tester: PairedTest, jobs: int) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """Run ``tester`` as ``PairedTest.__call__`` does, in ``jobs`` forked processes if > 1."""
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return tester()
    global _WORKER_TEST
    _WORKER_TEST = tester
    try:
        with ProcessPoolExecutor(max_workers=jobs,
                                 mp_context=multiprocessing.get_context("fork")) as pool:
            results = list(pool.map(_worker_compare, range(1, len(tester.named_systems))))
    finally:
        _WORKER_TEST = None
    table: dict[str, list[Any]] = {"System": [name for name, _ in tester.named_systems]}
    for metric, (_, result) in tester._baseline_info.items():
        table[metric] = [result]
    for _, system_results in results:
        for metric, result in system_results.items():
            table[metric].append(result)
    return tester._signatures, table


@contextmanager
def _sacrebleu_seed(seed: int) -> Iterator[None]:
    # The lock keeps two web requests from running with each other's seed.
    with _SEED_LOCK:
        before = os.environ.get(SEED_ENV)
        os.environ[SEED_ENV] = str(seed)
        try:
            yield
        finally:
            if before is None:
                del os.environ[SEED_ENV]
            else:
                os.environ[SEED_ENV] = before


def paired_test(systems: Sequence[tuple[str, Sequence[str]]], scorers: Sequence[Scorer], *,
                test: str = BOOTSTRAP, seed: int = DEFAULT_SEED, samples: int | None = None,
                jobs: int = 1,
                statistics: Mapping[tuple[str, str], Sequence[Stats]] | None = None,
                ) -> list[PairedResult]:
    """Compare every system with the first (the baseline) in every metric.

    ``scorers`` hold the references (sacrebleu's reference cache); ``statistics`` maps
    (system, metric key) to segment statistics already extracted (``Evaluation.statistics``).
    ``jobs`` > 1 runs systems in worker processes, as ``sacrebleu --paired-jobs`` does.
    """
    if test not in DEFAULT_SAMPLES:
        raise ScoringError("significance-test-unknown",
                           "unknown significance test {test!r}: use bs or ar", test=test)
    if len(systems) < 2:
        raise ScoringError("paired-test-too-few-systems",
                           "a paired test needs a baseline and at least one other system")
    if not (0 <= seed <= MAX_SEED and 1 <= (samples or 1) <= MAX_SAMPLES
            and 1 <= jobs <= MAX_JOBS):
        raise ScoringError("paired-test-out-of-range",
                           "seed 0–{max_seed}, samples 1–{max_samples} and jobs 1–{max_jobs}",
                           max_seed=MAX_SEED, max_samples=MAX_SAMPLES, max_jobs=MAX_JOBS)
    by_name = {scorer.name: scorer for scorer in scorers}
    metrics = {}
    for name, scorer in by_name.items():
        known = {tuple(hyps): statistics[(system, scorer.key)] for system, hyps in systems
                 if statistics and (system, scorer.key) in statistics}
        metrics[name] = _Precomputed(scorer.metric, known) if known else scorer.metric
    with _sacrebleu_seed(seed):
        tester = PairedTest([(name, list(hyps)) for name, hyps in systems],
                            metrics, references=None,  # type: ignore[arg-type]
                            test_type=test, n_samples=samples or DEFAULT_SAMPLES[test],
                            n_ar_confidence=0 if test == RANDOMIZATION else -1)
        signatures, table = _run(tester, jobs)
    names = [str(n) for n in table["System"]]
    results = []
    for metric_name, scorer in by_name.items():
        signature = signatures[metric_name].format()
        for system, result in zip(names, table[metric_name], strict=True):
            assert not isinstance(result, str)
            results.append(PairedResult(
                system=system, metric=scorer.key, score=float(result.score),
                mean=None if result.mean is None else float(result.mean),
                ci=None if result.ci is None else float(result.ci),
                p_value=None if result.p_value is None else float(result.p_value),
                signature=signature))
    return results


def best_system(evaluation: Evaluation) -> str:
    """Return the system that scores best in the first metric (lowest TER, highest BLEU…):
    the baseline of a paired test when none is named, so every other system is asked
    whether it is worse than the best, not better than whichever sorts first."""
    first = evaluation.scores[0].metric
    better = METRICS[first].higher_is_better
    scores = [s for s in evaluation.scores if s.metric == first]
    return max(scores, key=lambda s: s.score if better else -s.score).system


def compare_to_baseline(systems: Mapping[str, Sequence[str]], evaluation: Evaluation, *,
                        test: str, baseline: str | None = None, seed: int = DEFAULT_SEED,
                        samples: int | None = None,
                        jobs: int = 1) -> dict[tuple[str, str], PairedResult]:
    """Run ``test`` on ``systems`` against ``baseline`` in each metric (default: the best
    system, :func:`best_system`).

    ``evaluation`` is their scores (:func:`tm.scoring.evaluation.evaluate`): its scorers and
    statistics are reused, not computed again. The results are keyed by (system, metric key).
    """
    if baseline is None:
        baseline = best_system(evaluation)
    if baseline not in systems:
        raise ScoringError("baseline-not-scored",
                           "the baseline {baseline!r} is not one of the systems scored",
                           baseline=baseline)
    order = [baseline] + [s for s in systems if s != baseline]
    results = paired_test([(s, systems[s]) for s in order], list(evaluation.scorers.values()),
                          test=test, seed=seed, samples=samples, jobs=jobs,
                          statistics=evaluation.statistics)
    return {(r.system, r.metric): r for r in results}
