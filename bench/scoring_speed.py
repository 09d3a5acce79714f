"""Benchmark: scoring a test set from Sverka's storage against sacrebleu alone on the files.

    python bench/scoring_speed.py --jobs 2   # human-readable lines
    python bench/scoring_speed.py --json     # one JSON object
    python bench/scoring_speed.py --bootstrap-only --jobs 2 --json   # CI's gate

The test set is WMT21 ru-en from ``../shared/eval/scoring/wmt21-ru-en/`` (its 1,000 lines
repeated, each copy its own documents, up to ``--segments``) when that folder exists, else a
generated one; ``--systems`` systems, reference A. Measured:

- *sacrebleu alone*: what its command line does for corpus and segment scores: read the
  files, metric objects with the references cached, ``corpus_score`` per system and
  ``sentence_score`` per segment (sentence BLEU with effective order);
- *Sverka*: ``score_testset`` on the stored test set: read the tracks from the database,
  compute corpus, document and segment scores, store them all (one transaction);
- the ratio of the two (goal ≤ 1.3), and paired bootstrap resampling of every system
  against the first (goal < 60 s for 10 systems and 1,000 resamples), scores and storage
  included;
- the bootstrap's anchor: sacrebleu's own ``PairedTest`` (what ``sacrebleu --paired-bs``
  runs) on the same systems from memory, BLEU and chrF, one process, measured just before
  and just after Sverka's run (the mean counts). Its TER statistics alone take about
  50 CPU s, too long for CI, so the anchor leaves TER out: it is a fixed workload of the
  same kind (Python and numpy resampling), not the same work. The CI gate is Sverka's
  bootstrap CPU seconds (workers included) ÷ the anchor's CPU seconds.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sacrebleu  # noqa: E402
from anchors import cpu_seconds, slowed  # noqa: E402 - bench/ is this script's own folder
from sacrebleu.significance import PairedTest  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from tm.db import make_engine, upgrade  # noqa: E402
from tm.models import Origin  # noqa: E402
from tm.scoring.evaluation import Evaluation, evaluate  # noqa: E402
from tm.scoring.lines import join_lines, read_docids, read_lines  # noqa: E402
from tm.scoring.metrics import parse_metrics  # noqa: E402
from tm.scoring.significance import paired_test  # noqa: E402
from tm.scoring.store import score_testset  # noqa: E402
from tm.scoring.testsets import TrackLines, get_testset, import_testset  # noqa: E402

WMT21 = ROOT.parent / "shared" / "eval" / "scoring" / "wmt21-ru-en"
GOAL_RATIO = 1.3
GOAL_BOOTSTRAP_S = 60.0
SACREBLEU_CLASSES: dict[str, Any] = {
    "bleu": sacrebleu.BLEU, "chrf": sacrebleu.CHRF, "ter": sacrebleu.TER,
    "chrf++": lambda **kw: sacrebleu.CHRF(word_order=2, **kw)}
WORDS = ("the minister said on monday that talks with the government would resume after "
         "a week of protests in the capital where police detained dozens of people").split()


def wmt21(segments: int, systems: int) -> dict[str, Any]:
    """WMT21 ru-en repeated to ``segments`` lines; each repetition's documents are new ones."""
    base = {"source": read_lines(WMT21 / "source.ru.txt"),
            "ref": read_lines(WMT21 / "ref.A.en.txt")}
    names = sorted(p.name.removesuffix(".en.txt") for p in (WMT21 / "systems").iterdir())
    for name in names[:systems]:
        base[name] = read_lines(WMT21 / "systems" / f"{name}.en.txt")
    ids = read_docids(WMT21 / "segments.tsv")
    size = len(ids)
    data: dict[str, Any] = {key: [lines[i % size] for i in range(segments)]
                            for key, lines in base.items()}
    data["docids"] = [f"{ids[i % size]}#{i // size}" for i in range(segments)]
    data["name"] = (f"WMT21 ru-en ref A, {size} lines repeated to {segments}"
                    if segments > size else f"WMT21 ru-en ref A, first {segments} lines")
    return data


