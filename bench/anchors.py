"""Speeds that travel between machines: Sverka's code timed beside a fixed reference.

Absolute speeds differ between hosts of one kind by more than a gate's margin (a fresh idle
CI machine imported TMX at 35,175 units per CPU second where a developer's measured 58,000),
and on a shared machine they move with the neighbours. A reference workload run in the
same process (or the same trial), on the same data, moves with them; the ratio of the two
is what a gate can hold. Each trial times the measured pass and the reference pass back to
back, in alternating order so that a change of load between them does not always fall on
the same side; the median of the per-trial ratios is reported.

``SVERKA_BENCH_SLOWDOWN=F`` (a factor, e.g. 1.5) makes every measured Sverka step take F
times its CPU seconds: the harness adds busy work after the step, the references are left
alone. It exists to show that a gate fails on a regression of that size; nothing in ``tm/``
reads it.
"""
from __future__ import annotations

import json
import os
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

SLOWDOWN_ENV = "SVERKA_BENCH_SLOWDOWN"
T = TypeVar("T")


def cpu_seconds() -> float:
    """CPU seconds of this process and of its children that have ended (ns/us resolution)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def slowdown() -> float:
    """The factor ``SVERKA_BENCH_SLOWDOWN`` asks for (1.0: none)."""
    return max(1.0, float(os.environ.get(SLOWDOWN_ENV) or 1.0))


def spin(seconds: float) -> None:
    """Burn ``seconds`` of CPU time in this process."""
    until = time.process_time() + seconds
    while time.process_time() < until:
        sum(range(1000))


def slowed(function: Callable[[], T], *, cpu: Callable[[], float] = cpu_seconds) -> T:
    """Call ``function``; under a slowdown, burn CPU until it took that factor longer."""
    factor = slowdown()
    if factor == 1.0:
        return function()
    start = cpu()
    result = function()
    spin((factor - 1.0) * (cpu() - start))
    return result


@dataclass(frozen=True, slots=True)
class Timing:
    """Wall-clock and CPU seconds of one pass."""

    wall: float
    cpu: float


def timed(function: Callable[[], object]) -> Timing:
    """Time one call of ``function``."""
    wall, cpu = time.perf_counter(), cpu_seconds()
    function()
    return Timing(time.perf_counter() - wall, cpu_seconds() - cpu)


@dataclass(frozen=True, slots=True)
class Paired:
    """Trials of a measured pass and its reference, timed back to back."""

    measured: list[Timing]
    reference: list[Timing]

    def rate(self, work: float, side: str, clock: str) -> float:
        """Median ``work`` per second of ``side`` ("measured", "reference") by ``clock``."""
        return statistics.median(work / getattr(t, clock) for t in getattr(self, side))

    def ratio(self, clock: str) -> float:
        """Median over trials of reference seconds / measured seconds (speed relative)."""
        return statistics.median(getattr(r, clock) / getattr(m, clock)
                                 for m, r in zip(self.measured, self.reference, strict=True))

    def spread(self, clock: str) -> float:
        """(max - min) / median of the per-trial ratios: how steady the ratio was."""
        ratios = [getattr(r, clock) / getattr(m, clock)
                  for m, r in zip(self.measured, self.reference, strict=True)]
        return (max(ratios) - min(ratios)) / statistics.median(ratios)


def alternate(measured: Callable[[], object], reference: Callable[[], object], *,
              trials: int) -> Paired:
    """Time ``trials`` passes of each, back to back; a warm-up pass of each first."""
    measured()
    reference()
    ours: list[Timing] = []
    theirs: list[Timing] = []
    for trial in range(trials):
        if trial % 2:
            theirs.append(timed(reference))
            ours.append(timed(lambda: slowed(measured)))
        else:
            ours.append(timed(lambda: slowed(measured)))
            theirs.append(timed(reference))
    return Paired(ours, theirs)


def report(figures: dict[str, object], *, as_json: bool) -> None:
    """Print what a benchmark measured: one JSON object, or a ``key: value`` line each."""
    if as_json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key}: {value}")
