#!/usr/bin/env python3
"""Is the aligner's confidence useful? Precision of its links per score band.

Runs the presegmented yardstick's perturbation (``../shared/eval/align_eval.py``: merges
and deletions of gold segments with a fixed seed) and reports, for each band of
``Link.score``, how many predicted links there are and how many are exactly right.

    python bench/align_calibration.py                 # seed 13, reference A
    python bench/align_calibration.py --ref en_B --seed 7 --json
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
EVAL = ROOT.parent / "shared" / "eval"
BANDS = ((0.0, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 0.99), (0.99, 1.01))


def load_yardstick():  # type: ignore[no-untyped-def]
    """Import align_eval.py from ../shared/eval for its perturbation."""
    spec = importlib.util.spec_from_file_location("align_eval", EVAL / "align_eval.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"{EVAL / 'align_eval.py'} not found")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", default=str(EVAL / "alignment" / "wmt21.ru-en.docs.jsonl"))
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--rate", type=float, default=0.06)
    parser.add_argument("--ref", default="en")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    from tm.align import align_sentences

    yardstick = load_yardstick()
    rng = random.Random(args.seed)
    counts = {band: [0, 0] for band in BANDS}  # links, correct
    with open(args.docs, encoding="utf-8") as handle:
        for line in handle:
            doc = json.loads(line)
            src, tgt, gold = yardstick.perturb(doc["ru"], doc[args.ref], rng, args.rate)
            gold_links = {(tuple(s), tuple(t)) for s, t in gold}
            for link in align_sentences(src, tgt, src_lang="ru", tgt_lang="en"):
                band = next(b for b in BANDS if b[0] <= link.score < b[1])
                counts[band][0] += 1
                counts[band][1] += (tuple(link.src), tuple(link.tgt)) in gold_links
    rows = [{"band": f"{lo:.2f}–{min(hi, 1.0):.2f}", "links": n, "correct": c,
             "precision": round(c / n, 4) if n else None} for (lo, hi), (n, c) in counts.items()]
    if args.json:
        print(json.dumps({"seed": args.seed, "ref": args.ref, "rate": args.rate, "bands": rows}))
    else:
        print(f"links per score band (seed {args.seed}, reference {args.ref}, rate {args.rate})")
        for row in rows:
            print(f"  {row['band']:>11}  {row['links']:>5} links  precision {row['precision']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
