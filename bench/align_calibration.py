#!/usr/bin/env python3
"""Is the aligner's confidence useful? Precision of its links per score band.

Runs the presegmented yardstick's perturbation (``../shared/eval/align_eval.py``: merges
and deletions of gold segments with a fixed seed) and reports, for each band of
``Link.score``, how many predicted links there are and how many are exactly right, then
one verdict line: precision below 0.5 against precision at 0.9 and above. With
``--other`` it also aligns each (perturbed) article to the translation of the article
N further on and reports the bands of those two-sided links, all of them wrong.

    python bench/align_calibration.py                       # seed 13, reference A
    python bench/align_calibration.py --ref en_B --seed 7 --other 5
    python bench/align_calibration.py --other --json        # other = 7 articles on
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
BANDS = ((0.0, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 0.95), (0.95, 1.01))


def load_yardstick():  # type: ignore[no-untyped-def]
    """Import align_eval.py from ../shared/eval for its perturbation."""
    spec = importlib.util.spec_from_file_location("align_eval", EVAL / "align_eval.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"{EVAL / 'align_eval.py'} not found")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def count(counts: dict, band_of: float, correct: bool) -> None:
    """Add one link to the band of its score."""
    band = next(b for b in BANDS if b[0] <= band_of < b[1])
    counts[band][0] += 1
    counts[band][1] += correct


def rows(counts: dict) -> list[dict]:
    """Links, correct links and precision per band."""
    return [{"band": f"{lo:.2f}–{min(hi, 1.0):.2f}", "links": n, "correct": c,
             "precision": round(c / n, 4) if n else None} for (lo, hi), (n, c) in counts.items()]


def precision(counts: dict, lo: float, hi: float) -> float | None:
    """Precision of all links scoring in [lo, hi)."""
    n = sum(v[0] for b, v in counts.items() if b[0] >= lo and b[1] <= hi)
    c = sum(v[1] for b, v in counts.items() if b[0] >= lo and b[1] <= hi)
    return round(c / n, 4) if n else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", default=str(EVAL / "alignment" / "wmt21.ru-en.docs.jsonl"))
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--rate", type=float, default=0.06)
    parser.add_argument("--ref", default="en")
    parser.add_argument("--other", type=int, nargs="?", const=7, default=0, metavar="N",
                        help="also align each article to the translation N articles on")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    from tm.align import align_sentences

    yardstick = load_yardstick()
    rng = random.Random(args.seed)
    with open(args.docs, encoding="utf-8") as handle:
        docs = [json.loads(line) for line in handle]
    own = {band: [0, 0] for band in BANDS}  # links, correct
    other = {band: [0, 0] for band in BANDS}
    for k, doc in enumerate(docs):
        src, tgt, gold = yardstick.perturb(doc["ru"], doc[args.ref], rng, args.rate)
        gold_links = {(tuple(s), tuple(t)) for s, t in gold}
        for link in align_sentences(src, tgt, src_lang="ru", tgt_lang="en"):
            count(own, link.score, (tuple(link.src), tuple(link.tgt)) in gold_links)
        if args.other:
            unrelated = docs[(k + args.other) % len(docs)][args.ref]
            for link in align_sentences(src, unrelated, src_lang="ru", tgt_lang="en"):
                if link.src and link.tgt:
                    count(other, link.score, False)
    low, high = precision(own, 0.0, 0.5), precision(own, 0.9, 1.01)
    if args.json:
        out = {"seed": args.seed, "ref": args.ref, "rate": args.rate, "bands": rows(own),
               "precision_below_0.5": low, "precision_from_0.9": high}
        if args.other:
            out.update(other=args.other, other_bands=rows(other))
        print(json.dumps(out))
        return 0
    print(f"links per score band (seed {args.seed}, reference {args.ref}, rate {args.rate})")
    for row in rows(own):
        print(f"  {row['band']:>11}  {row['links']:>5} links  precision {row['precision']}")
    if args.other:
        print(f"two-sided links, each article aligned to the translation {args.other} "
              "articles on (all wrong)")
        for row in rows(other):
            print(f"  {row['band']:>11}  {row['links']:>5} links")
    print(f"precision(<0.5) = {low} vs precision(≥0.9) = {high}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
