"""A ready OmegaT 3.6 project of a document, zipped, and the translations taken back from it.

The project folder (``sverka-DOC-TRACK/``) holds what OmegaT opens as is:

- ``omegat.project``: ru→en, **sentence segmentation off**, so each of Sverka's segments is
  one OmegaT segment (OmegaT's own rules split "г. Москва");
- ``source/DOC.xlf``: the document as XLIFF 1.2 in the ``omegat`` flavour (every target
  holds the source, which OmegaT's XLIFF filter translates);
- ``omegat/project_save.tmx``: the track's own translations, which OmegaT shows as done;
- ``tm/auto/matches.tmx``: the memory units that match the document's segments (exact ones
  OmegaT inserts, fuzzy ones it offers), ``tm/MEMORY.tmx``: whole memories asked for;
- ``glossary/NAME.utf8``: each glossary of the language pair in OmegaT's TSV;
- ``dictionary/``, ``target/``: empty, as OmegaT expects.

Taking it back reads the translated ``target/DOC.xlf`` and, where the translator's OmegaT
made no target document, ``omegat/project_save.tmx``.
"""
from __future__ import annotations

import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from tm.documents import get_document
from tm.errors import InputError
from tm.formats.tmx import TmxUnit, TmxWriter, Variant, read_tmx
from tm.formats.xliff.units import XliffUnit
from tm.handoff.xliff_export import export_xliff, handoff_units
from tm.handoff.xliff_import import XliffImportReport, import_units, import_xliff
from tm.lang import primary_language
from tm.memory.tmx_export import export_memory
from tm.models import Role
from tm.search.fuzzy import fuzzy

# Memory units put in tm/auto for each segment: the best few from this score on.
AUTO_MIN_SCORE = 75
AUTO_LIMIT = 3
# What is read from a project handed back: these members, up to these sizes.
MAX_MEMBER_BYTES = 256 * 1024**2
MAX_MEMBERS = 10_000
PROJECT_FILE = "omegat.project"
SAVE_TMX = "omegat/project_save.tmx"
FOLDERS = ("source", "target", "tm", "tm/auto", "glossary", "dictionary", "omegat")

_PROJECT = """<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<omegat>
  <project version="1.0">
    <source_dir>__DEFAULT__</source_dir>
    <source_dir_excludes>
      <mask>**/.svn/**</mask>
      <mask>**/.git/**</mask>
    </source_dir_excludes>
    <target_dir>__DEFAULT__</target_dir>
    <tm_dir>__DEFAULT__</tm_dir>
    <glossary_dir>__DEFAULT__</glossary_dir>
    <glossary_file>__DEFAULT__</glossary_file>
    <dictionary_dir>__DEFAULT__</dictionary_dir>
    <source_lang>{source}</source_lang>
    <target_lang>{target}</target_lang>
    <source_tok>org.omegat.tokenizer.LuceneRussianTokenizer</source_tok>
    <target_tok>org.omegat.tokenizer.LuceneEnglishTokenizer</target_tok>
    <sentence_seg>false</sentence_seg>
    <support_default_translations>true</support_default_translations>
    <remove_tags>false</remove_tags>
  </project>
</omegat>
"""


@dataclass
class OmegatExportReport:
    """What an OmegaT project holds."""

    file: str
    document_id: int
    track: str
    project: str
    segments: int = 0
    translated: int = 0
    auto_units: int = 0
    memories: dict[str, int] = field(default_factory=dict)
    glossary_terms: int = 0

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {"file": self.file, "document_id": self.document_id, "track": self.track,
                "project": self.project, "segments": self.segments,
                "translated": self.translated, "auto_units": self.auto_units,
                "memories": dict(self.memories), "glossary_terms": self.glossary_terms}


