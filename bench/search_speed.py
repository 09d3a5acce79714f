#!/usr/bin/env python3
"""Fuzzy lookup speed and recall at 100k–1M units, on SQLite and PostgreSQL.

Generates a memory of N realistic Russian sentences (8–40 words drawn from a Zipfian
vocabulary of ~60,000 pseudo-Russian word forms with real endings, function words on top,
numbers and commas here and there) and queries made by editing memory sentences (words
replaced, inserted, deleted, numbers changed) so a best match of at least 75% exists.
Measures, on a fresh database per size and engine:

- index build: writing every unit's keys (``tm.search.reindex``) and loading the in-process
  index from them (what the first lookup after a restart pays);
- lookup latency, warm: ``tm.search.fuzzy(min_score=75, limit=5)`` p50/p95/max;
- recall: share of queries whose best match is as good as the brute-force best (rapidfuzz
  word-level Levenshtein over all units, the same ``base`` the score starts from);
- incremental: a unit added after the index is loaded is found by the next lookup.

    python bench/search_speed.py                                   # 100k and 1M, SQLite
    python bench/search_speed.py --sizes 100000 --queries 300
    python bench/search_speed.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test
    python bench/search_speed.py --json
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rapidfuzz import process  # noqa: E402
from rapidfuzz.distance import Levenshtein  # noqa: E402
from sqlalchemy import insert  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from tm.db import make_engine, scratch_database, upgrade  # noqa: E402
from tm.memory import get_or_create_memory  # noqa: E402
from tm.memory.tmx_rows import source_key  # noqa: E402
from tm.models import MemoryUnit  # noqa: E402
from tm.search import fuzzy, index_units, reindex  # noqa: E402
from tm.search.index import index_keys  # noqa: E402
from tm.search.score import text_score  # noqa: E402

MIN_SCORE = 75
FUNCTION_WORDS = ("в и на не что с по о к из за от для как это а но его до же у при так "
                  "также было был была были он она они мы уже после только более года "
                  "его ее их которые который которая может время при этом том").split()
ONSETS = ("б в г д ж з к л м н п р с т ф х ц ч ш щ бр вр гр др кр пр тр ст сп ск зв гл пл "
          "кл сл мл бл вл вз пр").split()
VOWELS = "а о у и е ы я ю".split()
NOUN_ENDINGS = ["", "а", "у", "ом", "е", "ы", "ов", "ам", "ами", "ах", "ия", "ии", "ие",
                "ий", "ию", "ость", "ости", "ение", "ения", "ением", "ении", "ств", "ство",
                "ства"]
VERB_ENDINGS = ["ать", "ает", "ают", "ал", "ала", "али", "ил", "ила", "или", "ить", "ит",
                "ят", "ет", "ут", "ется", "ются", "ался", "алась"]
ADJ_ENDINGS = ["ый", "ая", "ое", "ые", "ого", "ой", "ому", "ым", "ых", "ыми", "ий", "ей",
               "ого", "ему"]


def vocabulary(rng: np.random.Generator, lemmas: int = 12_000) -> list[str]:
    """Return word forms in Zipf rank order: function words, then inflected pseudo-words."""
    forms: list[str] = list(dict.fromkeys(FUNCTION_WORDS))
    seen = set(forms)
    for _ in range(lemmas):
        stem = "".join(rng.choice(ONSETS) + rng.choice(VOWELS)
                       for _ in range(int(rng.integers(1, 4)))) + rng.choice(list("нтрлвкмсд"))
        endings = [NOUN_ENDINGS, VERB_ENDINGS, ADJ_ENDINGS][int(rng.integers(0, 3))]
        for ending in rng.choice(endings, size=min(len(endings), 5), replace=False):
            form = stem + str(ending)
            if form not in seen:
                seen.add(form)
                forms.append(form)
    return forms


def sentences(count: int, seed: int = 7) -> Iterator[str]:
    """Yield ``count`` sentences of 8–40 words, Zipfian (s = 1.05) over the vocabulary."""
    rng = np.random.default_rng(seed)
    vocab = vocabulary(rng)
    weights = 1.0 / np.arange(1, len(vocab) + 1) ** 1.05
    weights /= weights.sum()
    chunk = 10_000
    for start in range(0, count, chunk):
        n = min(chunk, count - start)
        lengths = rng.integers(8, 41, size=n)
        words = rng.choice(len(vocab), size=int(lengths.sum()), p=weights)
        at = 0
        for length in lengths.tolist():
            picked = [vocab[i] for i in words[at:at + length]]
            at += length
            if rng.random() < 0.3:
                picked[int(rng.integers(0, length))] = str(int(rng.integers(1, 2030)))
            if rng.random() < 0.4:
                spot = int(rng.integers(1, length))
                picked[spot - 1] += ","
            yield " ".join(picked).capitalize() + "."


def edit(sentence: str, rng: np.random.Generator, vocab_sample: list[str]) -> str:
    """Return ``sentence`` with a few words replaced, inserted or deleted (≥ 75% kept)."""
    words = sentence.rstrip(".").split()
    budget = max(1, int(len(words) * 0.22))
    for _ in range(int(rng.integers(1, budget + 1))):
        action = rng.choice(["replace", "insert", "delete", "number"])
        at = int(rng.integers(0, len(words)))
        if action == "replace":
            words[at] = str(rng.choice(vocab_sample))
        elif action == "insert":
            words.insert(at, str(rng.choice(vocab_sample)))
        elif action == "delete" and len(words) > 8:
            del words[at]
        else:
            words[at] = str(int(rng.integers(1, 2030)))
    return " ".join(words) + "."


def database(engine_name: str, postgres: str | None,
             directory: Path) -> AbstractContextManager[str]:
    """A fresh database (dropped afterwards on PostgreSQL)."""
    return scratch_database(directory, None if engine_name == "sqlite" else postgres,
                            prefix="sverka_bench")


def fill(url: str, units: list[str]) -> None:
    """Store ``units`` as a memory's units (not indexed: the build is measured apart)."""
    engine = make_engine(url)
    upgrade(engine)
    now = dt.datetime.now(dt.UTC)
    with Session(engine) as session, session.begin():
        memory = get_or_create_memory(session, "bench")
        for start in range(0, len(units), 20_000):
            session.execute(insert(MemoryUnit), [
                {"memory_id": memory.id, "src_lang": "ru", "tgt_lang": "en", "source": s,
                 "target": f"translation {start + i}", "source_key": source_key(s),
                 "imported_at": now} for i, s in enumerate(units[start:start + 20_000])])
    engine.dispose()