def generated(segments: int, systems: int) -> dict[str, Any]:
    """A seeded synthetic test set: references of news words, systems that drop and swap."""
    rng = random.Random(7)
    ref = [" ".join(rng.choices(WORDS, k=rng.randint(8, 30))).capitalize() + "."
           for _ in range(segments)]
    data: dict[str, Any] = {"source": [f"Предложение {i}." for i in range(segments)],
                            "ref": ref, "docids": [f"doc{i // 10}" for i in range(segments)],
                            "name": f"generated, {segments} lines"}
    for n in range(systems):
        keep = 0.95 - n * 0.03
        data[f"sys{n}"] = [" ".join(w for w in line.split() if rng.random() < keep)
                           for line in ref]
    return data


# Worker processes count once they have ended (a pool is shut down before reading).
_cpu_seconds = cpu_seconds


class Clock:
    """Wall-clock and CPU seconds of this process and its ended workers since it was made.

    On a shared machine the wall clock measures the neighbours too; the CPU time does not,
    so ratios are given on both, and the bootstrap run's CPU seconds are printed too.
    """

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), _cpu_seconds()

    def read(self) -> tuple[float, float]:
        """Return (wall, cpu) seconds elapsed."""
        return time.perf_counter() - self.wall, _cpu_seconds() - self.cpu


def sacrebleu_alone(folder: Path, systems: list[str], metrics: list[str]
                    ) -> tuple[float, float]:
    """(wall, cpu) seconds sacrebleu needs for corpus and segment scores, from files."""
    clock = Clock()

    def read(name: str) -> list[str]:
        with open(folder / f"{name}.txt", encoding="utf-8", newline="\n") as handle:
            return [line.rstrip() for line in handle]

    refs = [read("ref")]
    hyps = {name: read(name) for name in systems}
    for key in metrics:
        corpus = SACREBLEU_CLASSES[key](references=refs)
        sentence = (SACREBLEU_CLASSES[key](effective_order=True) if key == "bleu"
                    else SACREBLEU_CLASSES[key]())
        for lines in hyps.values():
            corpus.corpus_score(lines, None)
            for hyp, ref in zip(lines, refs[0], strict=True):
                sentence.sentence_score(hyp, [ref])
    return clock.read()


def sacrebleu_bootstrap(data: dict[str, Any], systems: list[str], samples: int
                        ) -> tuple[float, float]:
    """(wall, cpu) seconds of sacrebleu's own paired bootstrap, BLEU and chrF (the anchor)."""
    clock = Clock()
    refs = [data["ref"]]
    metrics = {"BLEU": sacrebleu.BLEU(references=refs), "chrF2": sacrebleu.CHRF(references=refs)}
    before = os.environ.get("SACREBLEU_SEED")
    os.environ["SACREBLEU_SEED"] = "12345"  # sacrebleu's default, as tm.scoring uses it
    try:
        PairedTest([(name, data[name]) for name in systems], metrics,  # type: ignore[arg-type]
                   references=None, test_type="bs", n_samples=samples)()
    finally:
        if before is None:
            del os.environ["SACREBLEU_SEED"]
        else:
            os.environ["SACREBLEU_SEED"] = before
    return clock.read()


def statistics_only(folder: Path, systems: list[str], metrics: list[str]
                    ) -> tuple[tuple[float, float], Evaluation, dict[str, list[str]]]:
    """(wall, cpu) seconds of Sverka's computation on the files (no database): a lower bound."""
    clock = Clock()
    refs = [read_lines(folder / "ref.txt")]
    hyps = {name: read_lines(folder / f"{name}.txt") for name in systems}
    evaluation = evaluate(hyps, refs, metrics=metrics, tgt_lang="en", groups=None)
    return clock.read(), evaluation, hyps


