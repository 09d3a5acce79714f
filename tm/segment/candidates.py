"""Candidate sentence boundaries and the context the rules read around them.

A candidate is a run of final punctuation (or a closing bracket) with any
closing quotes after it, followed by white space — or final punctuation
glued to the next word, as informal text writes it. Everything the rules look at is
computed lazily, so a candidate costs little until a rule asks.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cached_property

from tm.segment.languages import Profile
from tm.segment.pairs import QuoteTracker
from tm.segment.punctuation import CLOSE_BRACKETS, CLOSERS, DASHES, TERMINALS

_T = re.escape(TERMINALS)
_C = re.escape(CLOSERS)
_PUNCTUATION = rf"""
    (?P<punct>\.(?:\ \.){{2,}}|[{_T}]+                   # ". . .", final punctuation
      |[{re.escape(CLOSE_BRACKETS)}]+)                    # or ")"
    (?P<close>[{_C}]*)(?=\s|$)                             # and closing quotes
    |(?P<glued>[!?]+(?=[^\W\d_])                          # "bad?what": no space,
      |(?<=[^\W\d_A-ZА-ЯЁ]{{3}})\.(?=[A-ZА-ЯЁ][a-zа-яё]))     # "school.But"
    |(?P<comma>[,:])(?=\s+[A-Z])                           # "Hi David, We ...": a salutation
    |(?P<semi>;)(?=\s+(?:\d{{1,2}}|[^\W\d_])\)\s)          # "; 2) ...": a list item
