#!/usr/bin/env python3
"""Run the shared yardsticks on this checkout, print every figure and enforce the gates.

Then the speed gates (``SPEED``): this repository's benchmarks, each timing Sverka beside an
anchor measured in the same run on the same data (``bench/anchors.py``), gated on the ratio.

A gate is a figure the code already meets (gates ratchet: a threshold enters this table the
moment the code reaches it). Figures without a gate are printed only: the yardsticks' own
speeds (``chars_per_s``, ``sentences_per_s``) are one wall-clock pass on whatever the machine
is doing, so they are printed beside, not gated.
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
SEGMENTATION = EVAL / "segmentation"

# (name, command arguments after the script, {figure: minimum}). Quality figures are the
# same on every machine: each minimum sits just under what the code meets (in the comment).
YARDSTICKS: list[tuple[str, list[str], dict[str, float]]] = [
    ("segmentation ru_taiga", ["seg_eval.py", "--lang", "ru",
                               "segmentation/ru_taiga-test.jsonl"], {"f1": 0.955}),  # 0.9568
    ("segmentation en_ewt", ["seg_eval.py", "--lang", "en",
                             "segmentation/en_ewt-test.jsonl"], {"f1": 0.89}),  # 0.8941
    ("alignment presegmented", ["align_eval.py", "alignment/wmt21.ru-en.docs.jsonl",
                                "--mode", "presegmented"],
     {"link_f1": 0.985, "null_f1": 0.92}),  # 0.9885, 0.9275
    ("alignment raw", ["align_eval.py", "alignment/wmt21.ru-en.docs.jsonl",
                       "--mode", "raw"], {"pair_f1": 0.98}),  # 0.983
]

# Speed gates: (name, script in bench/ and its arguments, {figure: (minimum, maximum)}, None
# for no bound). Each figure is Sverka's speed relative to an anchor in the same run, by
# CPU seconds: on a shared 2-CPU machine the neighbours stretch the wall clock (segmentation
# at 0.6-1.4 M chars/s by the clock, 2.8-3.0 M per CPU second, in one hour), and CPU
# seconds themselves differ between hosts of one kind by more than a margin, which the
# anchor's run on the same host cancels. Thresholds: what the code met here, on a loaded
# machine, less about 15-20 % (the ratios' spread between runs was under 10 %); a slowdown of
# 1.3 fails each (SVERKA_BENCH_SLOWDOWN, see bench/anchors.py).
SPEED: list[tuple[str, list[str], dict[str, tuple[float | None, float | None]]]] = [
    ("segmentation speed ÷ razdel, ru_taiga",
     ["segment_speed.py", "--gold", f"{SEGMENTATION}/ru_taiga-test.jsonl", "--json"],
     {"ratio_tm_to_razdel_cpu": (0.88, None)}),  # measured 1.06-1.11
    ("segmentation speed ÷ razdel, en_ewt",
     ["segment_speed.py", "--gold", f"{SEGMENTATION}/en_ewt-test.jsonl", "--json"],
     {"ratio_tm_to_razdel_cpu": (0.85, None)}),  # measured 1.01-1.02
    ("alignment speed ÷ Gale–Church, the presegmented yardstick's articles",
     ["align_speed.py", "--yardstick", "--json"],
     {"ratio_to_gale_church_cpu": (0.80, None)}),  # measured 0.93-0.99 (0.73 slowed 1.3x)
    # Scores, storage and the test for 10 systems x 2,000 segments, 2 worker processes,
    # against sacrebleu's own paired bootstrap (BLEU, chrF) on the same systems.
    ("scoring paired bootstrap ÷ sacrebleu's, 10 systems × 2,000 segments",
     ["scoring_speed.py", "--bootstrap-only", "--jobs", "2", "--json"],
     # Unchanged code measured 2.70-3.38 on this kind of machine on 2026-12-03 (the anchor's
     # 10 CPU seconds vary by a fifth with the load); SVERKA_BENCH_SLOWDOWN=1.3 gave 3.70.
     {"bootstrap_cpu_to_sacrebleu_bootstrap_cpu": (None, 3.55)}),
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


def run_benchmark(name: str, args: list[str],
                  bounds: dict[str, tuple[float | None, float | None]]) -> bool:
    """Run one benchmark; print its figures and whether they stay within their bounds."""
    shown = _figures(name, "benchmark",
                     [sys.executable, str(ROOT / "bench" / args[0]), *args[1:]])
    if shown is None:
        return False
    failed = {}
    for key, (minimum, maximum) in bounds.items():
        value = shown.get(key)
        if value is None:
            failed[key] = "is missing"
        elif minimum is not None and value < minimum:
            failed[key] = f"= {value} is below the gate {minimum}"
        elif maximum is not None and value > maximum:
            failed[key] = f"= {value} is above the ceiling {maximum}"
    print(f"{'FAIL' if failed else 'ok  '} {name}: {json.dumps(shown)}"
          f"  gates {json.dumps(bounds)}")
    for key, problem in failed.items():
        print(f"     {key} {problem}")
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
    results += [run_benchmark(name, args, bounds) for name, args, bounds in SPEED]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
