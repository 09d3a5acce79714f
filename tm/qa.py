"""Quality checks of one translation against its source: pure functions, no database.

Each check is a small named predicate returning a warning or None; ``check`` runs them all.
Warnings carry a code (for filters and the UI's translated labels) and a detail: what was
found, as data (the words left untranslated) or as a ``Message`` worded for the reader.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from tm.messages import DEFAULT_LANGUAGE, Message, render
from tm.tokens import DATE_TOKEN

# English news runs 0.9–1.2 times its Russian source in characters; beyond these bounds a
# sentence is probably cut short or padded. Short sentences vary too much to judge.
MIN_RATIO = 0.45
MAX_RATIO = 2.2
RATIO_MIN_CHARS = 25
# Month names in both languages, so "21 янв" and "January 21" count as the same date.
# Whole words only (a stem would take «сенатор» for September); English capitalised, as
# "may" is also a verb.
_RU_MONTHS = ("январ[ьяе]|янв", "феврал[ьяе]|фев", "март[ае]?|мар", "апрел[ьяе]|апр",
              "ма[йяе]", "июн[ьяе]?", "июл[ьяе]?", "август[ае]?|авг", "сентябр[ьяе]|сент?",
              "октябр[ьяе]|окт", "ноябр[ьяе]|нояб?", "декабр[ьяе]|дек")
_EN_MONTHS = ("Jan(?:uary)?", "Feb(?:ruary)?", "Mar(?:ch)?", "Apr(?:il)?", "May",
              "June?", "July?", "Aug(?:ust)?", "Sept?(?:ember)?", "Oct(?:ober)?",
              "Nov(?:ember)?", "Dec(?:ember)?")
# One pattern, a named group per month: a single match tells whether and which month.
_MONTH_WORD = re.compile("|".join(
    rf"(?P<m{month}>{ru}|{en})"
    for month, (ru, en) in enumerate(zip(_RU_MONTHS, _EN_MONTHS, strict=True), start=1)))
_NUMBER = re.compile(r"\d+(?:[.,\u00a0 ]\d{3})*(?:[.,]\d+)?")
_CYRILLIC = re.compile(r"[А-Яа-яЁё]+")
_DOUBLE_SPACE = re.compile(r"\S {2,}\S")
BRACKETS = (("(", ")"), ("[", "]"), ("{", "}"))


@dataclass(frozen=True, slots=True)
class QaWarning:
    """A QA finding: ``code`` names the check, ``detail`` says what was found."""

    code: str
    detail: str | Message = ""

    def worded(self, language: str = DEFAULT_LANGUAGE) -> str:
        """Return the detail in ``language`` (data, such as a ratio, as it is)."""
        return render(self.detail, language) if isinstance(self.detail, Message) else self.detail

    def as_dict(self, language: str = DEFAULT_LANGUAGE) -> dict[str, str]:
        """Return a JSON-ready dict, its detail worded in ``language``."""
        return {"code": self.code, "detail": self.worded(language)}


def numbers(text: str) -> list[str]:
    """Return the numbers of ``text`` normalised (thousand separators out, comma as point)."""
    found = []
    for match in _NUMBER.finditer(text):
        raw = match.group().replace("\u00a0", "").replace(" ", "")
        # "1,5" (Russian decimal) and "1.5" are one number; "1,000" is a thousand.
        if re.fullmatch(r"\d{1,3}(,\d{3})+", raw):
            raw = raw.replace(",", "")
        elif re.fullmatch(r"\d{1,3}(\.\d{3})+", raw) and raw.count(".") > 1:
            raw = raw.replace(".", "")
        found.append(raw.replace(",", "."))
    return sorted(found)


def check_numbers(source: str, target: str) -> QaWarning | None:
    """Warn when the numbers of source and target differ."""
    src, tgt = numbers(source), numbers(target)
    if src != tgt:
        missing = ", ".join(sorted(set(src) - set(tgt)))
        extra = ", ".join(sorted(set(tgt) - set(src)))
        if missing and extra:
            detail = Message("qa-numbers-missing-extra", "missing {missing}; extra {extra}",
                             missing=missing, extra=extra)
        elif missing:
            detail = Message("qa-numbers-missing", "missing {missing}", missing=missing)
        elif extra:
            detail = Message("qa-numbers-extra", "extra {extra}", extra=extra)
        else:
            detail = Message("qa-numbers-counts", "counts differ")
        return QaWarning("numbers", detail)
    return None


def _month_numbers(text: str) -> list[int]:
    # A month counts as a date only next to a day or year number: «январских событий» and
    # "January events" are not dates. Most sentences have no number and cost nothing.
    if not any(map(str.isdigit, text)):  # map: the loop runs in C, not in a generator
        return []
    tokens = DATE_TOKEN.findall(text)
    digits = [t.isdigit() for t in tokens] + [False]  # [-1] reads this end's False
    found = []
    for i, word in enumerate(tokens):
        if digits[i] or not (digits[i - 1] or digits[i + 1]):
            continue
        match = _MONTH_WORD.fullmatch(word)
        if match:
            found.append(int(str(match.lastgroup)[1:]))
    return sorted(found)


def check_dates(source: str, target: str) -> QaWarning | None:
    """Warn when the months named in source and target differ."""
    if _month_numbers(source) != _month_numbers(target):
        return QaWarning("dates", Message("qa-months-differ", "months differ"))
    return None


def _quotes_unbalanced(text: str) -> bool:
    if text.count('"') % 2 or text.count("«") != text.count("»"):
        return True
    if "„" in text:  # „…“ (Russian, German): “ closes
        return text.count("„") != text.count("“")
    return text.count("“") != text.count("”")


def check_pairs(source: str, target: str) -> QaWarning | None:
    """Warn about brackets or quotes the target leaves open (and the source does not).

    A quotation can run over several sentences: a source sentence that opens one without
    closing it excuses its translation for doing the same.
    """
    for left, right in BRACKETS:
        if target.count(left) - target.count(right) != source.count(left) - source.count(right):
            return QaWarning("unpaired", f"{left} {right}")
    if _quotes_unbalanced(target) and not _quotes_unbalanced(source):
        return QaWarning("unpaired", '"')
    return None


def check_empty(_source: str, target: str) -> QaWarning | None:
    """Warn when the target is empty."""
    return QaWarning("empty") if not target.strip() else None


def check_identical(source: str, target: str) -> QaWarning | None:
    """Warn when the target is the untranslated source."""
    if target.strip() and source.strip() == target.strip() and _CYRILLIC.search(source):
        return QaWarning("identical")
    return None


def check_length(source: str, target: str) -> QaWarning | None:
    """Warn when the target is suspiciously short or long for its source."""
    if len(source) < RATIO_MIN_CHARS or not target.strip():
        return None
    ratio = len(target) / len(source)
    if ratio < MIN_RATIO or ratio > MAX_RATIO:
        return QaWarning("length", f"{ratio:.2f}")
    return None


def check_double_spaces(_source: str, target: str) -> QaWarning | None:
    """Warn about double spaces inside the target."""
    return QaWarning("spaces") if _DOUBLE_SPACE.search(target) else None


def check_cyrillic(_source: str, target: str) -> QaWarning | None:
    """Warn about Cyrillic words left in the English target."""
    words = _CYRILLIC.findall(target)
    return QaWarning("cyrillic", " ".join(words[:5])) if words else None


CHECKS: tuple[Callable[[str, str], QaWarning | None], ...] = (
    check_empty, check_identical, check_numbers, check_dates, check_pairs, check_length,
    check_double_spaces, check_cyrillic,
)
CODES = ("empty", "identical", "numbers", "dates", "unpaired", "length", "spaces", "cyrillic")


def check(source: str, target: str | None) -> list[QaWarning]:
    """Run every check on ``source`` and its ``target``; an empty target only warns 'empty'."""
    target = target or ""
    if not target.strip():
        return [QaWarning("empty")]
    return [w for w in (c(source, target) for c in CHECKS) if w is not None]