def bootstrap_only(evaluation: Evaluation, hyps: dict[str, list[str]], samples: int,
                   jobs: int) -> float:
    """Seconds for the paired bootstrap alone, given the statistics the scores came from."""
    start = time.perf_counter()
    paired_test(list(hyps.items()), list(evaluation.scorers.values()), samples=samples,
                jobs=jobs, statistics=evaluation.statistics)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--segments", type=int, default=2000)
    parser.add_argument("--systems", type=int, default=10)
    parser.add_argument("--metrics", default="bleu,chrf,ter")
    parser.add_argument("--samples", type=int, default=1000, help="bootstrap resamples")
    parser.add_argument("--jobs", type=int, default=1,
                        help="worker processes for the bootstrap run (the ratio uses one)")
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--no-bootstrap", action="store_true")
    parser.add_argument("--bootstrap-only", action="store_true",
                        help="measure only the bootstrap run and its anchor (no scoring ratio)")
    parser.add_argument("--no-anchor", action="store_true",
                        help="skip sacrebleu's paired bootstrap beside the bootstrap run")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    metrics = parse_metrics(args.metrics)
    data = (wmt21 if WMT21.is_dir() else generated)(args.segments, args.systems)
    systems = [k for k in data if k not in ("source", "ref", "docids", "name")]

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for key in ("ref", *systems):
            (folder / f"{key}.txt").write_text(join_lines(data[key]), encoding="utf-8")
        engine = make_engine(args.db or f"sqlite:///{folder / 'bench.sqlite3'}")
        upgrade(engine)
        start = time.perf_counter()
        with Session(engine) as session, session.begin():
            import_testset(session, "bench", source=data["source"], doc_ids=data["docids"],
                           tracks=[TrackLines("bench:ref", data["ref"], Origin.HUMAN)]
                           + [TrackLines(f"bench:{s}", data[s], Origin.MACHINE)
                              for s in systems])
        import_s = time.perf_counter() - start

        tracks = [f"bench:{s}" for s in systems]
        ratio = None
        if not args.bootstrap_only:
            alone = sacrebleu_alone(folder, systems, metrics)
            stats, evaluation, hyps = statistics_only(folder, systems, metrics)
            clock = Clock()
            with Session(engine) as session, session.begin():
                score_testset(session, get_testset(session, "bench"), references=["bench:ref"],
                              systems=tracks, metrics=metrics)
            ratio = (alone, stats, clock.read())
        bootstrap_s = bootstrap_cpu = bootstrap_only_s = None
        anchors: list[tuple[float, float]] = []
        if not args.no_bootstrap:
            if ratio is not None:
                bootstrap_only_s = bootstrap_only(evaluation, hyps, args.samples, args.jobs)
            if not args.no_anchor:
                anchors.append(sacrebleu_bootstrap(data, systems, args.samples))
            clock = Clock()
            with Session(engine) as session, session.begin():
                slowed(lambda: score_testset(
                    session, get_testset(session, "bench"), references=["bench:ref"],
                    systems=tracks, metrics=metrics, test="bs", samples=args.samples,
                    jobs=args.jobs))
            bootstrap_s, bootstrap_cpu = clock.read()
            if not args.no_anchor:
                anchors.append(sacrebleu_bootstrap(data, systems, args.samples))
        engine.dispose()

    result: dict[str, Any] = {
        "data": data["name"], "segments": args.segments, "systems": len(systems),
        "metrics": metrics, "database": engine.dialect.name, "import_s": round(import_s, 2)}
    if ratio is not None:
        (alone_s, alone_cpu), (stats_s, stats_cpu), (sverka_s, sverka_cpu) = ratio
        result.update({
            "sacrebleu_s": round(alone_s, 2), "statistics_only_s": round(stats_s, 2),
            "sverka_s": round(sverka_s, 2), "sacrebleu_cpu_s": round(alone_cpu, 2),
            "statistics_only_cpu_s": round(stats_cpu, 2), "sverka_cpu_s": round(sverka_cpu, 2),
            "ratio": round(sverka_s / alone_s, 3),
            "ratio_cpu": round(sverka_cpu / alone_cpu, 3), "ratio_goal": GOAL_RATIO,
            # Against the same computation on files: what storage (read + write) costs.
            "ratio_to_statistics_only_cpu": round(sverka_cpu / stats_cpu, 3)})
    result.update({
        "bootstrap_s": None if bootstrap_s is None else round(bootstrap_s, 2),
        # CPU seconds of that run, its worker processes included.
        "bootstrap_cpu_s": None if bootstrap_cpu is None else round(bootstrap_cpu, 2),
        # The test alone, on the statistics the scores were computed from (resampling only).
        "bootstrap_only_s": None if bootstrap_only_s is None else round(bootstrap_only_s, 2),
        "jobs": args.jobs,
        "bootstrap_samples": args.samples, "bootstrap_goal_s": GOAL_BOOTSTRAP_S})
    if anchors and bootstrap_s is not None and bootstrap_cpu is not None:
        anchor_s = sum(a[0] for a in anchors) / len(anchors)
        anchor_cpu = sum(a[1] for a in anchors) / len(anchors)
        result.update({
            # sacrebleu's PairedTest, BLEU + chrF, before and after (each, then the mean).
            "sacrebleu_bootstrap_s": round(anchor_s, 2),
            "sacrebleu_bootstrap_cpu_s": round(anchor_cpu, 2),
            "sacrebleu_bootstrap_cpu_s_each": [round(a[1], 2) for a in anchors],
            "bootstrap_to_sacrebleu_bootstrap": round(bootstrap_s / anchor_s, 3),
            "bootstrap_cpu_to_sacrebleu_bootstrap_cpu": round(bootstrap_cpu / anchor_cpu, 3)})
    if args.json:
        print(json.dumps(result))
        return
    print(f"test set: {result['data']}; {len(systems)} systems; metrics {', '.join(metrics)}; "
          f"{result['database']}")
    print(f"import (source, reference, systems): {import_s:.2f} s")
    if ratio is not None:
        print(f"sacrebleu alone, corpus + segment scores from files: {alone_s:.2f} s "
              f"(CPU {alone_cpu:.2f} s)")
        print(f"  Sverka's computation on the files, no database: {stats_s:.2f} s "
              f"(CPU {stats_cpu:.2f} s)")
        print(f"Sverka from storage, test set + documents + segments, stored: "
              f"{sverka_s:.2f} s (CPU {sverka_cpu:.2f} s)")
        print(f"ratio Sverka / sacrebleu: {sverka_s / alone_s:.3f} wall, "
              f"{sverka_cpu / alone_cpu:.3f} CPU (goal ≤ {GOAL_RATIO}); "
              f"Sverka / its computation on files: {sverka_cpu / stats_cpu:.3f} CPU")
    if bootstrap_s is not None:
        alone_test = ("" if bootstrap_only_s is None
                      else f"; the test alone: {bootstrap_only_s:.2f} s")
        print(f"paired bootstrap, {args.samples} resamples, {len(systems)} systems, "
              f"{args.jobs} job(s), scores and storage included: {bootstrap_s:.2f} s "
              f"(CPU {bootstrap_cpu:.2f} s; goal < {GOAL_BOOTSTRAP_S:.0f} s){alone_test}")
    if "sacrebleu_bootstrap_cpu_s" in result:
        print(f"  anchor, sacrebleu's paired bootstrap (BLEU, chrF; mean of before and after): "
              f"{result['sacrebleu_bootstrap_s']:.2f} s (CPU "
              f"{result['sacrebleu_bootstrap_cpu_s']:.2f} s); Sverka ÷ anchor: "
              f"{result['bootstrap_to_sacrebleu_bootstrap']:.3f} wall, "
              f"{result['bootstrap_cpu_to_sacrebleu_bootstrap_cpu']:.3f} CPU")


if __name__ == "__main__":
    main()
