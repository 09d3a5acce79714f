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

``--yardstick`` measures instead what the alignment yardstick does (``../shared/eval/
align_eval.py --mode presegmented``: its 107 articles perturbed with its seed), beside an
anchor on the same documents: Gale and Church's aligner as published (``bench/
gale_church.py``; a fixed pure-Python dynamic program, the same kind of work). Each trial
aligns every article with both, back to back (``bench/anchors.py``); printed are
sentences/s of each (wall and CPU) and the ratio tm ÷ Gale–Church, the median over
``--trials``. The CI gate is the CPU ratio.

    python bench/align_speed.py [--json] [--sizes 1000,2000,5000,10000]
    python bench/align_speed.py --yardstick --json
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import gale_church  # noqa: E402 - bench/ is this script's own folder
from align_calibration import load_yardstick  # noqa: E402
from anchors import alternate, report  # noqa: E402

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


def yardstick_speed(trials: int, copies: int) -> dict[str, object]:
    """Sentences/s on the yardstick's perturbed articles, tm and Gale–Church back to back."""
    yardstick = load_yardstick()  # its perturbation, so the documents are its own
    rng = random.Random(SEED)
    with DOCS.open(encoding="utf-8") as fh:
        docs = [yardstick.perturb(d["ru"], d["en"], rng, RATE)[:2]
                for d in map(json.loads, fh)]
    sentences = copies * sum(len(s) + len(t) for s, t in docs)

    def ours() -> None:
        for _ in range(copies):
            for src, tgt in docs:
                align_sentences(src, tgt, src_lang="ru", tgt_lang="en")

    def theirs() -> None:
        for _ in range(copies):
            for src, tgt in docs:
                gale_church.align_sentences(src, tgt)

    paired = alternate(ours, theirs, trials=trials)
    return {"source": str(DOCS), "sentences": sentences, "trials": trials,
            "sentences_per_s": round(paired.rate(sentences, "measured", "wall")),
            "sentences_per_cpu_s": round(paired.rate(sentences, "measured", "cpu")),
            "gale_church_sentences_per_s": round(paired.rate(sentences, "reference", "wall")),
            "gale_church_sentences_per_cpu_s": round(
                paired.rate(sentences, "reference", "cpu")),
            "ratio_to_gale_church": round(paired.ratio("wall"), 3),
            "ratio_to_gale_church_cpu": round(paired.ratio("cpu"), 3),
            "ratio_cpu_spread": round(paired.spread("cpu"), 3)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--sizes", default="1000,2000,5000,10000")
    ap.add_argument("--yardstick", action="store_true",
                    help="the yardstick's articles against Gale–Church (the CI gate)")
    ap.add_argument("--trials", type=int, default=7, help="with --yardstick: the median counts")
    ap.add_argument("--copies", type=int, default=3,
                    help="with --yardstick: passes over the articles per trial")
    args = ap.parse_args()
    if args.yardstick:
        if not DOCS.exists():
            raise SystemExit(f"{DOCS} not found")
        report(yardstick_speed(args.trials, args.copies), as_json=args.json)
        return 0
    sizes = [int(x) for x in args.sizes.split(",")]
    pairs = _pairs()
    rng = random.Random(SEED)
    # The first alignment of a process loads its lexicon: timed apart, so that the sizes
    # show the aligner's growth (the compiled DP loads with tm.align, above).
    t0 = time.perf_counter()
    align_sentences(["Первое предложение."], ["The first sentence."], "ru", "en")
    first = time.perf_counter() - t0
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
                              "first_alignment_s": round(first, 3), "sizes": results}
    by = {r["sentences"]: r for r in results}
    if 1000 in by and 10000 in by:
        for key, name in (("seconds", "ratio_10k_1k"), ("cpu_seconds", "cpu_ratio_10k_1k")):
            out[name] = round(float(by[10000][key]) / max(float(by[1000][key]), 1e-9), 2)
    if 10000 in by:
        out["under_5s_10k"] = float(by[10000]["seconds"]) < LIMIT_10K_S
    if args.json:
        print(json.dumps(out))
    else:
        print(f"first alignment of the process (loads the lexicon): {first:.3f} s")
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
