"""Sverka's OmegaT project, translated by the real OmegaT 3.6 in console mode, comes back."""
from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.components import OMEGAT_JAR, require_path, require_program
from tests.conftest import import_seed
from tm.errors import InputError
from tm.formats.xliff.units import XLIFF_12_NS
from tm.handoff.omegat import export_omegat, import_omegat, project_name
from tm.ingest import TranslationInput, import_article, read_article
from tm.memory import export_document, import_tmx
from tm.models import Document, Segment, Track, Translation
from tm.terms.glossaries import import_glossary

CORPORA = Path(__file__).resolve().parent.parent / "corpora"
OMEGAT_TIMEOUT_S = 300


def _omegat(project: Path, config: Path) -> Path:
    """Run OmegaT 3.6's console translation on ``project``; return its stats file.

    Fails when OmegaT logs a glossary it could not read."""
    require_program("java")
    require_path(OMEGAT_JAR, "OmegaT")
    done = subprocess.run(
        ["java", "-Djava.awt.headless=true", "-Dfile.encoding=UTF-8", "-jar", str(OMEGAT_JAR),
         str(project), "--mode=console-translate", f"--config-dir={config}",
         "--disable-project-locking", "--no-team"],
        capture_output=True, text=True, timeout=OMEGAT_TIMEOUT_S, env={"LC_ALL": "C.UTF-8",
                                                                       "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    said = done.stdout + done.stderr
    unread = r"(?i)glossar\w*.*(error|exception)|(error|exception).*glossar"
    assert not re.search(unread, said), said
    return project / "omegat" / "project_stats.txt"


def _remaining(stats: Path) -> tuple[int, int]:
    text = stats.read_text(encoding="utf-8")
    total = int(re.search(r"^Total:\s*\t?\s*(\d+)", text, re.M).group(1))
    remaining = int(re.search(r"^Remaining:\s*\t?\s*(\d+)", text, re.M).group(1))
    return total, remaining


def _texts(session: Session, document: Document, track: str) -> dict[int, str]:
    return {t.segment_id: t.text for t in session.scalars(
        select(Translation).join(Track).join(Segment)
        .where(Segment.document_id == document.id, Track.name == track))}


def _unpacked(archive: Path, into: Path) -> Path:
    """Unzip the project ``archive`` as a translator would; return its folder."""
    with zipfile.ZipFile(archive) as opened:
        opened.extractall(into)
    (folder,) = into.iterdir()
    return folder


def test_the_project_is_what_omegat_opens_as_is(session: Session, tmp_path: Path) -> None:
    document = import_seed(session).document
    out = tmp_path / "seed.zip"
    report = export_omegat(session, out, document_id=document.id, track="human")
    name = project_name(document.id, "human")
    with zipfile.ZipFile(out) as archive:
        members = set(archive.namelist())
        project = archive.read(f"{name}/omegat.project").decode("utf-8")
    assert {f"{name}/{folder}/" for folder in ("source", "target", "tm", "tm/auto",
                                               "glossary", "dictionary", "omegat")} <= members
    assert f"{name}/source/{name}.xlf" in members
    assert "<sentence_seg>false</sentence_seg>" in project
    assert "<source_lang>ru</source_lang>" in project and "<target_lang>en</target_lang>" in project
    assert (report.segments, report.translated) == (24, 24)
    root = etree.fromstring(zipfile.ZipFile(out).read(f"{name}/source/{name}.xlf"))
    assert len(root.findall(f".//{{{XLIFF_12_NS}}}trans-unit")) == 24


@pytest.mark.slow
def test_omegat_translates_every_segment_from_the_memory_and_the_track_comes_back_identical(
        session: Session, tmp_path: Path) -> None:
    document = import_seed(session).document
    seed_tmx = tmp_path / "seed.tmx"
    export_document(session, seed_tmx, document_id=document.id, track="human")
    import_tmx(session, seed_tmx, memory="seed")
    terms = tmp_path / "desk.tsv"
    terms.write_text("Европейский парламент\tEuropean Parliament\tthe EU's\nОДКБ\tCSTO\t\n",
                     encoding="utf-8")
    import_glossary(session, terms, glossary="desk")
    out = tmp_path / "seed.zip"
    report = export_omegat(session, out, document_id=document.id, track="omegat",
                           match_memories=["seed"])
    assert (report.segments, report.translated) == (24, 0) and report.auto_units > 0
    assert report.glossary_terms == 2
    project = _unpacked(out, tmp_path / "unpacked")
    total, remaining = _remaining(_omegat(project, tmp_path / "config"))
    assert (total, remaining) == (24, 0)

    back = import_omegat(session, project, document_id=document.id, track="omegat",
                         author="olga")
    assert back.source == "target"
    assert (back.xliff.imported, back.xliff.untranslated) == (24, 0)
    assert _texts(session, document, "omegat") == _texts(session, document, "human")


@pytest.mark.slow
def test_a_fresh_article_known_only_to_the_memory_comes_back_with_its_exact_matches(
        session: Session, tmp_path: Path) -> None:
    folder = CORPORA / "sverka-2022-02-03-severogorsk-budget"
    known = import_article(session, read_article(folder / "ru.txt"), translations=[])
    session.flush()
    archive = tmp_path / "archive.tmx"
    translated = import_article(session, read_article(folder / "ru.txt"), translations=[
        TranslationInput(article=read_article(folder / "en.human.txt"))]).document
    export_document(session, archive, document_id=translated.id, track="human")
    # The memory knows most sentences as they are and one only nearly.
    text = archive.read_text(encoding="utf-8")
    first = re.search(r'<tuv xml:lang="ru">\s*<seg>([^<]{20,})</seg>', text).group(1)
    archive.write_text(text.replace(first, first[:-1] + " сегодня."), encoding="utf-8")
    import_tmx(session, archive, memory="desk")
    fresh = known.document
    out = tmp_path / "fresh.zip"
    export_omegat(session, out, document_id=fresh.id, track="omegat", match_memories=["desk"])
    project = _unpacked(out, tmp_path / "unpacked")
    total, remaining = _remaining(_omegat(project, tmp_path / "config"))
    back = import_omegat(session, project, document_id=fresh.id, track="omegat")
    assert total == back.xliff.read
    assert remaining == back.xliff.untranslated >= 1  # the near match stays for a person
    assert back.xliff.imported == total - remaining > 0


def test_a_project_without_a_target_document_comes_back_from_project_save(
        session: Session, tmp_path: Path) -> None:
    document = import_seed(session).document
    out = tmp_path / "seed.zip"
    export_omegat(session, out, document_id=document.id, track="human")
    back = import_omegat(session, out, document_id=document.id, track="copy")
    assert back.source == "project_save"
    assert back.xliff.imported == 24
    assert _texts(session, document, "copy") == _texts(session, document, "human")


@pytest.mark.parametrize("member, content, reason", [
    ("../evil.tmx", b"x", "outside its folder"),
    ("p/readme.txt", b"x", "no OmegaT project"),
])
def test_a_hostile_or_foreign_zip_is_refused(session: Session, tmp_path: Path, member: str,
                                             content: bytes, reason: str) -> None:
    document = import_seed(session).document
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr(member, content)
    with pytest.raises(InputError, match=reason):
        import_omegat(session, bad, document_id=document.id, track="x")
    not_zip = tmp_path / "not.zip"
    not_zip.write_bytes(b"PK\x03\x04 broken")
    with pytest.raises(InputError, match="not a zip file"):
        import_omegat(session, not_zip, document_id=document.id, track="x")
