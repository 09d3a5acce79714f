"""Sverka's OmegaT project through the real OmegaT 3.6, measured: segments translated / total.

Two runs, each in a fresh SQLite database, each ``export-omegat`` → OmegaT 3.6
``--mode=console-translate`` → ``import-omegat`` into a new track:

* ``seed``: the seed article, with a memory made of its own translations (the TMX export of
  its human track): every segment should come back, and the new track equal the human one;
* ``fresh``: each other article of ``corpora/``, imported without its translation, with the
  desk's memory holding its translations (approved documents of the corpus) and the desk
  archive (``corpora/memories/desk-archive.tmx``): exact matches come back, fuzzy ones stay
  for a translator (OmegaT's console mode inserts only exact matches).

Printed per run: segments, translated by OmegaT (``Total - Remaining`` of its
project_stats.txt), imported back, left untranslated, and the seconds OmegaT took.

    python bench/omegat_roundtrip.py [--json]
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from tm.corpus import load_corpus  # noqa: E402
from tm.db import make_engine, upgrade  # noqa: E402
from tm.handoff.omegat import export_omegat, import_omegat  # noqa: E402
from tm.ingest import TranslationInput, import_article, read_article  # noqa: E402
from tm.memory import export_document, import_tmx  # noqa: E402
from tm.models import Segment, Track, Translation  # noqa: E402

OMEGAT_JAR = Path("/usr/share/omegat/OmegaT.jar")
CORPORA = ROOT / "corpora"
SEED = CORPORA / "sputnik-2022-01-21-kz-mfa-europarl"


def omegat(zipped: Path, work: Path) -> tuple[int, int, float, Path]:
    """Unzip and translate the project with OmegaT; (total, remaining, seconds, folder)."""
    with zipfile.ZipFile(zipped) as archive:
        archive.extractall(work / "project")
    (project,) = (work / "project").iterdir()
    started = time.perf_counter()
    subprocess.run(["java", "-Djava.awt.headless=true", "-Dfile.encoding=UTF-8", "-jar",
                    str(OMEGAT_JAR), str(project), "--mode=console-translate",
                    f"--config-dir={work / 'config'}", "--disable-project-locking",
                    "--no-team"], check=True, capture_output=True, timeout=600,
                   env={"LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin"})
    seconds = time.perf_counter() - started
    stats = (project / "omegat" / "project_stats.txt").read_text(encoding="utf-8")
    total = int(re.search(r"^Total:\s*(\d+)", stats, re.M).group(1))  # type: ignore[union-attr]
    remaining = int(re.search(r"^Remaining:\s*(\d+)", stats, re.M).group(1))  # type: ignore[union-attr]
    return total, remaining, seconds, project


def texts(session: Session, document: int, track: str) -> dict[int, str]:
    return {t.segment_id: t.text for t in session.scalars(
        select(Translation).join(Track).join(Segment)
        .where(Segment.document_id == document, Track.name == track))}


def round_trip(session: Session, document: int, work: Path,
               memories: list[str] | None) -> dict[str, Any]:
    zipped = work / "project.zip"
    export_omegat(session, zipped, document_id=document, track="omegat",
                  match_memories=memories)
    total, remaining, seconds, project = omegat(zipped, work)
    back = import_omegat(session, project, document_id=document, track="omegat").xliff
    return {"segments": total, "translated_by_omegat": total - remaining,
            "imported": back.imported, "untranslated": back.untranslated,
            "omegat_s": round(seconds, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="sverka-omegat-bench-") as folder:
        work = Path(folder)
        engine = make_engine(f"sqlite:///{work / 'seed.db'}")
        upgrade(engine)
        with Session(engine) as session:
            seed = import_article(session, read_article(SEED / "ru.txt"), translations=[
                TranslationInput(article=read_article(SEED / "en.human.txt"))]).document
            export_document(session, work / "seed.tmx", document_id=seed.id, track="human")
            import_tmx(session, work / "seed.tmx", memory="seed")
            (work / "seed").mkdir()
            results["seed"] = round_trip(session, seed.id, work / "seed", ["seed"])
            results["seed"]["identical_to_human"] = (
                texts(session, seed.id, "omegat") == texts(session, seed.id, "human"))
        engine = make_engine(f"sqlite:///{work / 'desk.db'}")
        upgrade(engine)
        fresh: dict[str, int] = {"articles": 0, "segments": 0, "translated_by_omegat": 0,
                                 "imported": 0, "untranslated": 0}
        with Session(engine) as session:
            load_corpus(session, CORPORA)
            import_tmx(session, CORPORA / "memories" / "desk-archive.tmx", memory="archive")
            for at, folder_path in enumerate(sorted(p for p in CORPORA.iterdir()
                                                    if (p / "ru.txt").exists() and p != SEED)):
                document = import_article(session, read_article(folder_path / "ru.txt"),
                                          translations=[]).document
                (work / f"fresh-{at}").mkdir()
                found = round_trip(session, document.id, work / f"fresh-{at}", None)
                fresh["articles"] += 1
                for key in ("segments", "translated_by_omegat", "imported", "untranslated"):
                    fresh[key] += found[key]
            session.rollback()
        results["fresh"] = fresh
    if args.json:
        print(json.dumps(results))
        return
    for name, found in results.items():
        print(f"{name}: " + ", ".join(f"{key} {value}" for key, value in found.items()))


if __name__ == "__main__":
    main()
