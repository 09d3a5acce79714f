"""How long a large TMX import holds SQLite's one write lock (issue 14, item 5).

Generates a TMX file of about ``--mb`` megabytes (200 by default), then imports it with
``sverka import-tmx`` in a subprocess into a fresh SQLite database while this process probes
the lock: every ``--every-ms`` it tries ``BEGIN IMMEDIATE`` without waiting, as a save in the
editor would. It prints the import's time, the longest stretch the probe found the lock
taken, and what share of the import that was; a save waits at most ``BUSY_TIMEOUT_S`` (3 s)
and then gets a 503 with Retry-After.

    python bench/lock_hold.py [--mb 200] [--every-ms 20] [--json]
"""
from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from tmx_speed import generate  # noqa: E402 - after the path set-up above

from tm.db import make_engine, upgrade  # noqa: E402

BYTES_PER_UNIT = 726  # what generate() writes per unit, on average


def probe(database: Path, process: subprocess.Popen[bytes], every_s: float) -> list[float]:
    """Return the lengths of the stretches the write lock was taken while ``process`` ran."""
    connection = sqlite3.connect(database, timeout=0, isolation_level=None)
    stretches: list[float] = []
    taken_since: float | None = None
    while process.poll() is None:
        now = time.monotonic()
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("ROLLBACK")
            if taken_since is not None:
                stretches.append(now - taken_since)
                taken_since = None
        except sqlite3.OperationalError:  # database is locked
            if taken_since is None:
                taken_since = now
        time.sleep(every_s)
    if taken_since is not None:
        stretches.append(time.monotonic() - taken_since)
    connection.close()
    return stretches


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=200)
    parser.add_argument("--every-ms", type=float, default=20)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sverka-lock-") as folder:
        tmx, database = Path(folder) / "big.tmx", Path(folder) / "lock.sqlite3"
        generate(tmx, max(1, int(args.mb * 1e6 / BYTES_PER_UNIT)))
        engine = make_engine(f"sqlite:///{database}")
        upgrade(engine)
        engine.dispose()
        started = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "-m", "tm.cli", "--db", f"sqlite:///{database}", "import-tmx",
             str(tmx), "--memory", "big", "--json"], stdout=subprocess.PIPE)
        stretches = probe(database, process, args.every_ms / 1000)
        elapsed = time.monotonic() - started
        output, _ = process.communicate()
        assert process.returncode == 0, output
        report = json.loads(output)
        result = {"file_mb": round(tmx.stat().st_size / 1e6, 1), "units": report["imported"],
                  "import_s": round(elapsed, 1),
                  "longest_lock_hold_s": round(max(stretches, default=0.0), 1),
                  "lock_held_s": round(sum(stretches), 1),
                  "lock_share": round(sum(stretches) / elapsed, 3)}
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"import of {result['file_mb']} MB ({result['units']} units) in "
          f"{result['import_s']} s; the write lock was held {result['lock_held_s']} s in all, "
          f"{result['longest_lock_hold_s']} s at the longest "
          f"({result['lock_share']:.0%} of the import)")


if __name__ == "__main__":
    main()