def project_name(document_id: int, track: str) -> str:
    """The project's folder name: ``sverka-DOC-TRACK`` (the track's name made safe)."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in track)[:60]
    return f"sverka-{document_id}-{safe}"


def _pair(src_lang: str, tgt_lang: str, source: str, target: str) -> TmxUnit:
    return TmxUnit(variants=(Variant(lang=src_lang, raw_lang=src_lang, text=source),
                             Variant(lang=tgt_lang, raw_lang=tgt_lang, text=target)))


def export_omegat(session: Session, out: str | Path, *, document_id: int, track: str,
                  memories: Iterable[str] = (), match_memories: Iterable[str] | None = None
                  ) -> OmegatExportReport:
    """Write the OmegaT project of ``track`` of document ``document_id`` to the zip ``out``.

    ``memories`` are put whole into ``tm/``; ``tm/auto`` gets the units of
    ``match_memories`` (default: every memory of the language pair) matching a segment.
    """
    document = get_document(session, document_id)
    name = project_name(document.id, track)
    report = OmegatExportReport(str(out), document.id, track, name)
    src, tgt = document.src_lang, document.tgt_lang
    names = list(match_memories) if match_memories is not None else None
    with tempfile.TemporaryDirectory(prefix="sverka-omegat-") as work:
        root = Path(work) / name
        for folder in FOLDERS:
            (root / folder).mkdir(parents=True, exist_ok=True)
        (root / PROJECT_FILE).write_text(_PROJECT.format(source=src, target=tgt),
                                         encoding="utf-8")
        exported = export_xliff(session, root / "source" / f"{name}.xlf",
                                document_id=document.id, track=track, flavour="omegat",
                                with_matches=False)
        report.segments = exported.units
        units = list(handoff_units(session, document.id, track))
        with TmxWriter(root / SAVE_TMX, srclang=src) as saved:
            for unit in units:
                if unit.translation is not None and unit.translation.text.strip():
                    saved.write(_pair(src, tgt, unit.source, unit.translation.text))
                    report.translated += 1
        seen: set[tuple[str, str]] = set()
        with TmxWriter(root / "tm" / "auto" / "matches.tmx", srclang=src) as auto:
            for at, unit in enumerate(units):
                before = units[at - 1].source if at else None
                after = units[at + 1].source if at + 1 < len(units) else None
                for match in fuzzy(session, unit.source, src=src, tgt=tgt, memories=names,
                                   min_score=AUTO_MIN_SCORE, limit=AUTO_LIMIT,
                                   before=before, after=after):
                    pair = (match.source, match.target)
                    if match.target.strip() and pair not in seen:
                        seen.add(pair)
                        auto.write(_pair(src, tgt, *pair))
        report.auto_units = len(seen)
        for memory in memories:
            whole = export_memory(session, root / "tm" / f"{_safe(memory)}.tmx", memory=memory)
            report.memories[memory] = whole.units
        report.glossary_terms = _write_glossaries(session, root / "glossary", src=src,
                                                  tgt=tgt)
        _zip(root, Path(out))
    return report


def _write_glossaries(session: Session, folder: Path, *, src: str, tgt: str) -> int:
    """Write each glossary of the document's language pair as OmegaT's TSV (``.utf8``:
    UTF-8, tab-separated); return how many terms."""
    from tm.formats.glossary import write_tsv
    from tm.lang import primary_language
    from tm.terms.glossaries import entry_of, glossary_terms, list_glossaries

    written = 0
    for glossary in list_glossaries(session):
        if (primary_language(glossary.src_lang), primary_language(glossary.tgt_lang)) != (
                primary_language(src), primary_language(tgt)) or not glossary.terms:
            continue
        entries = [entry_of(t) for t in glossary_terms(session, glossary.name)]
        write_tsv(folder / f"{_safe(glossary.name)}.utf8", entries)
        written += len(entries)
    return written


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)[:80]


def _zip(root: Path, out: Path) -> None:
    """Zip the folder ``root`` (its name the zip's top folder) to ``out``, atomically."""
    partial = out.with_name(f".{out.name}.part")
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(root.rglob("*")):
                member = f"{root.name}/{path.relative_to(root).as_posix()}"
                if path.is_dir():
                    archive.writestr(member + "/", b"")
                else:
                    archive.write(path, member)
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)


@dataclass
class OmegatImportReport:
    """What was taken back from an OmegaT project."""

    source: str  # "target" (the translated XLIFF) or "project_save" (OmegaT's own TMX)
    xliff: XliffImportReport

    def as_dict(self) -> dict[str, Any]:
        return {**self.xliff.as_dict(), "from": self.source}


def _project_root(folder: Path) -> Path:
    """The folder holding ``omegat.project``: ``folder`` or its one subfolder."""
    if (folder / PROJECT_FILE).is_file():
        return folder
    inside = [p for p in folder.iterdir() if (p / PROJECT_FILE).is_file()]
    if len(inside) != 1:
        raise InputError("omegat-project-missing", "{name}: no OmegaT project in it (no "
                         "omegat.project)", name=str(folder))
    return inside[0]