def encode(text: str, codes: dict[int, str]) -> str:
    """Return the word keys of ``text`` as one character per word, for rapidfuzz."""
    return "".join(codes.get(k) or codes.setdefault(k, chr(0x10000 + len(codes)))
                   for k in index_keys(text))


def run(engine_name: str, url: str, size: int, queries: int, brute: int,
        seed: int) -> dict[str, Any]:
    """Measure one size on one engine."""
    started = time.perf_counter()
    units = list(sentences(size, seed))
    generated = time.perf_counter() - started
    started = time.perf_counter()
    fill(url, units)
    stored = time.perf_counter() - started

    engine = make_engine(url)
    started = time.perf_counter()
    with Session(engine) as session, session.begin():
        reindex(session)
    build_keys = time.perf_counter() - started
    started = time.perf_counter()
    with Session(engine) as session:
        fuzzy(session, units[0], min_score=MIN_SCORE)  # loads the in-process index
    build_load = time.perf_counter() - started

    rng = np.random.default_rng(seed + 1)
    vocab_sample = list(dict.fromkeys(w.strip(",.").lower() for w in units[:2000]
                                      for w in w.split()))
    picked = rng.choice(len(units), size=queries, replace=False)
    query_texts = [edit(units[i], rng, vocab_sample) for i in picked]
    latencies, results = [], []
    with Session(engine) as session:
        fuzzy(session, query_texts[0], min_score=MIN_SCORE)
        for query in query_texts:
            t0 = time.perf_counter()
            matches = fuzzy(session, query, min_score=MIN_SCORE, limit=5)
            latencies.append((time.perf_counter() - t0) * 1000)
            results.append(max((text_score(query, m.source).base for m in matches), default=0))

    codes: dict[int, str] = {}
    started = time.perf_counter()
    choices = [encode(u, codes) for u in units]
    encode_s = time.perf_counter() - started
    found = checked = 0
    brute_ms = []
    for query, best in list(zip(query_texts, results, strict=True))[:brute]:
        t0 = time.perf_counter()
        top = process.extractOne(encode(query, codes), choices,
                                 scorer=Levenshtein.normalized_similarity,
                                 score_cutoff=MIN_SCORE / 100)
        brute_ms.append((time.perf_counter() - t0) * 1000)
        if top is None:
            continue
        true_best = text_score(query, units[top[2]]).base
        checked += 1
        found += best >= true_best

    with Session(engine) as session, session.begin():  # incremental: findable at once
        memory = get_or_create_memory(session, "bench")
        fresh = "Совершенно новое предложение о бенчмарке поиска по памяти переводов."
        unit = MemoryUnit(memory_id=memory.id, src_lang="ru", tgt_lang="en", source=fresh,
                          target="new", source_key=source_key(fresh))
        session.add(unit)
        session.flush()
        t0 = time.perf_counter()
        index_units(session, unit_ids=[unit.id])
        add_ms = (time.perf_counter() - t0) * 1000
    with Session(engine) as session:
        incremental = [m.target for m in fuzzy(session, fresh)] == ["new"]
    engine.dispose()
    latencies.sort()
    return {
        "engine": engine_name, "units": size, "queries": queries,
        "generate_s": round(generated, 1), "store_s": round(stored, 1),
        "build_keys_s": round(build_keys, 1), "build_load_s": round(build_load, 1),
        "build_s": round(build_keys + build_load, 1),
        "p50_ms": round(statistics.median(latencies), 2),
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 2),
        "max_ms": round(latencies[-1], 2),
        "recall": round(found / checked, 4) if checked else None,
        "recall_queries": checked,
        "brute_force_p50_ms": round(statistics.median(brute_ms), 1) if brute_ms else None,
        "brute_force_encode_s": round(encode_s, 1),
        "add_unit_ms": round(add_ms, 2), "incremental_ok": incremental,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000",
                        help="comma-separated memory sizes (default: 100000,1000000)")
    parser.add_argument("--queries", type=int, default=300, help="timed lookups per size")
    parser.add_argument("--brute", type=int, default=100,
                        help="queries checked against the brute-force scan (recall)")
    parser.add_argument("--postgres", metavar="URL",
                        help="also run on PostgreSQL (a database is created and dropped)")
    parser.add_argument("--no-sqlite", action="store_true", help="only PostgreSQL")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="print one JSON line per run")
    args = parser.parse_args()
    engines = ([] if args.no_sqlite else ["sqlite"]) + (["postgresql"] if args.postgres else [])
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            for name in engines:
                with database(name, args.postgres, Path(tmp)) as url:
                    result = run(name, url, size, args.queries, min(args.brute, args.queries),
                                 args.seed)
                if args.json:
                    print(json.dumps(result), flush=True)
                else:
                    print(f"{name:10} {size:>9,} units: build {result['build_s']} s "
                          f"(keys {result['build_keys_s']} s + load {result['build_load_s']} "
                          f"s); lookup p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, "
                          f"max {result['max_ms']} ms; recall {result['recall']} "
                          f"({result['recall_queries']} queries; brute force p50 "
                          f"{result['brute_force_p50_ms']} ms); new unit findable: "
                          f"{result['incremental_ok']}", flush=True)


if __name__ == "__main__":
    main()
