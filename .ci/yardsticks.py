#!/usr/bin/env python3
"""Run the shared yardsticks on this checkout, print every figure and enforce the gates.

Then this repository's benchmarks that have a ceiling (``BENCHMARKS``), the same way.

A gate is a figure the code already meets (quality gates ratchet: a threshold enters this
table the moment the code reaches it). Figures without a gate are printed only.
Exit status 1 if a gate fails, or if ../shared/eval is missing while CI=true.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"

# (name, command arguments after the script, {figure: minimum})
YARDSTICKS: list[tuple[str, list[str], dict[str, float]]] = [
    ("segmentation ru_taiga", ["seg_eval.py", "--lang", "ru",
                               "segmentation/ru_taiga-test.jsonl"],
     {"f1": 0.95, "chars_per_s": 1_000_000}),
    ("segmentation en_ewt", ["seg_eval.py", "--lang", "en",
                             "segmentation/en_ewt-test.jsonl"],
     {"f1": 0.85, "chars_per_s": 1_000_000}),
    ("alignment presegmented", ["align_eval.py", "alignment/wmt21.ru-en.docs.jsonl",
                                "--mode", "presegmented"],
     {"link_f1": 0.97, "null_f1": 0.85, "sentences_per_s": 10_000}),
    ("alignment raw", ["align_eval.py", "alignment/wmt21.ru-en.docs.jsonl",
                       "--mode", "raw"], {"pair_f1": 0.95}),
]


# This repository's benchmarks with a ceiling: (name, script in bench/ and its arguments,
# {figure: maximum}). Gated in CPU seconds, worker processes included: on a shared 2-CPU
# machine neighbours stretch the wall clock (the bootstrap run took 22-45 s by the clock at
# 23-28 CPU s); CPU seconds at most the wall-clock goal also keep an idle machine under it.
BENCHMARKS: list[tuple[str, list[str], dict[str, float]]] = [
    ("scoring paired bootstrap, 10 systems × 2,000 segments",
     ["scoring_speed.py", "--bootstrap-only", "--jobs", "2", "--json"],
     {"bootstrap_cpu_s": 60.0}),
]


def _figures(name: str, kind: str, command: list[str]) -> dict[str, float] | None:
    """Run ``command``; return the numbers of the JSON object its last line prints."""
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        print(f"FAIL {name}: {kind} exited {done.returncode}: "
              f"{done.stderr.strip().splitlines()[-1:]}")
        return None
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return {k: v for k, v in figures.items() if isinstance(v, int | float)}


def run_benchmark(name: str, args: list[str], ceilings: dict[str, float]) -> bool:
    """Run one benchmark; print its figures and whether they stay under their ceilings."""
    shown = _figures(name, "benchmark",
                     [sys.executable, str(ROOT / "bench" / args[0]), *args[1:]])
    if shown is None:
        return False
    failed = {k: (shown.get(k), maximum) for k, maximum in ceilings.items()
              if shown.get(k) is None or shown[k] > maximum}
    print(f"{'FAIL' if failed else 'ok  '} {name}: {json.dumps(shown)}"
          f"  ceilings {json.dumps(ceilings)}")
    for key, (value, maximum) in failed.items():
        print(f"     {key} = {value} is above the ceiling {maximum}")
    return not failed


def run(name: str, args: list[str], gates: dict[str, float]) -> bool:
    """Run one yardstick; print its figures and whether its gates hold."""
    shown = _figures(name, "yardstick", [sys.executable, str(EVAL / args[0]), *[
        str(EVAL / a) if a.endswith(".jsonl") else a for a in args[1:]]])
    if shown is None:
        return False
    failed = {k: (shown.get(k), minimum) for k, minimum in gates.items()
              if shown.get(k) is None or shown[k] < minimum}
    status = "FAIL" if failed else "ok  "
    print(f"{status} {name}: {json.dumps(shown)}"
          + (f"  gates {json.dumps(gates)}" if gates else "  (no gate yet)"))
    for key, (value, minimum) in failed.items():
        print(f"     {key} = {value} is below the gate {minimum}")
    return not failed


def main() -> int:
    if not EVAL.is_dir():
        print(f"yardsticks: {EVAL} not found")
        return 1 if os.environ.get("CI") == "true" else 0
    results = [run(name, args, gates) for name, args, gates in YARDSTICKS]
    results += [run_benchmark(name, args, ceilings) for name, args, ceilings in BENCHMARKS]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
