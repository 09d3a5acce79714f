"""Server time of the documents list at 10,000 documents, against the same list at 100.

Builds, in a fresh SQLite database, N articles (10,000 by default) of S one-line segments
(10) with a human translation of each, their statuses spread over draft to approved, and a
test set of 100 documents; then renders pages of the list through the Flask test client
(server time, no network) as a logged-in viewer: the first page, a deep page, a title
search, one track's progress, one test set's documents. Each URL R times (20); printed are
p50 and p95 in ms, CPU included, and beside each the same URL on a database of 100 articles
built the same way in the same run: ``ratio_cpu_p95`` is the p95 of CPU time at N ÷ that
at 100, so the figure travels between machines (a list that read every document would
grow 100×). The CI gate is the first page's ratio.

    python bench/documents_list.py [--documents 10000] [--repeat 20] [--json] [--check]
"""
from __future__ import annotations

import argparse
import json
import secrets
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from tm.accounts import create_user  # noqa: E402
from tm.db import make_engine, upgrade  # noqa: E402
from tm.ingest.importer import create_line_documents  # noqa: E402
from tm.models import Origin, Role, Segment, Status, TestSet  # noqa: E402
from tm.scoring.testsets import TrackLines, import_testset  # noqa: E402
from tm.translations import add_track_texts, get_or_create_track  # noqa: E402
from web import create_app  # noqa: E402

REFERENCE_DOCUMENTS = 100
SEGMENTS = 10
TEST_SET_DOCUMENTS = 100
STATUSES = (Status.DRAFT, Status.TRANSLATED, Status.REVIEWED, Status.APPROVED)
APPROVED_EVERY = 100
# The first page at 10,000 documents within this many times its time at 100 (measured
# 1.0-1.3: it reads one page's documents, whatever the total).
FIRST_PAGE_RATIO_MAX = 2.0


def _status(article: int) -> Status:
    if article % APPROVED_EVERY == 0:
        return Status.APPROVED
    return STATUSES[article % 3]


