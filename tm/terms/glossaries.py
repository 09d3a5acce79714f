"""Glossaries and their terms: the one module that writes them, with each term's history.

A glossary is named, in one language pair, like a memory. A term is a Russian source with
its English targets (the first preferred one is the one to use), part of speech,
definition, note, example, status, and the flags case-sensitive and do-not-translate.
Imports (TBX v2/v3, TSV, CSV; ``tm.formats.glossary``) are all or nothing and merge a term
whose source the glossary already has: its new targets are added, its empty fields filled.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tm.accounts.authorship import Author, author_fields
from tm.errors import ConflictError, NotFoundError, ValidationError
from tm.formats.glossary import GlossaryEntry, TargetTerm, read_glossary
from tm.lang import SOURCE_LANG, TARGET_LANG, normalize_lang
from tm.messages import Message
from tm.models import Glossary, GlossaryTerm, GlossaryTermRevision, TermStatus, utcnow
from tm.search.normalize import fold
from tm.terms.recognize import TermEntry, TermHit, TermIndex

NAME_MAX = 200
TERM_MAX = 500  # characters of a source or target term
FIELD_MAX = 5000  # characters of a definition, note or example
FORMATS = ("tbx", "tsv", "csv")


@dataclass(frozen=True)
class GlossarySummary:
    """A glossary for lists: its name, languages and size."""

    name: str
    src_lang: str
    tgt_lang: str
    terms: int

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "src_lang": self.src_lang, "tgt_lang": self.tgt_lang,
                "terms": self.terms}


@dataclass
class GlossaryImportReport:
    """What a glossary import read, imported, merged and skipped, and why."""

    file: str
    glossary: str
    format: str = ""
    read: int = 0
    imported: int = 0
    merged: int = 0
    skipped: Counter[Message] = field(default_factory=Counter)
    warnings: list[Message] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (skip reasons and warnings in English)."""
        return {"file": self.file, "glossary": self.glossary, "format": self.format,
                "read": self.read, "imported": self.imported, "merged": self.merged,
                "skipped": {str(reason): n for reason, n in self.skipped.items()},
                "warnings": [str(w) for w in self.warnings]}


def source_key(source: str) -> str:
    """The key a term's source is merged by: folded, spaces collapsed, bounded."""
    return " ".join(fold(source).split())[:NAME_MAX]


def _check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > NAME_MAX:
        raise ValidationError("glossary-name-invalid", "a glossary's name has 1 to {max} "
                              "characters", max=NAME_MAX)
    return name


def _check_entry(entry: GlossaryEntry) -> None:
    if not entry.source.strip() or len(entry.source) > TERM_MAX:
        raise ValidationError("term-source-invalid", "a term has 1 to {max} characters",
                              max=TERM_MAX)
    if not entry.targets or any(not t.text.strip() or len(t.text) > TERM_MAX
                                for t in entry.targets):
        raise ValidationError("term-target-invalid", "a term needs a target of 1 to {max} "
                              "characters", max=TERM_MAX)
    for value in (entry.definition, entry.note, entry.example):
        if value is not None and len(value) > FIELD_MAX:
            raise ValidationError("term-field-long", "a definition, note or example has at "
                                  "most {max} characters", max=FIELD_MAX)


def find_glossary(session: Session, name: str) -> Glossary | None:
    """Return the glossary called ``name``, or None."""
    return session.scalar(select(Glossary).where(Glossary.name == name))


def get_glossary(session: Session, name: str) -> Glossary:
    """Return the glossary called ``name`` or raise NotFoundError."""
    found = find_glossary(session, name)
    if found is None:
        raise NotFoundError("glossary-missing", "no glossary named {name!r}", name=name)
    return found


def get_or_create_glossary(session: Session, name: str, *, src: str = SOURCE_LANG,
                           tgt: str = TARGET_LANG) -> Glossary:
    """Return the glossary called ``name``, created in ``src``→``tgt`` if it is new."""
    found = find_glossary(session, _check_name(name))
    if found is not None:
        return found
    glossary = Glossary(name=_check_name(name), src_lang=src, tgt_lang=tgt)
    session.add(glossary)
    session.flush()
    return glossary


