"""The demo desk: what ``sverka demo`` loads so that every page has something to show.

The sample corpus (``corpora/``, with some articles approved, so the memory has their
units, and one with an agency's translation beside the desk's), the desk's archive as a
memory imported from TMX (``corpora/memories/``), and a small test set with two machine
systems scored against its reference with a paired bootstrap (``corpora/testsets/``).
Loading is idempotent: what is there already is left alone.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from tm.corpus import default_corpus_dir, load_corpus
from tm.models import Memory, Origin, TestSet

ARCHIVE_MEMORY = "archive"
ARCHIVE_FILE = Path("memories") / "desk-archive.tmx"
TEST_SET = "desk-sample"
TEST_SET_DIR = Path("testsets") / TEST_SET
REFERENCE = "human"
# The test set's files: its source and document ids, then each track's lines and origin.
SOURCE_FILE = "ru.txt"
DOCIDS_FILE = "docids.txt"
TRACK_FILES = ((REFERENCE, "en.ref.txt", Origin.HUMAN),
               ("mt-literal", "en.mt-literal.txt", Origin.MACHINE),
               ("mt-rough", "en.mt-rough.txt", Origin.MACHINE))
SIGNIFICANCE_TEST = "bs"


@dataclass(frozen=True, slots=True)
class DemoDesk:
    """What loading the demo did (counts of what was new)."""

    articles_loaded: int
    articles_present: int
    memory_units: int  # imported into the archive now; 0 when it was there
    test_set_loaded: bool


def _archive(session: Session, corpus: Path) -> int:
    from tm.memory.tmx_import import import_tmx

    if session.scalar(select(Memory.id).where(Memory.name == ARCHIVE_MEMORY)) is not None:
        return 0
    return import_tmx(session, corpus / ARCHIVE_FILE, memory=ARCHIVE_MEMORY).imported


def _test_set(session: Session, corpus: Path) -> bool:
    from tm.scoring.lines import read_docids, read_lines
    from tm.scoring.store import score_testset
    from tm.scoring.testsets import TrackLines, import_testset

    if session.scalar(select(TestSet.id).where(TestSet.name == TEST_SET)) is not None:
        return False
    folder = corpus / TEST_SET_DIR
    tracks = [TrackLines(name, read_lines(folder / file), origin, source_name=file)
              for name, file, origin in TRACK_FILES]
    result = import_testset(session, TEST_SET, source=read_lines(folder / SOURCE_FILE),
                            source_name=SOURCE_FILE, tracks=tracks,
                            doc_ids=read_docids(folder / DOCIDS_FILE),
                            description="Sentences of the sample articles; the two systems "
                                        "are the reference with words dropped and moved "
                                        "(corpora/README.md).")
    score_testset(session, result.test_set, references=[REFERENCE], test=SIGNIFICANCE_TEST)
    return True


def load_demo(session: Session, corpus: Path | None = None) -> DemoDesk:
    """Load the demo desk from ``corpus`` (default: ``corpora/``) in the caller's transaction."""
    corpus = corpus or default_corpus_dir()
    entries = load_corpus(session, corpus)
    return DemoDesk(articles_loaded=sum(e.loaded for e in entries),
                    articles_present=sum(not e.loaded for e in entries),
                    memory_units=_archive(session, corpus),
                    test_set_loaded=_test_set(session, corpus))
