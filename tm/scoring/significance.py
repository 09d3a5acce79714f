"""Paired significance tests against a baseline, exactly as sacrebleu runs them.

Paired bootstrap resampling (Koehn 2004) and approximate randomization (Riezler and
Maxwell 2005) come from sacrebleu's own ``PairedTest``, the code behind
``sacrebleu --paired-bs`` / ``--paired-ar``, so p-values and 95% confidence intervals are
the ones its command line prints for the same files and seed.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from sacrebleu.significance import PairedTest

from tm.errors import ScoringError
from tm.scoring.metrics import Scorer

BOOTSTRAP = "bs"
RANDOMIZATION = "ar"
# sacrebleu's defaults, so a run without options matches `sacrebleu --paired-bs/--paired-ar`:
# its seed, 1,000 bootstrap resamples and 10,000 randomization trials.
DEFAULT_SEED = 12345
DEFAULT_SAMPLES = {BOOTSTRAP: 1000, RANDOMIZATION: 10000}
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
                jobs: int = 1) -> list[PairedResult]:
    """Compare every system with the first (the baseline) in every metric.

    ``scorers`` hold the references (sacrebleu's reference cache). ``jobs`` > 1 runs systems
    in parallel worker processes, as ``sacrebleu --paired-jobs`` does.
    """
    if test not in DEFAULT_SAMPLES:
        raise ScoringError(f"unknown significance test {test!r}: use bs or ar")
    if len(systems) < 2:
        raise ScoringError("a paired test needs a baseline and at least one other system")
    by_name = {scorer.name: scorer for scorer in scorers}
    with _sacrebleu_seed(seed):
        tester = PairedTest([(name, list(hyps)) for name, hyps in systems],
                            {name: s.metric for name, s in by_name.items()}, references=None,
                            test_type=test, n_samples=samples or DEFAULT_SAMPLES[test],
                            n_ar_confidence=0 if test == RANDOMIZATION else -1, n_jobs=jobs)
        signatures, table = tester()
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