def list_glossaries(session: Session) -> list[GlossarySummary]:
    """Every glossary with its number of terms, by name."""
    counts: dict[int, int] = {glossary_id: count for glossary_id, count in session.execute(
        select(GlossaryTerm.glossary_id, func.count()).group_by(GlossaryTerm.glossary_id))}
    return [GlossarySummary(g.name, g.src_lang, g.tgt_lang, counts.get(g.id, 0))
            for g in session.scalars(select(Glossary).order_by(Glossary.name))]


def _fields(term: GlossaryTerm) -> dict[str, Any]:
    return {"source": term.source, "targets": term.targets,
            "part_of_speech": term.part_of_speech, "definition": term.definition,
            "note": term.note, "example": term.example, "status": term.status.value,
            "case_sensitive": term.case_sensitive, "do_not_translate": term.do_not_translate}


def _record(session: Session, term: GlossaryTerm, action: str, author: Author) -> None:
    session.add(GlossaryTermRevision(term=term, number=term.version, action=action,
                                     fields=_fields(term), changed_at=term.updated_at,
                                     **author_fields(author)))


def _targets(targets: Sequence[TargetTerm]) -> list[dict[str, str]]:
    return [{"text": t.text.strip(), "status": TermStatus(t.status).value} for t in targets]


def add_term(session: Session, glossary: Glossary, entry: GlossaryEntry, *,
             author: Author = None, action: str = "create") -> GlossaryTerm:
    """Add ``entry`` to ``glossary`` as a new term with its first revision."""
    _check_entry(entry)
    now = utcnow()
    term = GlossaryTerm(glossary=glossary, source=entry.source.strip(),
                        source_key=source_key(entry.source), targets=_targets(entry.targets),
                        part_of_speech=entry.part_of_speech, definition=entry.definition,
                        note=entry.note, example=entry.example,
                        status=TermStatus(entry.status), case_sensitive=entry.case_sensitive,
                        do_not_translate=entry.do_not_translate, created_at=now,
                        updated_at=now, version=1, **author_fields(author))
    session.add(term)
    _record(session, term, action, author)
    return term


def edit_term(session: Session, term: GlossaryTerm, entry: GlossaryEntry, *,
              author: Author = None, expected_version: int | None = None,
              action: str = "edit") -> GlossaryTerm:
    """Make ``term`` what ``entry`` says, keeping its earlier state in its history."""
    if expected_version is not None and term.version != expected_version:
        raise ConflictError("term-changed", "the term {source!r} was changed by someone else "
                            "since it was opened; reload it", source=term.source)
    _check_entry(entry)
    before = _fields(term)
    term.source, term.source_key = entry.source.strip(), source_key(entry.source)
    term.targets = _targets(entry.targets)
    term.part_of_speech, term.definition = entry.part_of_speech, entry.definition
    term.note, term.example, term.status = entry.note, entry.example, TermStatus(entry.status)
    term.case_sensitive, term.do_not_translate = entry.case_sensitive, entry.do_not_translate
    if _fields(term) == before:
        return term
    term.version += 1
    term.updated_at = utcnow()
    for name, value in author_fields(author).items():
        setattr(term, name, value)
    _record(session, term, action, author)
    return term


def delete_term(session: Session, term: GlossaryTerm) -> None:
    """Delete ``term`` with its history."""
    session.delete(term)


def entry_of(term: GlossaryTerm) -> GlossaryEntry:
    """``term`` as a file's entry (to export it, or to edit a copy)."""
    return GlossaryEntry(
        source=term.source, targets=tuple(TargetTerm(t["text"], t["status"])
                                          for t in term.targets),
        part_of_speech=term.part_of_speech, definition=term.definition, note=term.note,
        example=term.example, status=term.status.value, case_sensitive=term.case_sensitive,
        do_not_translate=term.do_not_translate)


def _merged(term: GlossaryTerm, entry: GlossaryEntry) -> GlossaryEntry:
    """``term`` with ``entry``'s new targets added and its empty fields filled."""
    known = {fold(t["text"]) for t in term.targets}
    targets = entry_of(term).targets + tuple(t for t in entry.targets
                                             if fold(t.text) not in known)
    current = entry_of(term)
    return GlossaryEntry(
        source=term.source, targets=targets,
        part_of_speech=current.part_of_speech or entry.part_of_speech,
        definition=current.definition or entry.definition, note=current.note or entry.note,
        example=current.example or entry.example, status=current.status,
        case_sensitive=current.case_sensitive or entry.case_sensitive,
        do_not_translate=current.do_not_translate or entry.do_not_translate)


