"""A longer fuzz session than CI's: the same targets as tests/test_fuzz.py, fresh randomness.

Prints, per target, how many inputs it tried and the seconds it took.
Exit 1 if any input raised something other than Sverka's own error or hung; Hypothesis
prints the smallest such input it found.

    .venv/bin/python bench/fuzz.py --examples 5000
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from tests import fuzzing  # noqa: E402
from tests.tmx_samples import tmx, tu  # noqa: E402
from tm.db import make_engine, upgrade  # noqa: E402
from tm.memory import import_tmx  # noqa: E402


def _run(name: str, strategy: st.SearchStrategy[Any], target: Callable[[Any], object],
         examples: int, fixed_seed: int | None) -> dict[str, Any]:
    tried = 0

    def once(value: Any) -> None:
        nonlocal tried
        tried += 1
        target(value)

    test = settings(max_examples=examples, database=None,
                    deadline=dt.timedelta(seconds=fuzzing.PER_INPUT_SECONDS),
                    suppress_health_check=list(HealthCheck))(given(strategy)(once))
    if fixed_seed is not None:
        test = seed(fixed_seed)(test)
    started = time.perf_counter()
    ok = True
    try:
        test()
    except Exception as error:  # the failure Hypothesis shrank, printed above it
        ok = False
        print(f"{name}: FAILED: {type(error).__name__}: {error}", file=sys.stderr)
    return {"target": name, "inputs": tried, "ok": ok,
            "seconds": round(time.perf_counter() - started, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=5000, help="inputs per target")
    parser.add_argument("--seed", type=int, help="a fixed seed, to repeat a session")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/fuzz.sqlite")
        upgrade(engine)
        seed_file = Path(folder) / "seed.tmx"
        seed_file.write_text(tmx(tu("Один.", "One.") + tu("Два.", "Two.")), encoding="utf-8")
        with Session(engine) as session:
            import_tmx(session, seed_file, memory="fuzz")
            session.flush()
            targets: list[tuple[str, st.SearchStrategy[Any], Callable[[Any], object]]] = [
                ("tmx_reader", fuzzing.tmx_inputs(), fuzzing.read_tmx_bytes),
                ("article_decoder", fuzzing.article_inputs(),
                 lambda case: fuzzing.read_article(*case)),
                ("segmenter", fuzzing.texts(), fuzzing.segment),
                ("tmx_import_refused", fuzzing.mutated(fuzzing.TMX_SEEDS),
                 lambda data: fuzzing.import_refused_changes_nothing(session, data)),
            ]
            results = [_run(name, strategy, target, args.examples, args.seed)
                       for name, strategy, target in targets]
            session.rollback()
        engine.dispose()
    total = {"inputs": sum(r["inputs"] for r in results),
             "seconds": round(sum(r["seconds"] for r in results), 1),
             "ok": all(r["ok"] for r in results)}
    if args.json:
        print(json.dumps({"targets": results, **total}))
    else:
        for r in results:
            print(f"{r['target']:<20} {r['inputs']:>7,} inputs  {r['seconds']:>7.1f} s  "
                  f"{'ok' if r['ok'] else 'FAILED'}")
        print(f"{'total':<20} {total['inputs']:>7,} inputs  {total['seconds']:>7.1f} s")
    return 0 if total["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
