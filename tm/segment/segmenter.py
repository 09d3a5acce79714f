"""Split text into sentences: lines first, then candidate boundaries decided by rules."""
from __future__ import annotations

import re
from collections.abc import Iterable

from tm.segment.candidates import Candidate, find_candidates
from tm.segment.languages import Profile, profile_for
from tm.segment.lists import find_items, may_hold_list
from tm.segment.pairs import QuoteTracker
from tm.segment.rules import RULES, RULES_BY_KIND, Rule, RuleTable, by_kind, decide
from tm.segment.span import Span

# A line break always ends a sentence: headlines and list lines have no final stop.
LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"  # those of str.splitlines
LINE = re.compile(f"[^{LINE_BREAKS}]+")
HAS_LINE_BREAK = re.compile(f"[{LINE_BREAKS}]")
CONTENT = re.compile(r"\S(?:.*\S)?", re.DOTALL)
# A piece with no letter or digit (an emoji, "))))", "***") or only hashtags
# belongs to the sentence before it.
WORDLESS = re.compile(r"(?:[^\w#]|_)*|(?:\s*#\w+)+\W*")


def split_sentences(text: str, lang: str, *, rules: list[Rule] = RULES) -> list[Span]:
    """Split ``text`` into sentence spans; ``lang`` is a tag such as "ru" or "en-GB"."""
    profile = profile_for(lang)
    table = RULES_BY_KIND if rules is RULES else by_kind(rules)
    spans: list[Span] = []
    if not HAS_LINE_BREAK.search(text):  # one line: most paragraphs and units
        content = CONTENT.search(text)
        if content:
            _split_line(text, content.start(), content.end(), profile, table, spans)
        return spans
    for line in LINE.finditer(text):
        content = CONTENT.search(text, line.start(), line.end())
        if content:
            _split_line(text, content.start(), content.end(), profile, table, spans)
    return spans


def _split_line(text: str, start: int, end: int, profile: Profile,
                table: RuleTable, spans: list[Span]) -> None:
    """Append the sentences of ``text[start:end]`` (stripped, one line) to ``spans``."""
    pieces: list[tuple[int, int]] = []
    sentence_start = start
    quotes = QuoteTracker(text, start, end)
    # Without salutations the rules join at every comma (and a custom list may not).
    commas = profile.salutations is not None or table is not RULES_BY_KIND
    matches: Iterable[re.Match[str]] = find_candidates(text, start, end, commas=commas)
    # Items of a list run together on the line start sentences of their own.
    items: list[int] = []
    markers: set[int] | frozenset[int] = frozenset()
    if may_hold_list(text, start, end):
        matches = list(matches)
        items, markers = find_items(text, start, end, matches)
    for match in matches:
        at = match.start()
        while items and items[0] <= at:
            sentence_start = _cut(text, sentence_start, items.pop(0), pieces)
        if at < sentence_start or at in markers:
            continue
        if match.end() >= end:
            break  # the line's own end: nothing follows (the line is stripped)
        c = Candidate(text, match, sentence_start, end, profile, quotes, start)
        if decide(c, table):
            pieces.append((sentence_start, c.end))
            sentence_start = c.next
    for item in items:
        sentence_start = _cut(text, sentence_start, item, pieces)
    pieces.append((sentence_start, end))
    first = len(spans)
    carry = -1  # start of a wordless first piece waiting for the next one
    for a, b in pieces:
        if not text[a].isalnum() and WORDLESS.fullmatch(text, a, b):
            if len(spans) > first:
                a = spans.pop().start
            elif len(pieces) > 1 and carry < 0:
                carry = a
                continue
        if carry >= 0:
            a, carry = carry, -1
        spans.append(Span(a, b, text[a:b]))


def _cut(text: str, sentence_start: int, item: int, pieces: list[tuple[int, int]]) -> int:
    """End the sentence before the list item at ``item``; return where the next one starts."""
    if item <= sentence_start:
        return sentence_start
    end = item
    while text[end - 1].isspace():  # the item follows white space
        end -= 1
    pieces.append((sentence_start, end))
    return item