def _unzipped(path: Path, into: Path, name: str) -> Path:
    """Extract what an import reads from the zip ``path`` (no paths outside, bounded)."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise InputError("omegat-zip-invalid", "{name}: not a zip file ({reason})", name=name,
                         reason=str(error)) from error
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise InputError("omegat-zip-too-many", "{name}: more than {max} files in the "
                             "zip", name=name, max=MAX_MEMBERS)
        for member in members:
            parts = Path(member.filename).parts
            wanted = member.filename.endswith((PROJECT_FILE, ".xlf", ".xliff", ".tmx"))
            if member.is_dir() or not wanted:
                continue
            if member.filename.startswith("/") or ".." in parts:
                raise InputError("omegat-zip-unsafe", "{name}: the zip names a file outside "
                                 "its folder ({member})", name=name, member=member.filename)
            if member.file_size > MAX_MEMBER_BYTES:
                raise InputError("omegat-zip-member-large", "{name}: {member} is larger than "
                                 "{max:,} bytes", name=name, member=member.filename,
                                 max=MAX_MEMBER_BYTES)
            target = into.joinpath(*parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(member) as source, open(target, "wb") as copy:
                shutil.copyfileobj(source, copy)
    return _project_root(into)


def import_omegat(session: Session, path: str | Path, *, document_id: int, track: str,
                  author: Any = None, role: Role = Role.ADMIN,
                  name: str | None = None) -> OmegatImportReport:
    """Take the translations of an OmegaT project (a folder or a zip) back into ``track``.

    The translated XLIFF in ``target/`` is read when OmegaT made one; otherwise the
    project's ``omegat/project_save.tmx``, matched to the segments by their source text.
    All or nothing, in the caller's transaction.
    """
    path = Path(path)
    label = name or str(path)
    if not path.exists():
        raise InputError("file-missing", "{name}: no such file", name=label)
    with tempfile.TemporaryDirectory(prefix="sverka-omegat-in-") as work:
        root = _project_root(path) if path.is_dir() else _unzipped(path, Path(work), label)
        targets = sorted((root / "target").glob("*.xlf")) if (root / "target").is_dir() else []
        if len(targets) > 1:
            raise InputError("omegat-targets-several", "{name}: target/ holds several XLIFF "
                             "files; Sverka's projects hold one", name=label)
        if targets:
            report = import_xliff(session, targets[0], document_id=document_id, track=track,
                                  author=author, role=role, omegat=True,
                                  name=f"{label}: target/{targets[0].name}")
            return OmegatImportReport("target", report)
        saved = root / SAVE_TMX
        if not saved.is_file():
            raise InputError("omegat-nothing-translated", "{name}: neither a translated "
                             "document in target/ nor omegat/project_save.tmx; nothing "
                             "imported", name=label)
        return OmegatImportReport("project_save", _import_saved(
            session, saved, document_id=document_id, track=track, author=author, role=role,
            name=f"{label}: {SAVE_TMX}"))


def _import_saved(session: Session, saved: Path, *, document_id: int, track: str,
                  author: Any, role: Role, name: str) -> XliffImportReport:
    """Write the translations of OmegaT's ``project_save.tmx`` whose source is a unit's:
    each unit of the document gets the translation its source has there, if any."""
    document = get_document(session, document_id)
    found: dict[str, str] = {}
    for pair in read_tmx(saved, name=name).units():
        texts = {primary_language(v.lang): v.text for v in pair.variants}
        source = texts.get(primary_language(document.src_lang))
        target = texts.get(primary_language(document.tgt_lang))
        if source and target and target.strip():
            found[" ".join(source.split())] = target  # the last one wins, as in OmegaT
    units = [XliffUnit(unit.unit_id, unit.source, found.get(" ".join(unit.source.split())))
             for unit in handoff_units(session, document.id, track)]
    if not any(unit.target for unit in units):
        raise InputError("omegat-nothing-matches", "{name}: none of its translations is of a "
                         "segment of document {document}; nothing imported", name=name,
                         document=document.id)
    return import_units(session, units, document_id=document.id, track=track, author=author,
                        role=role, name=name, omegat=True, version="tmx")
