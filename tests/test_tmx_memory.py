"""TMX import into memories and export from them: reports, policies, losslessness, validity."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from tests.components import require_program, shared
from tests.conftest import SHARED, import_seed
from tests.dbutil import server_url
from tests.tmx_samples import tmx, tu
from tm.db import make_engine, scratch_database, upgrade
from tm.errors import FormatError, InputError, ValidationError
from tm.formats.tmx import read_tmx
from tm.memory import export_document, export_memory, import_tmx
from tm.models import Memory, MemoryUnit, SearchTerms, Status
from tm.search import fuzzy

# The PostgreSQL server of this kind of machine, for tests that need two writers at once.
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
Run = Callable[..., Result]


def _file(tmp_path: Path, text: str, name: str = "in.tmx") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _units(session: Session, memory: str = "m") -> list[tuple[str, str]]:
    return [(u.source, u.target) for u in session.scalars(
        select(MemoryUnit).join(Memory).where(Memory.name == memory).order_by(MemoryUnit.id))]


def test_import_report_counts_every_unit(session: Session, tmp_path: Path) -> None:
    body = (tu("Один.", "One.") + tu("Два.", "Two.") + tu("Один.", "One.")
            + tu("Три.", "") + "<tu><tuv xml:lang=\"ru\"><seg>Четыре.</seg></tuv></tu>"
            + tu("Пять.", "Five.", ru_lang="de"))
    report = import_tmx(session, _file(tmp_path, tmx(body)), memory="m")
    assert (report.read, report.imported, report.duplicates) == (6, 2, 1)
    assert {str(why): n for why, n in report.skipped.items()} == {
        "empty target": 1, "no en variant": 1, "no ru variant": 1}
    assert {why.code for why in report.skipped} == {"skip-target-empty", "skip-no-variant"}
    assert _units(session) == [("Один.", "One."), ("Два.", "Two.")]


def test_import_json_report_on_the_command_line(runner: Run, tmp_path: Path) -> None:
    path = _file(tmp_path, tmx(tu("Один.", "One.") + tu(" ", "Two.")))
    result = runner("import-tmx", str(path), "--memory", "news", "--json")
    report = json.loads(result.output)
    assert result.exit_code == 0
    assert {k: report[k] for k in ("read", "imported", "duplicates", "skipped")} == {
        "read": 2, "imported": 1, "duplicates": 0, "skipped": {"empty source": 1}}


def test_a_file_of_another_pair_is_refused_naming_its_own_pair(runner: Run,
                                                                tmp_path: Path) -> None:
    path = _file(tmp_path, tmx(tu("Hello.", "Bonjour.", ru_lang="en-US", en_lang="fr-FR")
                               + tu("World.", "Monde.", ru_lang="en-US", en_lang="fr-FR"),
                               srclang="en-US"))
    refused = runner("import-tmx", str(path), "--memory", "okapi")
    assert refused.exit_code == 2
    assert refused.output.strip() == (f"Error: {path}: no unit has a ru→en pair; this file is "
                                      "en-US→fr-FR: use --src en --tgt fr")
    assert json.loads(runner("memories", "--json").output) == []  # no memory left locked
    done = runner("import-tmx", str(path), "--memory", "okapi", "--src", "en", "--tgt", "fr",
                  "--json")
    assert done.exit_code == 0 and json.loads(done.output)["imported"] == 2


@pytest.mark.parametrize("body, message", [
    ("", "no translation units in the file; nothing imported"),
    (tu(" ", "One.") + tu("Два.", ""), "none of its 2 units could be imported into ru→en "
                                      "(1 empty source; 1 empty target)"),
])
def test_an_import_that_would_store_nothing_is_refused(runner: Run, tmp_path: Path, body: str,
                                                       message: str) -> None:
    path = _file(tmp_path, tmx(body))
    result = runner("import-tmx", str(path), "--memory", "news")
    assert result.exit_code == 2 and result.output.strip() == f"Error: {path}: {message}"
    assert json.loads(runner("memories", "--json").output) == []


def test_tuv_order_and_extra_variants(session: Session, tmp_path: Path) -> None:
    body = ('<tu><tuv xml:lang="en-GB"><seg>Colour.</seg></tuv><tuv xml:lang="de"><seg>Farbe.'
            '</seg></tuv><tuv xml:lang="RU-RU"><seg>Цвет.</seg></tuv></tu>')
    import_tmx(session, _file(tmp_path, tmx(body, srclang="en-GB")), memory="m")
    unit = session.scalars(select(MemoryUnit)).one()
    assert (unit.source, unit.target, unit.src_lang, unit.tgt_lang) == (
        "Цвет.", "Colour.", "ru-RU", "en-GB")
    out = tmp_path / "out.tmx"
    export_memory(session, out, memory="m")
    langs = [[v.lang for v in u.variants] for u in read_tmx(out).units()]
    assert langs == [["ru-RU", "en-GB", "de"]]


@pytest.mark.parametrize("srclang, warning", [
    (None, "no srclang"), ("*all*", "*all*"), ("en", "srclang is en"),
])
def test_header_source_language_problems_are_reported(session: Session, tmp_path: Path,
                                                      srclang: str | None,
                                                      warning: str) -> None:
    text = tmx(tu("Один.", "One."), srclang=srclang or "")
    if srclang is None:
        text = text.replace(' srclang=""', "")
    report = import_tmx(session, _file(tmp_path, text), memory="m")
    assert report.imported == 1 and any(warning in str(w) for w in report.warnings)


DATED = '<tu changedate="{date}"><tuv xml:lang="ru"><seg>{ru}</seg></tuv>' \
        '<tuv xml:lang="en"><seg>{en}</seg></tuv></tu>'


@pytest.mark.parametrize("policy, expected, duplicates", [
    ("keep-newest", [("Дом.", "House."), ("Кот.", "Cat.")], 2),
    ("keep-all", [("Дом.", "Home."), ("Дом.", "House."), ("Кот.", "Cat.")], 1),
    ("skip", [("Дом.", "Home."), ("Кот.", "Cat.")], 2),
])
def test_duplicate_policies(session: Session, tmp_path: Path, policy: str,
                            expected: list[tuple[str, str]], duplicates: int) -> None:
    body = (DATED.format(date="20200101T000000Z", ru="Дом.", en="Home.")
            + DATED.format(date="20220101T000000Z", ru="Дом.", en="House.")
            + DATED.format(date="20210101T000000Z", ru="Кот.", en="Cat.")
            + DATED.format(date="20190101T000000Z", ru="Дом.", en="Home."))
    report = import_tmx(session, _file(tmp_path, tmx(body)), memory="m", on_duplicate=policy)
    assert sorted(_units(session)) == expected
    assert report.duplicates == duplicates and report.imported == len(expected)



def test_an_unknown_duplicate_policy_is_refused_before_anything_is_stored(
        session: Session, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="keep-newest, keep-all, skip"):
        import_tmx(session, _file(tmp_path, tmx(tu("Один.", "One."))), memory="m",
                   on_duplicate="newest")
    assert session.scalar(select(func.count()).select_from(MemoryUnit)) == 0


@pytest.mark.parametrize("policy, expected, duplicates, replaced", [
    ("keep-newest", [("Дом.", "House."), ("Кот.", "Cat."), ("Сад.", "Garden.")], 1, 1),
    ("keep-all", [("Дом.", "Home."), ("Дом.", "House."), ("Кот.", "Cat."),
                  ("Сад.", "Garden.")], 1, 0),
    ("skip", [("Дом.", "Home."), ("Кот.", "Cat."), ("Сад.", "Garden.")], 2, 0),
])
def test_duplicate_policies_against_units_already_in_the_memory(
        session: Session, tmp_path: Path, policy: str, expected: list[tuple[str, str]],
        duplicates: int, replaced: int) -> None:
    first = DATED.format(date="20200101T000000Z", ru="Дом.", en="Home.") + DATED.format(
        date="20200101T000000Z", ru="Сад.", en="Garden.")
    import_tmx(session, _file(tmp_path, tmx(first), "first.tmx"), memory="m")
    body = (DATED.format(date="20220101T000000Z", ru="Дом.", en="House.")
            + DATED.format(date="20210101T000000Z", ru="Кот.", en="Cat.")
            + DATED.format(date="20190101T000000Z", ru="Дом.", en="Home."))
    report = import_tmx(session, _file(tmp_path, tmx(body)), memory="m", on_duplicate=policy)
    assert sorted(_units(session)) == sorted(expected)
    assert (report.duplicates, report.replaced) == (duplicates, replaced)


def test_importing_the_same_file_twice_adds_nothing(session: Session, tmp_path: Path) -> None:
    path = _file(tmp_path, tmx(tu("Один.", "One.") + tu("Два.", "Two.")))
    import_tmx(session, path, memory="m")
    again = import_tmx(session, path, memory="m")
    assert (again.imported, again.duplicates, again.replaced) == (0, 2, 0)
    assert len(_units(session)) == 2


def test_newer_unit_replaces_an_older_one(session: Session, tmp_path: Path) -> None:
    import_tmx(session, _file(tmp_path, tmx(DATED.format(date="20200101T000000Z", ru="Дом.",
                                                         en="Home."))), memory="m")
    report = import_tmx(session, _file(tmp_path, tmx(DATED.format(
        date="20230101T000000Z", ru="Дом.", en="House.")), "new.tmx"), memory="m")
    assert (report.imported, report.replaced) == (1, 1)
    assert _units(session) == [("Дом.", "House.")]


def test_a_broken_file_imports_nothing(runner: Run, session: Session, tmp_path: Path) -> None:
    text = tmx(tu("Один.", "One.") * 3000).replace("</body>", "<tu>")
    result = runner("import-tmx", str(_file(tmp_path, text)), "--memory", "m")
    assert result.exit_code == 2 and "not well-formed" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert session.scalar(select(func.count()).select_from(MemoryUnit)) == 0
    assert session.scalar(select(func.count()).select_from(Memory)) == 0


def test_rejects_file_holds_skipped_units_with_reasons(session: Session, tmp_path: Path) -> None:
    rejects = tmp_path / "rejects.tmx"
    body = (tu("Один.", "One.") + tu("Два.", "")
            + '<tu><tuv xml:lang="ru"><seg>Три.</seg></tuv></tu>')
    import_tmx(session, _file(tmp_path, tmx(body)), memory="m", rejects=rejects)
    units = list(read_tmx(rejects).units())
    assert [u.variants[0].text for u in units] == ["Два.", "Три."]
    assert [u.meta[-1].text for u in units] == ["skipped by Sverka: empty target",
                                                "skipped by Sverka: no en variant"]


def test_the_rejects_file_is_never_the_imported_file(session: Session, tmp_path: Path) -> None:
    path = _file(tmp_path, tmx(tu("Один.", "One.") + tu("Два.", "")))
    before = path.read_bytes()
    for rejects in (path, tmp_path / "." / "in.tmx"):
        with pytest.raises(ValidationError, match="cannot be the file imported"):
            import_tmx(session, path, memory="m", rejects=rejects)
    assert path.read_bytes() == before


def test_cli_refuses_to_overwrite_an_existing_rejects_file_without_force(
        runner: Callable[..., Result], session: Session, tmp_path: Path) -> None:
    path = _file(tmp_path, tmx(tu("Один.", "One.") + tu("Два.", "")))
    kept = _file(tmp_path, "my notes", name="notes.txt")
    for rejects in (path, kept):
        result = runner("import-tmx", str(path), "--memory", "m", "--rejects", str(rejects))
        assert result.exit_code == 2 and "--force" in result.output
        assert len(result.output.strip().splitlines()) == 1
    assert kept.read_text(encoding="utf-8") == "my notes"
    assert session.scalar(select(func.count()).select_from(MemoryUnit)) == 0
    result = runner("import-tmx", str(path), "--memory", "m", "--rejects", str(path), "--force")
    assert result.exit_code == 2 and "cannot be the file imported" in result.output
    result = runner("import-tmx", str(path), "--memory", "m", "--rejects", str(kept), "--force")
    assert result.exit_code == 0, result.output
    assert [u.variants[0].text for u in read_tmx(kept).units()] == ["Два."]


def test_language_pair_must_match_the_memory(session: Session, tmp_path: Path) -> None:
    path = _file(tmp_path, tmx(tu("Один.", "One.")))
    import_tmx(session, path, memory="m")
    with pytest.raises(ValidationError, match="ru→en"):
        import_tmx(session, path, memory="m", src="de", tgt="en")


INVENTORY = SHARED / "eval" / "tmx" / "inventory.tsv"


def _inventory() -> list[dict[str, str]]:
    """The real tools' TMX files, read at collection time (none without ../shared)."""
    if not INVENTORY.exists():
        return []
    with open(INVENTORY, encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def test_the_real_tools_files_are_there() -> None:
    shared("eval", "tmx", "inventory.tsv")
    assert len(_inventory()) >= 30


def _pair(languages: str) -> tuple[str, str]:
    tags = [t for t in languages.split(",") if t]
    first = tags[0]
    other = next((t for t in tags if t.split("-")[0].lower() != first.split("-")[0].lower()),
                 tags[1] if len(tags) > 1 else "fr")
    return first, other


def _snapshot(path: Path, src: str, tgt: str) -> list[tuple[object, ...]]:
    from tm.memory.tmx_rows import pick_variant

    rows = []
    for unit in read_tmx(path).units():
        source = pick_variant(unit.variants, src.replace("_", "-"))
        target = pick_variant(unit.variants, tgt.replace("_", "-"), exclude=source)
        if source is None or target is None or not source.text.strip() \
                or not target.text.strip():
            continue
        others = sorted((v.lang, v.text, v.markup or "") for v in unit.variants
                        if v is not source and v is not target)
        rows.append((source.text.strip(), target.text.strip(), source.markup, target.markup,
                     sorted(unit.attrs.items()), [m.as_json() for m in unit.meta],
                     [m.as_json() for m in source.meta], [m.as_json() for m in target.meta],
                     sorted(source.attrs.items()), sorted(target.attrs.items()), others))
    return sorted(rows, key=repr)


@pytest.mark.parametrize("entry", _inventory(), ids=lambda e: e["file"].rsplit("/", 1)[-1])
def test_real_tools_files_import_and_round_trip(session: Session, tmp_path: Path,
                                                entry: dict[str, str]) -> None:
    path = shared("eval", "tmx", entry["file"])
    src, tgt = _pair(entry["languages"]) if entry["languages"] else ("en", "fr")
    original = {(r[0], r[1], r[2], r[3]) for r in _snapshot(path, src, tgt)}
    if not original:  # no unit with both texts: refused, and no empty memory is left
        with pytest.raises(InputError, match="nothing imported|none of its"), \
                session.begin_nested():
            import_tmx(session, path, memory="m", src=src, tgt=tgt, on_duplicate="keep-all")
        assert session.scalar(select(Memory).where(Memory.name == "m")) is None
        return
    try:
        report = import_tmx(session, path, memory="m", src=src, tgt=tgt, on_duplicate="keep-all")
    except FormatError as error:  # only the deliberately broken files may fail, clearly
        pytest.fail(f"{entry['file']}: {error}")
    assert report.read == int(entry["n_tu"])
    assert report.imported + report.duplicates + sum(report.skipped.values()) == report.read
    out = tmp_path / "out.tmx"
    export_memory(session, out, memory="m")
    import_tmx(session, out, memory="again", src=src, tgt=tgt, on_duplicate="keep-all")
    out2 = tmp_path / "out2.tmx"
    export_memory(session, out2, memory="again")
    assert _snapshot(out2, src, tgt) == _snapshot(out, src, tgt)
    assert {(r[0], r[1], r[2], r[3]) for r in _snapshot(out, src, tgt)} == original
    xmllint = require_program("xmllint")
    dtd = shared("tmx", "tmx14.dtd")
    checked = subprocess.run([xmllint, "--noout", "--nonet", "--dtdvalid", str(dtd), str(out)],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr[:500]


def _seed_document(session: Session) -> int:
    return import_seed(session).document.id


def test_document_export_is_valid_with_context_and_provenance(session: Session,
                                                              tmp_path: Path) -> None:
    doc = _seed_document(session)
    out = tmp_path / "doc.tmx"
    report = export_document(session, out, document_id=doc)
    units = list(read_tmx(out).units())
    assert report.units == len(units) > 10
    texts = [u.variants[0].text for u in units]
    # Boilerplate goes out too, marked (OmegaT matches it like any unit); or is left out.
    subscribe = units[texts.index("Подписывайтесь на Sputnik в Дзен")]
    assert {m.type: m.text for m in subscribe.meta}["x-kind"] == "boilerplate"
    assert "x-kind" not in {m.type for m in units[texts.index("БИШКЕК, 21 янв — Sputnik.")].meta}
    without = tmp_path / "without.tmx"
    export_document(session, without, document_id=doc, include_boilerplate=False)
    assert "Подписывайтесь на Sputnik в Дзен" not in [
        u.variants[0].text for u in read_tmx(without).units()]
    dateline = units[texts.index("БИШКЕК, 21 янв — Sputnik.")]
    props = {m.type: m.text for m in dateline.meta}
    assert props["x-track"] == "human" and props["x-status"] == "translated"
    assert props["x-context-post"].startswith("Резолюция Европейского парламента")
    for unit in units:
        assert all(v.text == v.text.strip() and v.text for v in unit.variants)
    header = read_tmx(out)
    list(header.units())
    assert header.header is not None and header.header.attrs["creationtool"] == "Sverka"
    xmllint = require_program("xmllint")
    checked = subprocess.run([xmllint, "--noout", "--nonet", "--dtdvalid",
                              str(shared("tmx", "tmx14.dtd")), str(out)], capture_output=True)
    assert checked.returncode == 0


def test_document_export_filters_by_status(session: Session, tmp_path: Path) -> None:
    doc = _seed_document(session)
    report = export_document(session, tmp_path / "a.tmx", document_id=doc,
                             status=Status.APPROVED)
    assert report.units == 0


def test_export_command_needs_a_memory_or_a_document(runner: Run, tmp_path: Path) -> None:
    result = runner("export", str(tmp_path / "x.tmx"))
    assert result.exit_code == 2 and "either --memory or --document" in result.output


class _FailingOutput(io.BytesIO):
    """An output that fails after its first few writes, as a full disk does."""

    def write(self, data: bytes) -> int:  # type: ignore[override]
        if self.tell() > 200_000:
            raise OSError(28, "No space left on device")
        return super().write(data)


def test_an_export_that_fails_midway_leaves_the_transaction_usable(
        session: Session, tmp_path: Path) -> None:
    units = 10_000
    path = tmp_path / "m.tmx"
    path.write_text(tmx("".join(tu(f"Фраза номер {n}.", f"Sentence number {n}.")
                                for n in range(units))), encoding="utf-8")
    import_tmx(session, path, memory="desk")
    # 25 MB of rows: more than the connection holds in flight, so the read is still going on
    # when the write fails (on PostgreSQL the stream then cancels its query).
    session.execute(update(MemoryUnit).values(source=MemoryUnit.source + " " + "ф" * 2500))
    with pytest.raises(OSError):
        export_memory(session, _FailingOutput(), memory="desk")
    assert session.scalar(select(func.count()).select_from(MemoryUnit)) == units


def test_two_imports_at_once_on_postgresql_keep_each_others_index(tmp_path: Path) -> None:
    # Ids are taken from the sequence batch by batch, and another import takes some between
    # them: each batch's keys go with the ids it was given, and nobody's keys are cleared.
    with scratch_database(tmp_path, server_url() or POSTGRES) as url:
        engine = make_engine(url)
        upgrade(engine)
        files = {}
        for name in ("first", "second"):
            files[name] = tmp_path / f"{name}.tmx"
            files[name].write_text(tmx("".join(
                tu(f"{name} фраза {n}.", f"{name} sentence {n}.") for n in range(3000))),
                encoding="utf-8")
        with Session(engine) as session:  # the index's first writer: its generation is made
            path = tmp_path / "one.tmx"
            path.write_text(tmx(tu("Одна.", "One.")), encoding="utf-8")
            import_tmx(session, path, memory="one")
            session.commit()
        def run(name: str) -> None:
            with Session(engine) as session:
                import_tmx(session, files[name], memory=name, parallel=False)
                session.commit()

        threads = [threading.Thread(target=run, args=(name,)) for name in files]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        with Session(engine) as session:
            counts = dict(session.execute(
                select(Memory.name, func.count(SearchTerms.unit_id))
                .join(MemoryUnit, MemoryUnit.memory_id == Memory.id)
                .join(SearchTerms, SearchTerms.unit_id == MemoryUnit.id)
                .group_by(Memory.name)).all())
            assert counts == {"one": 1, "first": 3000, "second": 3000}
            for name in files:
                for n in (0, 1717, 2999):
                    hit = fuzzy(session, f"{name} фраза {n}.", min_score=100, limit=1)
                    assert [h.target for h in hit] == [f"{name} sentence {n}."]
        engine.dispose()
