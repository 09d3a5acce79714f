"""Benchmark: characters per second of ``tm.segment.split_sentences`` (and razdel, if installed).

    python bench/segment_speed.py            # human-readable lines
    python bench/segment_speed.py --json     # one JSON object

The text is the gold segmentation texts from ``../shared/eval/segmentation/``
when that folder exists, otherwise the files in ``corpora/``; it is repeated
until it reaches ``--chars`` characters and split paragraph by paragraph.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tm.segment import split_sentences  # noqa: E402

GOLD = ROOT.parent / "shared" / "eval" / "segmentation"


def gold_paragraphs() -> list[tuple[str, str]]:
    """Return (lang, text) pairs from the gold JSONL files, if present."""
    out: list[tuple[str, str]] = []
    for path in sorted(GOLD.glob("*.jsonl")) if GOLD.is_dir() else []:
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


def workload(chars: int) -> list[tuple[str, str]]:
    """Repeat the source paragraphs until they hold at least ``chars`` characters."""
    base = gold_paragraphs() or corpus_paragraphs()
    if not base:
        base = [("ru", "Он ушёл. Дверь закрылась, т. е. всё кончилось."),
                ("en", "Mr. Smith left. The U.S. economy grew by 1.5% in 2021.")]
    size = sum(len(t) for _, t in base)
    return base * max(1, -(-chars // size))


def measure(split: Callable[[str, str], Iterable[object]], work: list[tuple[str, str]],
            repeat: int) -> float:
    """Return the best characters per second over ``repeat`` runs."""
    chars = sum(len(t) for _, t in work)
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for lang, text in work:
            split(text, lang)
        best = min(best, time.perf_counter() - t0)
    return chars / best


def razdel_split() -> Callable[[str, str], Iterable[object]] | None:
    """Return razdel's sentenize as a (text, lang) function, or None if razdel is missing."""
    try:
        from razdel import sentenize
    except ImportError:
        return None
    return lambda text, lang: list(sentenize(text))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chars", type=int, default=2_000_000, help="size of the text")
    ap.add_argument("--repeat", type=int, default=3, help="runs; the best one counts")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args()

    work = workload(args.chars)
    result: dict[str, object] = {
        "chars": sum(len(t) for _, t in work),
        "source": "gold" if GOLD.is_dir() else "corpora",
        "tm_segment_chars_per_s": round(measure(split_sentences, work, args.repeat)),
    }
    other = razdel_split()
    if other is not None:
        result["razdel_chars_per_s"] = round(measure(other, work, args.repeat))
        result["ratio_tm_to_razdel"] = round(
            result["tm_segment_chars_per_s"] / result["razdel_chars_per_s"], 3)  # type: ignore[operator]
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
