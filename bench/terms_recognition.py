#!/usr/bin/env python3
"""Term recognition: precision and recall on a hand-made gold set, against what others do,
and the speed of a 5,000-segment document against a 10,000-entry glossary (issue 19).

The gold, ``tests/data/terms_gold.json``: 83 glossary entries chosen from the six corpus
articles (``corpora/*/ru.txt``: institutions, ministries, people, places, abbreviations,
multi-word terms that occur inflected, and distractors such as «парламент» and «Кыргызстан»
that occur only inside other words), and every non-empty line of every article with each
occurrence of each entry marked by hand as ``[start, end, entry id, form found]`` (character
offsets within the line). Where terms overlap only the longest is marked, as
``TermIndex.find`` reports. Each article also lists distractors — ``[line, start, end, entry
id, form]``, a word sharing a stem or a string with that entry but not the entry
(«казахстанских», «Уралмаш» for «Урал», «бюджетных») — that no hit of the entry may overlap.

Systems, each run over every line, hits of overlapping terms resolved alike (longest wins):

- ``sverka``: :class:`tm.terms.recognize.TermIndex` (pymorphy3 lemmas, abbreviations exact);
- ``substring``: the term anywhere in the line, case-insensitive (a plain glossary lookup);
- ``weblate``: the same at word boundaries on both sides (Weblate's ``get_glossary_terms``:
  Aho–Corasick over the lower-cased source, matches kept between non-word characters);
- ``prefix``: each term word as a prefix regex ``\\bword\\w*`` cut to its first 70% of
  letters, words separated by non-word characters (Pontoon-style stem-free matching).

Scores: *strict* — a hit counts when its entry and offsets equal a gold span's; *overlap* —
when it overlaps a not yet matched gold span of the same entry (kinder to the baselines,
whose offsets cover only the part they matched). Distractors hit are counted apart.

Speed: a glossary of 10,000 entries (the gold's and synthetic ones made of the corpus's own
nouns and adjectives as pymorphy3 reads them — single nouns, agreeing adjective + noun,
noun + noun in the genitive — and a few capital-letter abbreviations, so that many entries
share first words with the text) and a document of 5,000 segments (the articles' segments,
``tm.segment.split_units``, repeated). Index build time; the first pass with every word's
readings uncached (cold) and the best of three more (warm): segments/s, wall and CPU seconds;
and the CPU cost of a word form the first time it is seen (its pymorphy3 readings), over
2,000 real forms of the glossary's words: a document with many more distinct words than
the repeated corpus pays it once per distinct word.

Goals: precision and recall ≥ 0.95 (strict), the document in under a second.

    python bench/terms_recognition.py
    python bench/terms_recognition.py --json
    python bench/terms_recognition.py --errors        # list the misses and false hits
"""
from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tm.search.morphology import _analyzer, forms  # noqa: E402
from tm.segment import split_units  # noqa: E402
from tm.terms import recognize  # noqa: E402
from tm.terms.recognize import TermEntry, TermHit, TermIndex, keep_longest  # noqa: E402
from tm.tokens import LEXICON_WORD  # noqa: E402

GOLD = ROOT / "tests" / "data" / "terms_gold.json"
GOAL_PRECISION = GOAL_RECALL = 0.95
GOAL_SECONDS = 1.0
SEGMENTS = 5_000
GLOSSARY = 10_000
PREFIX_SHARE = 0.7  # the part of a term word the prefix baseline keeps
SEED = 19
NEW_WORDS = 2_000  # unseen word forms timed for the cost of a word's first reading

Finder = Callable[[str], list[TermHit]]


def load_gold(path: Path = GOLD) -> dict[str, Any]:
    """Return the gold set as read."""
    gold: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return gold


def gold_entries(gold: dict[str, Any]) -> list[TermEntry]:
    """Return the gold's glossary entries."""
    return [TermEntry(id=e["id"], source=e["source"], target=e["target"],
                      case_sensitive=e.get("case_sensitive", False)) for e in gold["entries"]]


def _hit(entry: TermEntry, text: str, start: int, end: int) -> TermHit:
    return TermHit(entry.id, entry.source, start, end, text[start:end], entry.target)


def substring_finder(entries: Sequence[TermEntry], *, bounded: bool = False) -> Finder:
    """Return a case-insensitive substring lookup (at word boundaries when ``bounded``)."""
    needles = [(e, e.source.lower()) for e in entries if e.source.strip()]

    def find(text: str) -> list[TermHit]:
        lower = text.lower()
        hits = []
        for entry, needle in needles:
            at = lower.find(needle)
            while at >= 0:
                end = at + len(needle)
                if not bounded or ((at == 0 or not _word_char(lower[at - 1]))
                                   and (end == len(lower) or not _word_char(lower[end]))):
                    hits.append(_hit(entry, text, at, end))
                at = lower.find(needle, at + 1)
        return keep_longest(hits)

    return find


