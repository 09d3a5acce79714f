"""Server time of the bilingual editor on a large document, on SQLite.

Builds a document of N segments (5,000 by default) with a translation for each in a fresh
SQLite database, then times, through the Flask test client (so: server time, no network):

* saving one segment (``PUT /api/translations/<id>`` with text, status and expected version),
  R times on different segments, as a logged-in reviewer (a session cookie): median, p95 and
  max — the target is p95 < 50 ms; and the same saves with an API token (``Bearer``);
* opening the editor page (one page of 100 units out of N) and filtering it by warning.

    python bench/editor_save.py [--segments 5000] [--saves 300] [--json]
"""
from __future__ import annotations

import argparse
import json
import random
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy.orm import Session  # noqa: E402

from tm.accounts import create_user  # noqa: E402
from tm.accounts.tokens import create_token  # noqa: E402
from tm.db import make_engine, upgrade  # noqa: E402
from tm.ingest import Article, create_document  # noqa: E402
from tm.models import Role, Status  # noqa: E402
from tm.translations import add_translation, get_or_create_track  # noqa: E402
from web import create_app  # noqa: E402

TARGET_P95_MS = 50.0
SENTENCES_PER_PARAGRAPH = 5


def build(url: str, segments: int) -> tuple[int, list[int], int, str]:
    """Create the document and its translations, and a reviewer with an API token; return
    the document's id, the translation ids, the reviewer's id and the token's secret."""
    engine = make_engine(url)
    upgrade(engine)
    paragraphs = tuple(
        " ".join(f"В {p * SENTENCES_PER_PARAGRAPH + s + 1}-м предложении говорится о погоде "
                 f"в Новосибирске." for s in range(SENTENCES_PER_PARAGRAPH))
        for p in range(segments // SENTENCES_PER_PARAGRAPH))
    with Session(engine) as session:
        result = create_document(session, Article(paragraphs=paragraphs, source_name="bench",
                                                  source_format="text"))
        track = get_or_create_track(session, "human")
        ids = []
        for segment in result.document.segments:
            translation = add_translation(
                session, segment, track, f"Sentence {segment.position + 1} is about the "
                "weather in Novosibirsk.", lang="en", status=Status.TRANSLATED, author="bench")
            ids.append(translation.id)
        reviewer = create_user(session, "bench", role=Role.REVIEWER, password=None)
        _token, secret = create_token(session, reviewer, "bench")
        session.commit()
        document_id, user = result.document.id, (reviewer.id, reviewer.credentials)
    engine.dispose()
    return document_id, ids, user[0], secret


def time_saves(client: Any, ids: list[int], versions: dict[int, int], saves: int, seed: int,
               headers: dict[str, str]) -> list[float]:
    """Save ``saves`` random segments; return each save's server time in ms."""
    rng = random.Random(seed)
    times = []
    for n in range(saves):
        tid = rng.choice(ids)
        body = {"text": f"Edited sentence {n} ({seed}) about the weather.", "status": "reviewed",
                "expected_version": versions[tid]}
        started = time.perf_counter()
        response = client.put(f"/api/translations/{tid}", json=body, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.get_data(as_text=True)
        versions[tid] = response.get_json()["translation"]["version"]
    return times


def summary(times: list[float]) -> dict[str, float]:
    """Median, p95 and max of ``times``, rounded."""
    return {"median": round(statistics.median(times), 2),
            "p95": round(percentile(times, 0.95), 2), "max": round(max(times), 2)}


def percentile(values: list[float], share: float) -> float:
    """Return the ``share`` quantile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=5000)
    parser.add_argument("--saves", type=int, default=300)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sverka-bench-") as folder:
        url = f"sqlite:///{folder}/bench.sqlite3"
        started = time.perf_counter()
        document_id, ids, user_id, secret = build(url, args.segments)
        build_s = time.perf_counter() - started
        app = create_app({"DATABASE_URL": url, "CSRF_ENABLED": False, "TESTING": True,
                          "SECRET_KEY": secrets.token_urlsafe(32)})
        client = app.test_client()
        with client.session_transaction() as cookie:  # what a login leaves in the session
            cookie["_user_id"], cookie["_fresh"] = f"{user_id}.0", True
        versions = {tid: 1 for tid in ids}
        saves = time_saves(client, ids, versions, args.saves, 7, {})
        token_saves = time_saves(app.test_client(), ids, versions, args.saves, 8,
                                 {"Authorization": f"Bearer {secret}"})
        pages = []
        for url_path in [f"/documents/{document_id}/edit?track=human"] * 5 + [
                f"/documents/{document_id}/edit?track=human&page=40"] * 5:
            started = time.perf_counter()
            assert client.get(url_path).status_code == 200
            pages.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        client.get(f"/documents/{document_id}/edit?track=human&warning=numbers")
        filter_ms = (time.perf_counter() - started) * 1000
        app.extensions["sverka_engine"].dispose()
    result = {
        "segments": args.segments, "saves": args.saves, "build_s": round(build_s, 1),
        "save_ms": summary(saves), "token_save_ms": summary(token_saves),
        "editor_page_ms": {"median": round(statistics.median(pages), 1),
                           "max": round(max(pages), 1)},
        "filter_ms": round(filter_ms, 1), "target_p95_ms": TARGET_P95_MS,
        "met": max(percentile(saves, 0.95), percentile(token_saves, 0.95)) < TARGET_P95_MS,
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"{args.segments} segments, {args.saves} saves on SQLite (built in {build_s:.1f} s)")
    print(f"save one segment: median {result['save_ms']['median']} ms, "
          f"p95 {result['save_ms']['p95']} ms, max {result['save_ms']['max']} ms "
          f"as a logged-in reviewer; with an API token: median "
          f"{result['token_save_ms']['median']} ms, p95 {result['token_save_ms']['p95']} ms "
          f"(target p95 < {TARGET_P95_MS:.0f} ms: {'met' if result['met'] else 'MISSED'})")
    print(f"open the editor (100 of {args.segments} units): median "
          f"{result['editor_page_ms']['median']} ms, max {result['editor_page_ms']['max']} ms; "
          f"filter by warning: {result['filter_ms']} ms")


if __name__ == "__main__":
    main()
