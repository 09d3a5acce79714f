"""A memory's units one by one: paged, filtered, searched in every word form, edited (found by
the new text at once) and deleted, alone or a search's whole result; the same in the CLI."""
from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.conftest import import_seed
from tests.test_search_fuzzy import add_units
from tm.documents import document_rows
from tm.errors import NotFoundError, ValidationError
from tm.memory.units import UnitFilter, UnitOrigin, delete_units, edit_unit, get_unit, list_units
from tm.models import MemoryUnit, Status
from tm.search.concordance import matching_units
from tm.search.fuzzy import fuzzy
from tm.translations import edit_translation

PAIRS = [("Снегопад парализовал Екатеринбург.", "Snow paralyzed Yekaterinburg."),
         ("Снегопады в Перми продолжатся.", "Snowfalls in Perm will continue."),
         ("Хоккеисты выиграли матч.", "The hockey players won the match.")]


def _approved_unit(session: Session) -> int:
    document = import_seed(session).document
    row = document_rows(session, document.id, ["human"])[5]
    edit_translation(session, row.translations["human"], status=Status.APPROVED, author="v")
    return document.id


def test_units_are_paged_newest_first_and_filtered_by_origin(session: Session) -> None:
    add_units(session, "main", PAIRS)
    document_id = _approved_unit(session)
    page = list_units(session, "main", number=1, size=2)
    assert (page.total, page.pages, len(page.units)) == (4, 2, 2)
    assert page.units[0].document_id == document_id  # the newest
    imported = list_units(session, "main", UnitFilter(origin=UnitOrigin.IMPORT))
    assert [u.source for u in imported.units] == [s for s, _ in reversed(PAIRS)]
    from_document = list_units(session, "main", UnitFilter(document_id=document_id))
    assert from_document.total == 1
    with pytest.raises(ValidationError):
        list_units(session, "main", size=501)


def test_a_search_finds_every_form_and_deletes_its_whole_result(session: Session) -> None:
    add_units(session, "main", PAIRS)
    found = matching_units(session, "снегопад", memory="main")
    assert len(found) == 2  # «Снегопад», «Снегопады»
    assert delete_units(session, "main", found) == 2
    assert [u.source for u in session.scalars(select(MemoryUnit))] == [PAIRS[2][0]]


def test_an_edited_unit_is_found_by_its_new_text(session: Session) -> None:
    (unit, *_) = add_units(session, "main", PAIRS)
    edit_unit(session, unit, author="vera", source="Метель парализовала Екатеринбург.",
              target="A blizzard paralyzed Yekaterinburg.")
    assert unit.changed_by == "vera"
    matches = fuzzy(session, "Метель парализовала Екатеринбург.", src="ru", tgt="en")
    assert matches and matches[0].target == "A blizzard paralyzed Yekaterinburg."
    assert matches[0].score == 100
    with pytest.raises(ValidationError):
        edit_unit(session, unit, author="vera", target="  ")


def test_a_unit_of_another_memory_is_not_found(session: Session) -> None:
    (unit,) = add_units(session, "archive", PAIRS[:1])
    add_units(session, "main", PAIRS[1:])
    with pytest.raises(NotFoundError):
        get_unit(session, "main", unit.id)
    assert delete_units(session, "main", [unit.id]) == 0


def test_the_memory_command_shows_edits_and_deletes(runner: Callable[..., Result],
                                                    clean_db: Engine, tmp_path: Path) -> None:
    with Session(clean_db) as session, session.begin():
        ids = [u.id for u in add_units(session, "main", PAIRS)]
    shown = json.loads(runner("memory", "show", "main", "--json").output)
    assert shown["total"] == 3 and [u["id"] for u in shown["units"]] == ids[::-1]
    assert shown["units"][0]["origin"] == "import"
    searched = json.loads(runner("memory", "show", "main", "--search", "снегопады",
                                 "--json").output)
    assert searched["total"] == 2
    edited = json.loads(runner("memory", "edit", "main", str(ids[2]), "--target",
                               "The hockey team won.", "--json").output)
    assert edited["target"] == "The hockey team won." and edited["changed_by"].startswith("cli")
    deleted = json.loads(runner("memory", "delete", "main", "--search", "снегопад",
                                "--json").output)
    assert deleted == {"memory": "main", "deleted": 2}
    missing = runner("memory", "edit", "main", "999999", "--source", "x")
    assert missing.exit_code != 0 and "no unit 999999" in missing.output
    neither = runner("memory", "delete", "main")
    assert neither.exit_code != 0 and "UNIT ids or --search" in neither.output
