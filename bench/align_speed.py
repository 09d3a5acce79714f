"""Speed of tm.align.align_sentences on long document pairs.

Concatenates the WMT21 ru-en articles (``../shared/eval/alignment/
wmt21.ru-en.docs.jsonl``; synthetic sentences if that file is absent) until
each side has N sentences, perturbs them like the yardstick (some merges and
deletions, fixed seed) and times one alignment per size: wall-clock seconds
and CPU seconds of this process (less disturbed by other load on the machine).
Sentences/s counts both sides, as the yardstick does. The ratio
time(10k) / time(1k) should be close to 10 if the banded DP is linear, and a
10,000-sentence pair should take under 5 s. Link F1 against the perturbation's
gold links shows the band did not lose the path on long documents.

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


Gold = set[tuple[tuple[int, ...], tuple[int, ...]]]
LIMIT_10K_S = 5.0


def _document(
    pairs: list[tuple[str, str]], size: int, rng: random.Random
) -> tuple[list[str], list[str], Gold]:
    """A perturbed document pair of ``size`` source sentences and its gold 1-1+ links."""
    src: list[str] = []
    tgt: list[str] = []
    gold: Gold = set()
    k = 0
    while len(src) < size:
        ru, en = pairs[k % len(pairs)]
        nxt_ru, nxt_en = pairs[(k + 1) % len(pairs)]
        roll = rng.random()
        i, j = len(src), len(tgt)
        if roll < RATE:
            src += [ru, nxt_ru]
            tgt.append(en + " " + nxt_en)
            gold.add(((i, i + 1), (j,)))
            k += 2
        elif roll < 2 * RATE:
            src.append(ru + " " + nxt_ru)
            tgt += [en, nxt_en]
            gold.add(((i,), (j, j + 1)))
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
            gold.add(((i,), (j,)))
            k += 1
    return src, tgt, gold


def _f1(pred: Gold, gold: Gold) -> float:
    hits = len(pred & gold)
    return 2 * hits / (len(pred) + len(gold)) if pred or gold else 1.0


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
        src, tgt, gold = _document(pairs, size, rng)
        t0, c0 = time.perf_counter(), time.process_time()
        links = align_sentences(src, tgt, "ru", "en")
        secs, cpu = time.perf_counter() - t0, time.process_time() - c0
        assert sum(len(x.src) for x in links) == len(src)
        pred = {(x.src, x.tgt) for x in links if x.src and x.tgt}
        results.append({"sentences": size, "seconds": round(secs, 3),
                        "cpu_seconds": round(cpu, 3),
                        "sentences_per_s": round((len(src) + len(tgt)) / secs),
                        "link_f1": round(_f1(pred, gold), 4)})
    out: dict[str, object] = {"source": str(DOCS) if DOCS.exists() else "synthetic",
                              "sizes": results}
    by = {r["sentences"]: r for r in results}
    if 1000 in by and 10000 in by:
        for key, name in (("seconds", "ratio_10k_1k"), ("cpu_seconds", "cpu_ratio_10k_1k")):
            out[name] = round(float(by[10000][key]) / max(float(by[1000][key]), 1e-9), 2)
    if 10000 in by:
        out["under_5s_10k"] = float(by[10000]["seconds"]) < LIMIT_10K_S
    if args.json:
        print(json.dumps(out))
    else:
        for r in results:
            print(f"{r['sentences']:>6} sentences/side  {r['seconds']:7.3f} s  "
                  f"(cpu {r['cpu_seconds']:.3f} s)  {r['sentences_per_s']:>8} sentences/s  "
                  f"link F1 {r['link_f1']:.4f}")
        if "ratio_10k_1k" in out:
            print(f"time(10k) / time(1k) = {out['ratio_10k_1k']} "
                  f"(cpu {out['cpu_ratio_10k_1k']}; linear = 10)")
        if "under_5s_10k" in out:
            print(f"10k sentences under {LIMIT_10K_S:g} s: "
                  f"{'yes' if out['under_5s_10k'] else 'NO'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
