"""Glossaries: import and merge, edit with history, export, search and find terms in any form."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from tm.cli import cli
from tm.errors import ConflictError, FormatError, InputError, NotFoundError, ValidationError
from tm.formats.glossary import GlossaryEntry, TargetTerm
from tm.models import Glossary, GlossaryTermRevision
from tm.terms.glossaries import (
    add_term,
    edit_term,
    entry_of,
    export_glossary,
    find_terms,
    get_or_create_glossary,
    glossary_terms,
    import_glossary,
    list_glossaries,
    search_terms,
)

DESK_TSV = ("Европейский парламент\tEuropean Parliament\tthe EU's parliament\n"
            "МИД РК\tKazakh Foreign Ministry\t\n"
            "ОДКБ\tCSTO\tCollective Security Treaty Organization\n")


def _tsv(tmp_path: Path, text: str = DESK_TSV, name: str = "desk.tsv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_tsv_imports_as_terms_and_a_second_import_merges(session: Session,
                                                           tmp_path: Path) -> None:
    report = import_glossary(session, _tsv(tmp_path), glossary="desk")
    assert (report.format, report.read, report.imported, report.merged) == ("tsv", 3, 3, 0)
    more = _tsv(tmp_path, "Европейский парламент\tEuroparliament\t\n"
                          "Европарламент\tEuropean Parliament\t\n", "more.tsv")
    again = import_glossary(session, more, glossary="desk")
    assert (again.read, again.imported, again.merged) == (2, 1, 1)
    parliament = next(t for t in glossary_terms(session, "desk")
                      if t.source == "Европейский парламент")
    assert [t["text"] for t in parliament.targets] == ["European Parliament", "Europarliament"]
    assert parliament.target == "European Parliament" and parliament.note == "the EU's parliament"
    assert [r.action for r in parliament.revisions] == ["import", "import"]
    assert [g.as_dict() for g in list_glossaries(session)] == [
        {"name": "desk", "src_lang": "ru", "tgt_lang": "en", "terms": 4}]


def test_an_import_that_fails_creates_nothing(session: Session, tmp_path: Path) -> None:
    broken = tmp_path / "broken.tbx"
    broken.write_text('<?xml version="1.0"?><martif type="TBX-Basic"><text><body>'
                      "<termEntry><langSet", encoding="utf-8")
    with pytest.raises((FormatError, InputError)):
        import_glossary(session, broken, glossary="desk")
    session.rollback()
    assert session.scalars(select(Glossary)).all() == []


def test_an_edit_keeps_the_earlier_term_in_its_history_and_refuses_a_stale_one(
        session: Session) -> None:
    glossary = get_or_create_glossary(session, "desk")
    term = add_term(session, glossary, GlossaryEntry(
        source="ОДКБ", targets=(TargetTerm("CSTO"),)), author="anna")
    session.flush()
    edited = entry_of(term)
    edit_term(session, term, GlossaryEntry(source=edited.source, targets=(
        TargetTerm("CSTO"), TargetTerm("Collective Security Treaty Organization",
                                       "admitted")), note="Use the abbreviation."),
        author="boris", expected_version=1)
    session.flush()
    assert (term.version, term.author, term.target) == (2, "boris", "CSTO")
    revisions = session.scalars(select(GlossaryTermRevision).where(
        GlossaryTermRevision.term_id == term.id).order_by(GlossaryTermRevision.number)).all()
    assert [(r.number, r.action, r.author) for r in revisions] == [(1, "create", "anna"),
                                                                  (2, "edit", "boris")]
    assert revisions[0].fields["targets"] == [{"text": "CSTO", "status": "preferred"}]
    with pytest.raises(ConflictError):
        edit_term(session, term, edited, author="anna", expected_version=1)


@pytest.mark.parametrize("file_format", ["tbx", "tsv", "csv"])
def test_an_exported_glossary_imports_as_it_was(session: Session, tmp_path: Path,
                                                file_format: str) -> None:
    import_glossary(session, _tsv(tmp_path), glossary="desk")
    out = tmp_path / f"desk.{file_format}"
    assert export_glossary(session, out, glossary="desk", format=file_format) == 3
    import_glossary(session, out, glossary="copy")
    terms = {(t.source, t.target) for t in glossary_terms(session, "copy")}
    assert terms == {(t.source, t.target) for t in glossary_terms(session, "desk")}


def test_terms_are_found_in_every_form_with_their_offsets(session: Session,
                                                          tmp_path: Path) -> None:
    import_glossary(session, _tsv(tmp_path), glossary="desk")
    text = "Резолюция Европейского парламента осуждена МИД РК и ОДКБ."
    (hits,) = find_terms(session, [text])
    assert [(h.found, h.target) for h in hits] == [
        ("Европейского парламента", "European Parliament"),
        ("МИД РК", "Kazakh Foreign Ministry"), ("ОДКБ", "CSTO")]
    assert all(text[h.start:h.end] == h.found for h in hits)


def test_a_search_finds_a_term_by_any_form_of_its_words_or_by_its_target(
        session: Session, tmp_path: Path) -> None:
    import_glossary(session, _tsv(tmp_path), glossary="desk")
    assert [t.source for t in search_terms(session, "desk", "парламентом")] == [
        "Европейский парламент"]
    assert [t.source for t in search_terms(session, "desk", "ministry")] == ["МИД РК"]
    with pytest.raises(ValidationError):
        search_terms(session, "desk", "я" * 501)
    with pytest.raises(NotFoundError):
        search_terms(session, "nope", "парламент")


def test_the_command_line_imports_finds_and_exports_with_json(tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["--data-dir", str(tmp_path / "data")]
    imported = runner.invoke(cli, [*base, "glossary", "import", str(_tsv(tmp_path)),
                                   "--glossary", "desk", "--json"])
    assert imported.exit_code == 0, imported.output
    assert json.loads(imported.output)["imported"] == 3
    added = runner.invoke(cli, [*base, "glossary", "add", "Токаев", "Tokayev", "--glossary",
                                "desk", "--json"])
    assert added.exit_code == 0 and json.loads(added.output)["target"] == "Tokayev"
    found = runner.invoke(cli, [*base, "glossary", "find", "Заявление Токаева в ОДКБ",
                                "--json"])
    assert found.exit_code == 0, found.output
    assert [(h["term"], h["start"], h["end"], h["target"]) for h in json.loads(found.output)] \
        == [("Токаев", 10, 17, "Tokayev"), ("ОДКБ", 20, 24, "CSTO")]
    lines = tmp_path / "lines.txt"
    lines.write_text("Ничего.\nВстреча в Европейском парламенте.\n", encoding="utf-8")
    by_line = runner.invoke(cli, [*base, "glossary", "find", "--file", str(lines),
                                  "--glossary", "desk", "--json"])
    assert [(h["line"], h["start"], h["end"]) for h in json.loads(by_line.output)] == [
        (2, 10, 32)]
    listed = runner.invoke(cli, [*base, "glossary", "list", "--json"])
    assert json.loads(listed.output)[0]["terms"] == 4
    out = tmp_path / "desk.tbx"
    exported = runner.invoke(cli, [*base, "glossary", "export", str(out), "--glossary",
                                   "desk", "--json"])
    assert exported.exit_code == 0 and json.loads(exported.output)["terms"] == 4
    assert out.read_text(encoding="utf-8").count("<termEntry") == 4
    missing = runner.invoke(cli, [*base, "glossary", "export", str(out), "--glossary", "x"])
    assert missing.exit_code == 2 and "no glossary named 'x'" in missing.output