def _word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def prefix_finder(entries: Sequence[TermEntry]) -> Finder:
    """Return a lookup of each term word as a word-initial prefix of ~70% of its letters."""
    patterns = []
    for entry in entries:
        words = re.findall(r"\w+", entry.source)
        if words:
            parts = [r"\b" + re.escape(w[:max(1, math.ceil(len(w) * PREFIX_SHARE))]) + r"\w*"
                     for w in words]
            patterns.append((entry, re.compile(r"\W+".join(parts), re.IGNORECASE)))

    def find(text: str) -> list[TermHit]:
        hits = [_hit(entry, text, m.start(), m.end())
                for entry, pattern in patterns for m in pattern.finditer(text)]
        return keep_longest(hits)

    return find


def score(gold: dict[str, Any], find: Finder) -> dict[str, Any]:
    """Return the strict and overlap scores of ``find`` on the gold, with its errors."""
    counts = {"gold": 0, "hits": 0, "strict": 0, "overlap": 0, "distractors": 0}
    errors: list[str] = []
    for article in gold["articles"]:
        distractors: dict[int, list[list[Any]]] = {}
        for d in article["distractors"]:
            distractors.setdefault(d[0], []).append(d)
        for line in article["lines"]:
            text = line["text"]
            wanted = [tuple(s[:3]) for s in line["spans"]]
            hits = find(text)
            counts["gold"] += len(wanted)
            counts["hits"] += len(hits)
            got = {(h.start, h.end, h.entry_id) for h in hits}
            counts["strict"] += len(got & set(wanted))
            open_spans = list(wanted)
            for h in hits:
                match = next((w for w in open_spans if w[2] == h.entry_id
                              and h.start < w[1] and w[0] < h.end), None)
                if match is not None:
                    open_spans.remove(match)
                    counts["overlap"] += 1
                for _, start, end, entry_id, _form in distractors.get(line["line"], ()):
                    if entry_id == h.entry_id and h.start < end and start < h.end:
                        counts["distractors"] += 1
            where = f"{article['article']}:{line['line']}"
            errors += [f"{where} missed {text[a:b]!r} ({e})" for a, b, e in wanted
                       if (a, b, e) not in got]
            errors += [f"{where} false {h.found!r} ({h.entry_id})" for h in hits
                       if (h.start, h.end, h.entry_id) not in set(wanted)]
    result: dict[str, Any] = dict(counts)
    for kind in ("strict", "overlap"):
        p = counts[kind] / counts["hits"] if counts["hits"] else 0.0
        r = counts[kind] / counts["gold"] if counts["gold"] else 0.0
        result[kind] = {"precision": round(p, 4), "recall": round(r, 4),
                        "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0}
    result["errors"] = errors
    return result


def corpus_texts() -> list[str]:
    """Return the six articles' Russian texts."""
    return [p.read_text(encoding="utf-8") for p in sorted(ROOT.glob("corpora/*/ru.txt"))]


def synthetic_entries(texts: Iterable[str], size: int, *, start_id: int,
                      rng: random.Random) -> list[TermEntry]:
    """Return ``size`` distinct glossary entries made of the corpus's nouns and adjectives."""
    nouns: dict[str, Any] = {}
    adjectives: dict[str, Any] = {}
    for text in texts:
        for word in LEXICON_WORD.findall(text.lower()):
            parse = _analyzer().parse(word)[0]
            kind = parse.tag.POS
            lemma = parse.normal_form
            if kind == "NOUN" and len(lemma) > 2:
                nouns.setdefault(lemma, parse)
            elif kind == "ADJF":
                adjectives.setdefault(lemma, parse)
    noun_list = sorted(nouns)
    adj_list = sorted(adjectives)
    sources: set[str] = set(noun_list)
    letters = "АБВГДЕЗИКЛМНОПРСТУФХЦЧШЭЮЯ"
    while len(sources) < size:
        roll = rng.random()
        noun = nouns[rng.choice(noun_list)]
        if roll < 0.05:
            sources.add("".join(rng.choice(letters) for _ in range(rng.randint(2, 4))))
        elif roll < 0.55:
            adjective = adjectives[rng.choice(adj_list)].normalized
            number = "plur" if "Pltm" in noun.tag else "sing"
            grammemes = {"nomn", number} | ({noun.tag.gender} if number == "sing" else set())
            agreed = adjective.inflect(grammemes) if noun.tag.gender or number == "plur" else None
            if agreed is not None:
                sources.add(f"{agreed.word} {noun.normal_form}")
        else:
            other = nouns[rng.choice(noun_list)].normalized.inflect({"gent"})
            if other is not None and other.normal_form != noun.normal_form:
                sources.add(f"{noun.normal_form} {other.word}")
    chosen = sorted(sources)
    rng.shuffle(chosen)
    return [TermEntry(id=start_id + i, source=s, target=f"term {i}")
            for i, s in enumerate(chosen[:size])]


def document(texts: Iterable[str], size: int) -> list[str]:
    """Return ``size`` segments: the articles' segments over and over."""
    segments = [span.text for text in texts for span in split_units(text, "ru")]
    return [segments[i % len(segments)] for i in range(size)]


def speed(gold: dict[str, Any]) -> dict[str, Any]:
    """Return build and recognition times of the 10,000-entry glossary over the document."""
    texts = corpus_texts()
    entries = gold_entries(gold)
    entries += synthetic_entries(texts, GLOSSARY - len(entries), start_id=100_000,
                                 rng=random.Random(SEED))
    segments = document(texts, SEGMENTS)
    wall, cpu = time.perf_counter(), time.process_time()
    index = TermIndex.build(entries)
    build = {"seconds": time.perf_counter() - wall, "cpu_seconds": time.process_time() - cpu}
    recognize.clear_caches()  # the text's words unread: the first pass is cold
    runs = []
    hits = 0
    for _ in range(4):
        wall, cpu = time.perf_counter(), time.process_time()
        hits = sum(len(index.find(s)) for s in segments)
        runs.append((time.perf_counter() - wall, time.process_time() - cpu))
    cold, warm = runs[0], min(runs[1:])
    distinct = {w for s in segments for w in LEXICON_WORD.findall(s)}
    return {"entries": len(entries), "segments": len(segments),
            "words": sum(len(LEXICON_WORD.findall(s)) for s in segments),
            "distinct_words": len(distinct), "hits": hits,
            "build": {k: round(v, 3) for k, v in build.items()},
            "cold": _timing(cold, len(segments)), "warm": _timing(warm, len(segments)),
            "new_word_us": new_word_cost(entries, rng=random.Random(SEED))}


def new_word_cost(entries: Sequence[TermEntry], *, rng: random.Random,
                  count: int = NEW_WORDS) -> float:
    """Return the CPU microseconds a word costs the first time it is seen (its pymorphy3
    readings), over real forms of the glossary's words the document does not hold."""
    pool = sorted({f for e in entries[:400] for w in LEXICON_WORD.findall(e.source.lower())
                   for f in forms(w)})
    words = rng.sample(pool, min(count, len(pool)))
    recognize.clear_caches()
    cpu = time.process_time()
    for word in words:
        recognize._text_keys(word)
    return round((time.process_time() - cpu) / len(words) * 1e6, 1)


def _timing(run: tuple[float, float], segments: int) -> dict[str, float]:
    wall, cpu = run
    return {"seconds": round(wall, 3), "cpu_seconds": round(cpu, 3),
            "segments_per_s": round(segments / wall)}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--errors", action="store_true", help="list misses and false hits")
    parser.add_argument("--gold", type=Path, default=GOLD)
    args = parser.parse_args(argv)
    gold = load_gold(args.gold)
    entries = gold_entries(gold)
    systems: dict[str, Finder] = {
        "sverka": TermIndex.build(entries).find,
        "substring": substring_finder(entries),
        "weblate": substring_finder(entries, bounded=True),
        "prefix": prefix_finder(entries),
    }
    scores = {name: score(gold, find) for name, find in systems.items()}
    timing = speed(gold)
    ours = scores["sverka"]["strict"]
    goals = {"precision": ours["precision"] >= GOAL_PRECISION,
             "recall": ours["recall"] >= GOAL_RECALL,
             "document_under_1s": timing["cold"]["seconds"] < GOAL_SECONDS}
    if args.json:
        report = {"gold": {"entries": len(entries), "spans": scores["sverka"]["gold"],
                           "lines": sum(len(a["lines"]) for a in gold["articles"])},
                  "scores": {n: {k: v for k, v in s.items() if k != "errors" or args.errors}
                             for n, s in scores.items()},
                  "speed": timing, "goals": goals}
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 0
    lines = sum(len(a["lines"]) for a in gold["articles"])
    print(f"gold: {len(entries)} entries, {scores['sverka']['gold']} occurrences in {lines} "
          f"lines of {len(gold['articles'])} articles")
    print(f"{'system':<10} {'hits':>5}  {'strict P':>8} {'R':>6} {'F1':>6}   "
          f"{'overlap P':>9} {'R':>6} {'F1':>6}   distractors hit")
    for name, s in scores.items():
        st, ov = s["strict"], s["overlap"]
        print(f"{name:<10} {s['hits']:>5}  {st['precision']:>8.3f} {st['recall']:>6.3f} "
              f"{st['f1']:>6.3f}   {ov['precision']:>9.3f} {ov['recall']:>6.3f} "
              f"{ov['f1']:>6.3f}   {s['distractors']}")
    if args.errors:
        for name, s in scores.items():
            for error in s["errors"]:
                print(f"  {name}: {error}")
    t = timing
    print(f"speed: {t['entries']:,} entries, {t['segments']:,} segments ({t['words']:,} words, "
          f"{t['hits']:,} hits); build {t['build']['seconds']:.2f} s "
          f"({t['build']['cpu_seconds']:.2f} s CPU)")
    for kind in ("cold", "warm"):
        run = t[kind]
        print(f"  {kind}: {run['segments_per_s']:,} segments/s, document {run['seconds']:.3f} s "
              f"({run['cpu_seconds']:.3f} s CPU)")
    print(f"  a word unseen before costs {t['new_word_us']:.0f} µs CPU once (its readings); "
          f"this document has {t['distinct_words']:,} distinct words")
    print("goals: " + ", ".join(f"{k} {'met' if v else 'MISSED'}" for k, v in goals.items()))
    return 0 if all(goals.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
