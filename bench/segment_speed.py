"""Benchmark: characters per second of ``tm.segment.split_sentences``, against razdel.

    python bench/segment_speed.py            # human-readable lines
    python bench/segment_speed.py --json     # one JSON object
    python bench/segment_speed.py --gold ../shared/eval/segmentation/ru_taiga-test.jsonl --json

The text is a gold file's units (``--gold``, language from the file name), else all gold
segmentation texts from ``../shared/eval/segmentation/`` when that folder exists, else the
files in ``corpora/``; each pass splits it, unit by unit, repeated until a pass holds
``--chars`` characters. The anchor is razdel's ``sentenize`` on the same units (a rule-based
segmenter in pure Python like ours; released 2020, so it does not move): each trial times a
pass of both back to back (``bench/anchors.py``), and the ratio tm ÷ razdel of their speeds
is the median over ``--trials``, by CPU and by wall clock. The CI gate is the CPU ratio.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from anchors import alternate, report  # noqa: E402 - bench/ is this script's own folder

from tm.segment import split_sentences  # noqa: E402

GOLD = ROOT.parent / "shared" / "eval" / "segmentation"


def gold_paragraphs(paths: Iterable[Path]) -> list[tuple[str, str]]:
    """Return (lang, text) pairs from gold JSONL files (language before the ``_``)."""
    out: list[tuple[str, str]] = []
    for path in paths:
        lang = path.name.split("_", 1)[0]
        with path.open(encoding="utf-8") as fh:
            out.extend((lang, json.loads(line)["text"]) for line in fh if line.strip())
    return out


def corpus_paragraphs() -> list[tuple[str, str]]:
    """Return (lang, paragraph) pairs from the text files under corpora/."""
    out: list[tuple[str, str]] = []
    for path in sorted((ROOT / "corpora").rglob("*")):
        if path.suffix != ".txt" or not path.is_file():
            continue
        lang = "en" if "en" in path.name.split(".") else "ru"
        text = path.read_text(encoding="utf-8", errors="replace")
        out.extend((lang, p) for p in text.split("\n\n") if p.strip())
    return out


def workload(base: list[tuple[str, str]], chars: int) -> list[tuple[str, str]]:
    """Repeat the source paragraphs until they hold at least ``chars`` characters."""
    if not base:
        base = [("ru", "Он ушёл. Дверь закрылась, т. е. всё кончилось."),
                ("en", "Mr. Smith left. The U.S. economy grew by 1.5% in 2021.")]
    size = sum(len(t) for _, t in base)
    return base * max(1, -(-chars // size))


def razdel_split() -> Callable[[str, str], Iterable[object]] | None:
    """Return razdel's sentenize as a (text, lang) function, or None if razdel is missing."""
    try:
        from razdel import sentenize
    except ImportError:
        return None
    return lambda text, lang: list(sentenize(text))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", type=Path, help="one gold JSONL file (default: all of them)")
    ap.add_argument("--chars", type=int, default=1_000_000, help="characters per pass")
    ap.add_argument("--trials", type=int, default=7, help="passes of each; the median counts")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args()

    if args.gold:
        base, source = gold_paragraphs([args.gold]), args.gold.name
    elif GOLD.is_dir():
        base, source = gold_paragraphs(sorted(GOLD.glob("*.jsonl"))), "gold"
    else:
        base, source = corpus_paragraphs(), "corpora"
    work = workload(base, args.chars)
    chars = sum(len(t) for _, t in work)

    def ours() -> None:
        for lang, text in work:
            split_sentences(text, lang)

    other = razdel_split()
    result: dict[str, object] = {"chars": chars, "source": source, "trials": args.trials}
    if other is None:  # the speed alone, without its anchor
        paired = alternate(ours, lambda: None, trials=args.trials)
    else:
        def theirs() -> None:
            for lang, text in work:
                other(text, lang)
        paired = alternate(ours, theirs, trials=args.trials)
    result.update({
        "tm_segment_chars_per_s": round(paired.rate(chars, "measured", "wall")),
        "tm_segment_chars_per_cpu_s": round(paired.rate(chars, "measured", "cpu"))})
    if other is not None:
        result.update({
            "razdel_chars_per_s": round(paired.rate(chars, "reference", "wall")),
            "razdel_chars_per_cpu_s": round(paired.rate(chars, "reference", "cpu")),
            "ratio_tm_to_razdel": round(paired.ratio("wall"), 3),
            "ratio_tm_to_razdel_cpu": round(paired.ratio("cpu"), 3),
            "ratio_cpu_spread": round(paired.spread("cpu"), 3)})
    report(result, as_json=args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