"""
_LINK = rf"""
    (?P<link>(?:https?://|ftp://|www\.)[^\s<>]*?          # a URL or an e-mail address,
      |(?<![\w.+\-])[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+?)
    (?P<lpunct>[{_T}]*)(?P<lclose>[{_C}]*)(?=\s|$)         # with or without a final stop
"""
CANDIDATE = re.compile(_PUNCTUATION, re.VERBOSE)
LINK = re.compile(_LINK, re.VERBOSE)

# The scan. Every alternative of CANDIDATE begins with one of FIRST_CHARS, and a
# search for them is a character-class scan the regex engine runs in C; the
# alternation (a lookbehind included) is then tried at those positions only, 1
# in 33 of the gold text, instead of at every character: one CANDIDATE.finditer
# over the gold text cost as much as all of razdel, this scan a ninth of it.
FIRST_CHARS = TERMINALS + CLOSE_BRACKETS + ",:;"
CANDIDATE_START = re.compile(f"[{re.escape(FIRST_CHARS)}]")
# A link can begin only 3-5 characters before "://" ("ftp", "http", "https"), at
# "www." or at the start of the run of address characters before "@".
LINK_ANCHOR = re.compile(r"://|www\.|@")
ADDRESS_CHAR = re.compile(r"[\w.+\-]")


def find_candidates(text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    """Yield the candidate boundaries of ``text[start:end]``, left to right.

    The matches are those of one regex, a link (:data:`LINK`) preferred to
    punctuation (:data:`CANDIDATE`) where both begin, searched left to right from
    where the last match ended.
    """
    links = _link_starts(text, start, end)
    search, match = CANDIDATE_START.search, CANDIDATE.match
    pos = start
    link: re.Match[str] | None = None
    while True:
        if link is not None and link.start() < pos:
            link = None
        if link is None and links:
            link = _next_link(text, links, pos, end)
        found = search(text, pos, link.start() if link else end)
        if found is None:
            if link is None:
                return
            yield link
            pos = link.end()
            continue
        at = found.start()
        candidate = match(text, at, end)
        if candidate is None:
            pos = at + 1
        else:
            yield candidate
            pos = candidate.end()


def _link_starts(text: str, start: int, end: int) -> list[int]:
    """Return the positions in ``text[start:end]`` where a link may begin, descending."""
    starts = set()
    for anchor in LINK_ANCHOR.finditer(text, start, end):
        at = anchor.start()
        mark = anchor.group()
        if mark == "@":
            while at and ADDRESS_CHAR.match(text, at - 1):
                at -= 1
            starts.add(at)
        elif mark == "://":
            starts.update((at - 3, at - 4, at - 5))
        else:
            starts.add(at)
    return sorted((at for at in starts if at >= start), reverse=True)


def _next_link(text: str, starts: list[int], pos: int, end: int) -> re.Match[str] | None:
    """Return the first link at or after ``pos``, using up ``starts``."""
    while starts:
        at = starts.pop()
        if at >= pos and (link := LINK.match(text, at, end)):
            return link
    return None


# The token glued to the punctuation, and the abbreviation chain it ends
# ("т. е", "U.S", "ст.л"): short letter groups joined by periods.
LEFT_TOKEN = re.compile(r"\S*$")
LEFT_CHAIN = re.compile(r"(?:(?<![\w.])|(?<=\())(?:[^\W\d_]{1,4}\. ?){1,3}[^\W\d_]{1,5}$")
LEFT_NUMBER = re.compile(r"(?:\b\d+(?:[.,:/\-–]\d+)*|\b[IVXLC]+)\s*[^\W\d_]+$")
RIGHT_TOKEN = re.compile(r"\S*")
RIGHT_WORD = re.compile(r"(?:[^\w]|_)*?([^\W_][\w'’\-]*)")
CHAIN_SPACES = re.compile(r"\.\s")

# How far back the left context reaches; abbreviation chains are short.
LEFT_WINDOW = 40


class Candidate:
    """One place where a sentence might end, with lazily computed context."""

    def __init__(self, text: str, match: re.Match[str], sentence_start: int,
                 line_end: int, profile: Profile, quotes: QuoteTracker,
                 line_start: int = 0) -> None:
        self.text = text
        self.line_start = line_start
        self.quotes = quotes
        self.profile = profile
        self.sentence_start = sentence_start
        self.line_end = line_end
        # A URL or e-mail address, possibly with final punctuation after it.
        self.link = match.re is LINK
        glued = None if self.link else match.group("glued")
        self.glued = glued is not None
        if self.link:
            self.punct = match.group("lpunct")
            self.close = match.group("lclose")
            self.start = match.start("lpunct")
        elif match.group("semi") is not None or match.group("comma") is not None:
            self.punct = match.group()
            self.close = ""
            self.start = match.start()
        else:
            self.punct = glued if glued is not None else match.group("punct")
            self.close = "" if glued is not None else match.group("close")
            self.start = match.start()
        self.end = match.end()
        nxt = self.end
        while nxt < line_end and text[nxt].isspace():
            nxt += 1
        # Where the next sentence would start.
        self.next = nxt

    @property
    def is_bracket(self) -> bool:
        """Whether the delimiter is a closing bracket rather than punctuation."""
        return self.punct[:1] in CLOSE_BRACKETS and bool(self.punct)

    @property
    def is_period(self) -> bool:
        """Whether the delimiter is one single period."""
        return self.punct == "."

    @property
    def is_ellipsis(self) -> bool:
        """Whether the delimiter is an ellipsis ("..", "...", "…")."""
        return "…" in self.punct or self.punct.startswith(("..", ". ."))

    @cached_property
    def open_quote(self) -> str:
        """Return the closing quote awaited after the delimiter, if opened in this sentence."""
        closing, opened = self.quotes.open_at(self.end)
        return closing if opened >= self.sentence_start else ""

    @cached_property
    def left(self) -> str:
        """Return the text of the sentence so far, up to the delimiter."""
        return self.text[max(self.sentence_start, self.start - LEFT_WINDOW):self.start]

    @cached_property
    def sentence(self) -> str:
        """Return the whole sentence so far, delimiter excluded."""
        return self.text[self.sentence_start:self.start]

    @cached_property
    def left_token(self) -> str:
        """Return the non-space run glued to the delimiter ("U.S", "(pop", "2022")."""
        match = LEFT_TOKEN.search(self.left)
        return match.group() if match else ""

    @cached_property
    def left_word(self) -> str:
        """Return the letters (or else digits) right before the delimiter, or ""."""
        token = self.left_token
        i = len(token)
        while i and token[i - 1].isalpha():
            i -= 1
        if i == len(token):
            while i and token[i - 1].isdigit():
                i -= 1
        return token[i:]

    @cached_property
    def left_chain(self) -> str:
        """Return the abbreviation chain before the delimiter, normalised ("т.е"), or ""."""
        match = LEFT_CHAIN.search(self.left)
        if not match:
            return ""
        return CHAIN_SPACES.sub(".", match.group()).lower()

    @cached_property
    def after_number(self) -> bool:
        """Whether the word before the delimiter follows a number ("2022 г", "XX в")."""
        return LEFT_NUMBER.search(self.left) is not None

    @cached_property
    def right_token(self) -> str:
        """Return the non-space run that starts the next sentence."""
        match = RIGHT_TOKEN.match(self.text, self.next, self.line_end)
        return match.group() if match else ""

    @cached_property
    def right_word(self) -> str:
        """Return the first word of the next sentence, past quotes and dashes."""
        match = RIGHT_WORD.match(self.text, self.next, min(self.line_end, self.next + 60))
        return match.group(1) if match else ""

    @cached_property
    def right_is_initial(self) -> bool:
        """Whether the next sentence would start with an initial ("И. П. Карташов")."""
        token = self.right_token
        return len(token) >= 2 and token[1] == "." and token[0].isupper()

    @cached_property
    def right_after_dash(self) -> str:
        """Return the word after a leading dash of the next sentence, or ""."""
        token = self.right_token
        if not token or token[0] not in DASHES:
            return ""
        return self.right_word
