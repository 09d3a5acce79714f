"""The demo desk: the corpus with its statuses and second track, the archive memory, a
scored test set; loading it again adds nothing."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tm.demo import ARCHIVE_MEMORY, TEST_SET, load_demo
from tm.models import Document, Memory, MemoryUnit, ScoreRun, Status, Track, Translation


def test_the_demo_desk_has_something_on_every_page(session: Session) -> None:
    desk = load_demo(session)
    assert (desk.articles_loaded, desk.memory_units, desk.test_set_loaded) == (6, 12, True)
    approved = session.scalar(select(func.count()).select_from(Translation)
                              .where(Translation.status == Status.APPROVED))
    assert approved  # the budget and key-rate articles, so the memory has their units
    main = session.scalar(select(func.count()).select_from(MemoryUnit).join(Memory)
                          .where(Memory.name == "main"))
    assert 0 < main <= approved  # units of equal source and target merged
    archive = session.scalar(select(func.count()).select_from(MemoryUnit).join(Memory)
                             .where(Memory.name == ARCHIVE_MEMORY))
    assert archive == 12
    agency = session.scalar(select(Track).where(Track.name == "agency"))
    assert agency is not None and agency.origin.value == "supplied"
    run = session.scalar(select(ScoreRun))
    assert run is not None and run.significance == "bs" and run.baseline is not None
    assert run.test_set.name == TEST_SET


def test_loading_the_demo_again_adds_nothing(session: Session) -> None:
    load_demo(session)
    documents = session.scalar(select(func.count()).select_from(Document))
    again = load_demo(session)
    assert (again.articles_loaded, again.articles_present) == (0, 6)
    assert (again.memory_units, again.test_set_loaded) == (0, False)
    assert session.scalar(select(func.count()).select_from(Document)) == documents
    assert session.scalar(select(func.count()).select_from(ScoreRun)) == 1
