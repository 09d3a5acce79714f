"""Run-together lists: where the items of a list written on one line begin.

"1. The first item 2. The second item", "a) одно b) другое", "• один • два": a list
whose items share a line has no final punctuation to cut at, and the period of
a marker ("2.") before a capital looks like a sentence end. A marker is a
number of 1-3 digits or one lower-case letter, then "." , ")" or ".)", at the
line start or after white space; markers in sequence (1, 2, 3 or a, b, c) and of
one style, the first at the line start or after a colon, make a list, and each
later one starts an item, when the items begin as sentences do (with a
capital) and no comma joins them: "слоги: 1) уд 2) ут" is an enumeration
inside a sentence. The markers' own periods end no sentence. A line that
starts with a bullet character has an item at each bullet after white space.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

# Letters in the order lists use them (Russian lists skip ё, й, ъ, ы, ь).
ALPHABETS = ("abcdefghijklmnopqrstuvwxyz", "абвгдежзиклмнопрстуфхцчшщэюя")
SUCCESSOR = {a: b for alphabet in ALPHABETS for a, b in zip(alphabet, alphabet[1:], strict=False)}
LETTERS = frozenset("".join(ALPHABETS))
# An item is written as a sentence: a capital (or a digit) after the marker.
_ITEM_HEAD = r"\s+(?:[^\w]|_)*[A-ZА-ЯЁ\d]"
ITEM_START = re.compile(_ITEM_HEAD)
MARKER_STYLES = frozenset({".", ")", ".)"})
MAX_DIGITS = 3
BULLETS = "•‣⁃◦▪●"
BULLET_CHARS = re.compile(f"[{BULLETS}]")

# A later item's marker, after white space and before a capital: a line without
# one holds no list. The pattern begins with the marker's "." or ")", so the
# search skips to those in C, and looks behind for the number or letter.
LATER_MARKER = re.compile(
    r"[.)](?:(?<=\s\d.)|(?<=\s\d\d.)|(?<=\s\d\d\d.)|(?<=\s[a-zа-я].))"
    r"\)?" + _ITEM_HEAD)

# (where the marker begins, its number or letter, its style, where its candidate begins)
Marker = tuple[int, str, str, int]


def may_hold_list(text: str, start: int, end: int) -> bool:
    """Tell, by one search in C, whether ``text[start:end]`` may hold a run-together list."""
    return text[start] in BULLETS or LATER_MARKER.search(text, start, end) is not None


def find_items(text: str, start: int, end: int,
               candidates: Sequence[re.Match[str]]) -> tuple[list[int], set[int]]:
    """Return where the later items of run-together lists begin, ascending, and the
    starts of the candidates that end their markers (which end no sentence)."""
    cuts = _bullet_items(text, start, end)
    markers: set[int] = set()
    run: list[Marker] = []
    for candidate in candidates:
        marker = _marker(text, start, candidate)
        if marker is None:
            continue
        if run and _follows(run[-1], marker):
            run.append(marker)
            continue
        _keep(text, start, run, cuts, markers)
        run = [marker]
    _keep(text, start, run, cuts, markers)
    return sorted(set(cuts)), markers


def _marker(text: str, start: int, candidate: re.Match[str]) -> Marker | None:
    """Return the marker that ``candidate`` ends ("2." , "b)", "3.)"), if it ends one."""
    style = candidate.group()
    if style not in MARKER_STYLES:
        return None
    at = i = candidate.start()
    while i > start and at - i < MAX_DIGITS and text[i - 1].isdecimal():
        i -= 1
    if i == at and i > start and text[i - 1] in LETTERS:
        i -= 1
    if i == at or (i > start and not text[i - 1].isspace()):
        return None
    return i, text[i:at], style, at


def _follows(previous: Marker, marker: Marker) -> bool:
    """Whether ``marker`` is the next of ``previous`` in one list: 1 then 2, a then b."""
    before, style = previous[1], previous[2]
    value, next_style = marker[1], marker[2]
    if style != next_style:
        return False
    if before.isdecimal() and value.isdecimal():
        return int(value) == int(before) + 1
    return SUCCESSOR.get(before) == value


def _keep(text: str, start: int, run: list[Marker], cuts: list[int], markers: set[int]) -> None:
    """Add the items of ``run`` to ``cuts`` and ``markers`` if it makes a list."""
    if len(run) < 2:
        return
    before = text[start:run[0][0]].rstrip()
    if before and not before.endswith(":"):
        return
    # Items in lower case, or joined by commas, are an enumeration inside a
    # sentence: "слоги: 1) уд 2) ут", "1) уд, 2) ут".
    if any(not ITEM_START.match(text, candidate + len(style))
           for _, _, style, candidate in run):
        return
    if any(_before(text, at) == "," for at, _, _, _ in run[1:]):
        return
    cuts.extend(at for at, _, _, _ in run[1:])
    markers.update(candidate for _, _, _, candidate in run)


def _before(text: str, at: int) -> str:
    """Return the last character before ``at`` that is not white space, or ""."""
    while at and text[at - 1].isspace():
        at -= 1
    return text[at - 1] if at else ""


def _bullet_items(text: str, start: int, end: int) -> list[int]:
    """Return the bullets after white space of a line that starts with one."""
    if text[start] not in BULLETS:
        return []
    return [m.start() for m in BULLET_CHARS.finditer(text, start + 1, end)
            if text[m.start() - 1].isspace()]
