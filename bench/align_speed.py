"""Speed of tm.align.align_sentences on long document pairs.

Concatenates the WMT21 ru-en articles (``../shared/eval/alignment/
wmt21.ru-en.docs.jsonl``; synthetic sentences if that file is absent) until
each side has N sentences, perturbs them like the yardstick (some merges and
deletions, fixed seed) and times one alignment per size. Sentences/s counts
both sides, as the yardstick does. The ratio time(10k) / time(1k) should be
close to 10 if the banded DP is linear.

    python bench/align_speed.py [--json] [--sizes 1000,2000,5000,10000]
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tm.align import align_sentences  # noqa: E402

DOCS = (
    Path(__file__).resolve().parents[1]
    / ".." / "shared" / "eval" / "alignment" / "wmt21.ru-en.docs.jsonl"
)
SEED = 13
RATE = 0.06  # same perturbation rate as the yardstick's default


def _pairs() -> list[tuple[str, str]]:
    if DOCS.exists():
        out = []
        with DOCS.open(encoding="utf-8") as fh:
            for line in fh:
                doc = json.loads(line)
                out += list(zip(doc["ru"], doc["en"], strict=True))
        return out
    rng = random.Random(SEED)
    out = []
    for _ in range(1000):
        n = rng.randint(3, 30)
        ru = " ".join("слово" * rng.randint(1, 2) for _ in range(n)) + f" {rng.randint(1, 99)}."
        en = " ".join("word" * rng.randint(1, 2) for _ in range(n)) + f" {rng.randint(1, 99)}."
        out.append((ru, en))
    return out


def _document(
    pairs: list[tuple[str, str]], size: int, rng: random.Random
) -> tuple[list[str], list[str]]:
    src: list[str] = []
    tgt: list[str] = []
    k = 0
    while len(src) < size:
        ru, en = pairs[k % len(pairs)]
        nxt_ru, nxt_en = pairs[(k + 1) % len(pairs)]
        roll = rng.random()
        if roll < RATE:
            src += [ru, nxt_ru]
            tgt.append(en + " " + nxt_en)
            k += 2
        elif roll < 2 * RATE:
            src.append(ru + " " + nxt_ru)
            tgt += [en, nxt_en]
            k += 2
        elif roll < 2.5 * RATE:
            src.append(ru)
            k += 1
        elif roll < 3 * RATE:
            tgt.append(en)
            k += 1
        else:
            src.append(ru)
            tgt.append(en)
            k += 1
    return src, tgt


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--sizes", default="1000,2000,5000,10000")
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    pairs = _pairs()
    rng = random.Random(SEED)
    results = []
    for size in sizes:
        src, tgt = _document(pairs, size, rng)
        t0 = time.perf_counter()
        links = align_sentences(src, tgt, "ru", "en")
        secs = time.perf_counter() - t0
        assert sum(len(x.src) for x in links) == len(src)
        results.append({"sentences": size, "seconds": round(secs, 3),
                        "sentences_per_s": round((len(src) + len(tgt)) / secs)})
    out = {"source": str(DOCS) if DOCS.exists() else "synthetic", "sizes": results}
    by = {r["sentences"]: r["seconds"] for r in results}
    if 1000 in by and 10000 in by:
        out["ratio_10k_1k"] = round(by[10000] / by[1000], 2)
    if args.json:
        print(json.dumps(out))
    else:
        for r in results:
            print(f"{r['sentences']:>6} sentences/side  {r['seconds']:7.3f} s  "
                  f"{r['sentences_per_s']:>8} sentences/s")
        if "ratio_10k_1k" in out:
            print(f"time(10k) / time(1k) = {out['ratio_10k_1k']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
