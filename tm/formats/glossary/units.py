"""What a glossary file holds, whatever its format: entries of a source term and its targets.

A TBX concept with two Russian terms is two entries sharing their targets; a TSV line or a
CSV row is one entry. Statuses are Sverka's three: a target is ``preferred`` (use it),
``admitted`` (acceptable) or ``forbidden`` (never use it; TBX's deprecated and superseded
terms). ``line`` says where an entry starts in its file, for reports; it is not part of
the entry's value (two entries read from different lines compare equal).
"""
from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TextIO

from tm.errors import ValidationError
from tm.lang import normalize_lang
from tm.messages import Message

PREFERRED = "preferred"
ADMITTED = "admitted"
FORBIDDEN = "forbidden"
STATUSES = (PREFERRED, ADMITTED, FORBIDDEN)
# What files call the statuses: TBX's administrativeStatus (and TBX 2008's
# normativeAuthorization) values, with or without "-admn-sts", and the words a CSV uses.
# Standardized, legal and regulated terms are ones to use: preferred.
STATUS_WORDS: dict[str, str] = {
    **{word: PREFERRED for word in (
        "preferred", "preferredterm", "standardizedterm", "legalterm", "regulatedterm",
        "предпочтительный", "предпочтительно", "основной")},
    **{word: ADMITTED for word in ("admitted", "admittedterm", "допустимый", "допустимо")},
    **{word: FORBIDDEN for word in (
        "forbidden", "deprecated", "deprecatedterm", "superseded", "supersededterm",
        "запрещённый", "запрещенный", "запрещено", "устаревший")},
}


@dataclass(frozen=True)
class TargetTerm:
    """One translation of a source term, with its status."""

    text: str
    status: str = PREFERRED


@dataclass(frozen=True)
class GlossaryEntry:
    """A source term, its targets (the first preferred one is *the* target) and what a
    translator is told about it."""

    source: str
    targets: tuple[TargetTerm, ...]
    part_of_speech: str | None = None
    definition: str | None = None
    note: str | None = None
    example: str | None = None
    status: str = PREFERRED  # the source term's own
    case_sensitive: bool = False
    do_not_translate: bool = False
    line: int | None = field(default=None, compare=False)

    @property
    def target(self) -> str | None:
        """The target to use: the first preferred one, else the first admitted one."""
        for wanted in (PREFERRED, ADMITTED):
            for term in self.targets:
                if term.status == wanted:
                    return term.text
        return None


def status_of(value: str) -> str | None:
    """Return Sverka's status for a file's word for it, None when it is not one."""
    word = value.strip().lower().replace(" ", "")
    return STATUS_WORDS.get(word.removesuffix("-admn-sts"))


def unknown_status(value: str, line: int | None) -> Message:
    """The warning for a status that is not understood."""
    return Message("glossary-status-unknown", "status {value!r} (first at line {line}) is "
                   "not known; read as preferred", value=value, line=line)


def language_side(tag: str, src: str, tgt: str) -> str | None:
    """Return "src" or "tgt" when ``tag`` is the source or target language (the same tag,
    else the same primary subtag: ru-RU is ru), None otherwise."""
    try:
        found = normalize_lang(tag)
    except ValidationError:
        return None
    source, target = normalize_lang(src), normalize_lang(tgt)
    if found in (source, target):
        return "src" if found == source else "tgt"
    primary = found.split("-", 1)[0]
    sides = [side for side, lang in (("src", source), ("tgt", target))
             if lang.split("-", 1)[0] == primary]
    return sides[0] if len(sides) == 1 else None


@contextmanager
def text_output(out: str | Path | IO[bytes], *, bom: bool = False) -> Iterator[TextIO]:
    """Write UTF-8 text to ``out``, a path (created, then closed) or a binary stream (left
    open: the caller's to close)."""
    raw: IO[bytes] = open(out, "wb") if isinstance(out, (str, Path)) else out
    text = io.TextIOWrapper(raw, encoding="utf-8-sig" if bom else "utf-8",
                            newline="")
    try:
        yield text
        text.flush()
    finally:
        if raw is out:
            text.detach()
        else:
            text.close()