def build(url: str, documents: int) -> int:
    """Store the articles, their translations and the test set; return the viewer's id."""
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as session:
        stored, segment_ids = create_line_documents(
            session, [(f"Статья {n:05} о погоде", SEGMENTS) for n in range(documents)],
            [f"Предложение {n} о погоде в Новосибирске." for n in range(documents * SEGMENTS)],
            src_lang="ru", tgt_lang="en", source_format="text", source_name="bench")
        track = get_or_create_track(session, "human")
        # Each article's segments all at one status: a third of the articles each draft,
        # translated and reviewed, one in APPROVED_EVERY approved (an approved translation
        # enters the memory and its index one at a time, which would make the build slow).
        for status in STATUSES:
            texts = [(segment_id, f"Sentence {segment_id} about the weather.")
                     for n, segment_id in enumerate(segment_ids)
                     if _status(n // SEGMENTS) is status]
            add_track_texts(session, track, texts, lang="en", status=status)
        import_testset(session, "bench-set",
                       source=[f"Тест {n}." for n in range(TEST_SET_DOCUMENTS * 2)],
                       doc_ids=[str(n // 2) for n in range(TEST_SET_DOCUMENTS * 2)],
                       tracks=[TrackLines("ref", [f"Test {n}." for n in
                                                  range(TEST_SET_DOCUMENTS * 2)],
                                          Origin.SUPPLIED)])
        viewer = create_user(session, "bench", role=Role.VIEWER, password=None)
        session.commit()
        assert session.scalar(select(Segment.id).limit(1)) is not None and stored
        viewer_id = viewer.id
    engine.dispose()
    return viewer_id


def _urls(documents: int, test_set_id: int) -> dict[str, str]:
    return {"first page": "/", "deep page": f"/?page={max(1, documents // 100)}",
            "title search": "/?q=погоде&kind=all",
            "one track's progress": "/?track=human&progress=approved",
            "a test set's documents": f"/?test_set={test_set_id}"}


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def measure(documents: int, repeat: int) -> dict[str, dict[str, float]]:
    """Build a database of ``documents`` articles and time each list URL on it."""
    with tempfile.TemporaryDirectory(prefix="sverka-bench-") as folder:
        url = f"sqlite:///{folder}/bench.sqlite3"
        started = time.perf_counter()
        viewer_id = build(url, documents)
        build_s = time.perf_counter() - started
        app = create_app({"DATABASE_URL": url, "CSRF_ENABLED": False, "TESTING": True,
                          "SECRET_KEY": secrets.token_urlsafe(32)})
        engine = app.extensions["sverka_engine"]
        with Session(engine) as session:
            test_set_id = session.scalar(select(TestSet.id))
        assert test_set_id is not None
        client = app.test_client()
        with client.session_transaction() as cookie:  # what a login leaves in the session
            cookie["_user_id"], cookie["_fresh"] = f"{viewer_id}.0", True
        out: dict[str, dict[str, float]] = {"build": {"seconds": round(build_s, 1)}}
        for name, path in _urls(documents, test_set_id).items():
            response = client.get(path)  # warm: templates compiled, caches filled
            assert response.status_code == 200, (path, response.status_code)
            walls, cpus = [], []
            for _ in range(repeat):
                wall, cpu = time.perf_counter(), time.process_time()
                client.get(path)
                walls.append((time.perf_counter() - wall) * 1000)
                cpus.append((time.process_time() - cpu) * 1000)
            out[name] = {"p50_ms": round(_percentile(walls, 0.5), 1),
                         "p95_ms": round(_percentile(walls, 0.95), 1),
                         "cpu_p50_ms": round(_percentile(cpus, 0.5), 1),
                         "cpu_p95_ms": round(_percentile(cpus, 0.95), 1)}
        engine.dispose()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--documents", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--check", action="store_true",
                    help=f"exit 1 unless the first page's ratio is ≤ {FIRST_PAGE_RATIO_MAX}")
    args = ap.parse_args()
    reference = measure(REFERENCE_DOCUMENTS, args.repeat)
    large = measure(args.documents, args.repeat)
    result: dict[str, Any] = {"documents": args.documents,
                              "reference_documents": REFERENCE_DOCUMENTS,
                              "segments_per_document": SEGMENTS, "repeat": args.repeat,
                              "build_s": large.pop("build")["seconds"], "pages": {}}
    reference.pop("build")
    for name, figures in large.items():
        result["pages"][name] = {
            **figures, "reference_p95_ms": reference[name]["p95_ms"],
            "ratio_cpu_p95": round(
                figures["cpu_p95_ms"] / max(reference[name]["cpu_p95_ms"], 0.1), 2)}
    first = result["pages"]["first page"]["ratio_cpu_p95"]
    result["first_page_ratio_max"] = FIRST_PAGE_RATIO_MAX
    result["first_page_within"] = first <= FIRST_PAGE_RATIO_MAX
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{args.documents:,} articles of {SEGMENTS} segments and a test set of "
              f"{TEST_SET_DOCUMENTS} documents (built in {result['build_s']} s); "
              f"against {REFERENCE_DOCUMENTS} articles")
        for name, f in result["pages"].items():
            print(f"  {name:<24} p50 {f['p50_ms']:>7} ms  p95 {f['p95_ms']:>7} ms  "
                  f"(cpu p95 {f['cpu_p95_ms']} ms; {f['ratio_cpu_p95']}× the p95 at "
                  f"{REFERENCE_DOCUMENTS})")
        print(f"first page within {FIRST_PAGE_RATIO_MAX}× of {REFERENCE_DOCUMENTS} documents: "
              f"{'yes' if result['first_page_within'] else 'NO'}")
    return 1 if args.check and not result["first_page_within"] else 0


if __name__ == "__main__":
    sys.exit(main())