def import_glossary(session: Session, path: str | Path, *, glossary: str,
                    src: str | None = None, tgt: str | None = None, author: Author = None,
                    name: str | None = None) -> GlossaryImportReport:
    """Import the glossary file at ``path`` (its format read from its content) into the
    glossary called ``glossary`` (created if new), in the caller's transaction."""
    label = name or str(path)
    existing = find_glossary(session, _check_name(glossary))
    src_lang = normalize_lang(src or (existing.src_lang if existing else SOURCE_LANG))
    tgt_lang = normalize_lang(tgt or (existing.tgt_lang if existing else TARGET_LANG))
    reader = read_glossary(path, src=src_lang, tgt=tgt_lang, name=label)
    report = GlossaryImportReport(label, glossary)
    entries = list(reader.entries())
    report.format, report.warnings = reader.format, list(reader.warnings)
    report.skipped.update(reader.skipped)
    target = get_or_create_glossary(session, glossary, src=src_lang, tgt=tgt_lang)
    by_key = {t.source_key: t for t in session.scalars(
        select(GlossaryTerm).where(GlossaryTerm.glossary_id == target.id))}
    for entry in entries:
        report.read += 1
        key = source_key(entry.source)
        current = by_key.get(key)
        if current is not None:
            edit_term(session, current, _merged(current, entry), author=author,
                      action="import")
            report.merged += 1
        else:
            by_key[key] = add_term(session, target, entry, author=author, action="import")
            report.imported += 1
    session.flush()
    return report


def glossary_terms(session: Session, glossary: str) -> list[GlossaryTerm]:
    """The terms of ``glossary``, by source."""
    target = get_glossary(session, glossary)
    return list(session.scalars(select(GlossaryTerm).where(
        GlossaryTerm.glossary_id == target.id).order_by(GlossaryTerm.source_key)))


def export_glossary(session: Session, out: str | Path | IO[bytes], *, glossary: str,
                    format: str = "tbx") -> int:
    """Write ``glossary`` to ``out`` as TBX (v2, TBX-Basic), TSV (OmegaT's) or CSV."""
    from tm.formats.glossary import write_csv, write_tbx, write_tsv

    if format not in FORMATS:
        raise ValidationError("glossary-format-choice", "unknown glossary format {format!r}: "
                              "use tbx, tsv or csv", format=format)
    target = get_glossary(session, glossary)
    entries = [entry_of(t) for t in glossary_terms(session, glossary)]
    if format == "tbx":
        write_tbx(out, entries, src=target.src_lang, tgt=target.tgt_lang)
    elif format == "tsv":
        write_tsv(out, entries)
    else:
        write_csv(out, entries)
    return len(entries)


def term_entries(session: Session, glossaries: Iterable[str] | None = None) -> list[TermEntry]:
    """What recognition needs of the terms of ``glossaries`` (default: every glossary)."""
    stmt = select(GlossaryTerm)
    if glossaries is not None:
        names = list(glossaries)
        ids = [get_glossary(session, n).id for n in names]
        stmt = stmt.where(GlossaryTerm.glossary_id.in_(ids))
    return [TermEntry(id=t.id, source=t.source, target=t.target,
                      case_sensitive=t.case_sensitive, note=t.note)
            for t in session.scalars(stmt.order_by(GlossaryTerm.id))]


def find_terms(session: Session, texts: Sequence[str],
               glossaries: Iterable[str] | None = None) -> list[list[TermHit]]:
    """The terms recognised in each of ``texts``, in every word form."""
    index = TermIndex.build(term_entries(session, glossaries))
    return [index.find(text) for text in texts]


def search_terms(session: Session, glossary: str, query: str) -> list[GlossaryTerm]:
    """The terms of ``glossary`` whose source holds the words of ``query`` in any form, or
    whose target holds ``query``."""
    query = query.strip()
    if not query or len(query) > TERM_MAX:
        raise ValidationError("term-query-invalid", "look for 1 to {max} characters",
                              max=TERM_MAX)
    index = TermIndex.build([TermEntry(id=0, source=query, target="")])
    folded = fold(query)
    return [t for t in glossary_terms(session, glossary)
            if index.find(t.source) or any(folded in fold(x["text"]) for x in t.targets)]
