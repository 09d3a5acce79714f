"""Candidate sentence boundaries and the context the rules read around them.

A candidate is a run of final punctuation (or a closing bracket) with any
closing quotes after it, followed by white space — or final punctuation
glued to the next word, as informal text writes it. Each has a kind
(:data:`KINDS`), by which the rules are dispatched. Everything else the rules
look at is computed on first use and then is a plain attribute, so a candidate
costs little until a rule asks (``functools.cached_property`` took a lock on
each first use: 12 % of the segmenter's time).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

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
# Its groups by number, and the last one a match closes tells its branch.
PUNCT_GROUP, CLOSE_GROUP, GLUED_GROUP = (CANDIDATE.groupindex[name]
                                         for name in ("punct", "close", "glued"))
LINK_PATTERN = re.compile(_LINK, re.VERBOSE)

# The scan. Every alternative of CANDIDATE begins with one of FIRST_CHARS, and a
# search for them is a character-class scan the regex engine runs in C; the
# alternation (a lookbehind included) is then tried at those positions only, 1
# in 33 of the gold text, instead of at every character: one CANDIDATE.finditer
# over the gold text cost as much as all of razdel, this scan a ninth of it.
FIRST_CHARS = TERMINALS + CLOSE_BRACKETS + ",:;"
CANDIDATE_START = re.compile(f"[{re.escape(FIRST_CHARS)}]")
# A comma or colon is a candidate only for a letter's salutation; a profile
# without salutations joins at every one, and the scan need not stop at them.
SALUTATION_CHARS = ",:"
CANDIDATE_START_NO_COMMA = re.compile(
    f"[{re.escape(''.join(ch for ch in FIRST_CHARS if ch not in SALUTATION_CHARS))}]")
# A link can begin only 3-5 characters before "://" ("ftp", "http", "https"), at
# "www." or at the start of the run of address characters before "@".
LINK_ANCHOR = re.compile(r"://|www\.|@")
ADDRESS_CHAR = re.compile(r"[\w.+\-]")


def find_candidates(text: str, start: int, end: int, *,
                    commas: bool = True) -> Iterator[re.Match[str]]:
    """Yield the candidate boundaries of ``text[start:end]``, left to right.

    ``commas=False`` leaves out those at a comma or colon (``SALUTATION_CHARS``).

    The matches are those of one regex, a link (:data:`LINK_PATTERN`) preferred to
    punctuation (:data:`CANDIDATE`) where both begin, searched left to right from
    where the last match ended.
    """
    # Most lines have no link anchor, and one search in C tells.
    links = _link_starts(text, start, end) if LINK_ANCHOR.search(text, start, end) else []
    search = (CANDIDATE_START if commas else CANDIDATE_START_NO_COMMA).search
    match = CANDIDATE.match
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
    starts: set[int] = set()
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
    if not starts:
        return []
    return sorted((at for at in starts if at >= start), reverse=True)


def _next_link(text: str, starts: list[int], pos: int, end: int) -> re.Match[str] | None:
    """Return the first link at or after ``pos``, using up ``starts``."""
    while starts:
        at = starts.pop()
        if at >= pos and (link := LINK_PATTERN.match(text, at, end)):
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
# The longest chain LEFT_CHAIN matches: three groups of 4 letters, ". " each, and 5.
LEFT_CHAIN_LENGTH = 3 * 6 + 5
# Its last group, ". " and 5 letters at most, holds a period.
LAST_GROUP_LENGTH = 7


T = TypeVar("T")

# Candidate kinds: which rules can have an opinion (``rules.applies_to``).
LINK = "link"            # a URL or e-mail address, with or without final punctuation
SEMICOLON = "semicolon"  # "; 2) ...": a list item
COMMA = "comma"          # "," or ":" before a capital: a letter's salutation
GLUED = "glued"          # "bad?what", "school.But"
BRACKET = "bracket"      # ")" without final punctuation
PERIOD = "period"        # one single "."
ELLIPSIS = "ellipsis"    # "..", "...", "…", ". . ."
DOTTED = "dotted"        # other runs holding a period: "?.", "!.."
MARK = "mark"            # "!", "?", "?!" and the like
KINDS = (LINK, SEMICOLON, COMMA, GLUED, BRACKET, PERIOD, ELLIPSIS, DOTTED, MARK)


class lazy(Generic[T]):  # noqa: N801 - used as a decorator, like property
    """A property computed on first use, then stored on the instance (no lock)."""

    def __init__(self, function: Callable[[Any], T]) -> None:
        self.function = function
        self.name = function.__name__
        self.__doc__ = function.__doc__

    def __get__(self, instance: object, owner: type | None = None) -> T:
        value = self.function(instance)
        instance.__dict__[self.name] = value  # later reads find the attribute
        return value


class Candidate:
    """One place where a sentence might end, with its context computed on first use."""

    def __init__(self, text: str, match: re.Match[str], sentence_start: int,
                 line_end: int, profile: Profile, quotes: QuoteTracker,
                 line_start: int = 0) -> None:
        self.text = text
        self.line_start = line_start
        self.quotes = quotes
        self.profile = profile
        self.sentence_start = sentence_start
        self.line_end = line_end
        self.start = match.start()
        self.end = end = match.end()
        self.glued = False
        # A URL or e-mail address, possibly with final punctuation after it.
        self.link = match.re is LINK_PATTERN
        if self.link:
            self.punct = match.group("lpunct")
            self.close = match.group("lclose")
            self.start = match.start("lpunct")
            self.kind = LINK
        elif (last := match.lastindex) == CLOSE_GROUP:  # punctuation and closing quotes
            punct, self.close = match.group(PUNCT_GROUP, CLOSE_GROUP)
            self.punct = punct
            if punct == ".":
                self.kind = PERIOD
            elif punct[0] in CLOSE_BRACKETS:
                self.kind = BRACKET
            elif "…" in punct or punct.startswith(("..", ". .")):
                self.kind = ELLIPSIS
            else:
                self.kind = DOTTED if "." in punct else MARK
        elif last == GLUED_GROUP:
            self.punct = match.group(GLUED_GROUP)
            self.close = ""
            self.glued = True
            self.kind = GLUED
        else:
            self.punct = match.group()
            self.close = ""
            self.kind = SEMICOLON if self.punct == ";" else COMMA
        nxt = end
        while nxt < line_end and text[nxt].isspace():
            nxt += 1
        # Where the next sentence would start, and its first character ("" if none).
        self.next = nxt
        self.right_char = right = text[nxt] if nxt < line_end else ""
        # Known without looking further in most cases (set, they stand for the lazy ones).
        if not right or right not in DASHES:
            self.right_after_dash = ""
        if not quotes.quoted:
            self.open_quote = ""
        punct = self.punct
        # Whether the delimiter is one single period; an ellipsis ("..", "...",
        # "…"); a closing bracket rather than punctuation.
        self.is_period = punct == "."
        self.is_ellipsis = "…" in punct or punct.startswith(("..", ". ."))
        self.is_bracket = self.kind == BRACKET

    @lazy
    def open_quote(self) -> str:
        """Return the closing quote awaited after the delimiter, if opened in this sentence."""
        closing, opened = self.quotes.open_at(self.end)
        return closing if opened >= self.sentence_start else ""

    @lazy
    def left(self) -> str:
        """Return the text of the sentence so far, up to the delimiter."""
        start = self.start
        return self.text[max(self.sentence_start, start - LEFT_WINDOW):start]

    @lazy
    def sentence(self) -> str:
        """Return the whole sentence so far, delimiter excluded."""
        return self.text[self.sentence_start:self.start]

    @lazy
    def left_token(self) -> str:
        """Return the non-space run glued to the delimiter ("U.S", "(pop", "2022")."""
        left = self.left
        if not left or left[-1].isspace():
            return ""
        return left.rsplit(None, 1)[-1]

    @lazy
    def left_word(self) -> str:
        """Return the letters (or else digits) right before the delimiter, or ""."""
        token = self.left_token
        if token.isalpha() or token.isdigit():
            return token  # the common case: a whole word or number
        i = len(token)
        while i and token[i - 1].isalpha():
            i -= 1
        if i == len(token):
            while i and token[i - 1].isdigit():
                i -= 1
        return token[i:]

    @lazy
    def left_chain(self) -> str:
        """Return the abbreviation chain before the delimiter, normalised ("т.е"), or ""."""
        left = self.left
        if "." not in left[-LAST_GROUP_LENGTH:] or not left[-1].isalnum():
            return ""  # the common case: no chain ends here
        match = LEFT_CHAIN.search(left, max(0, len(left) - LEFT_CHAIN_LENGTH))
        if not match:
            return ""
        return CHAIN_SPACES.sub(".", match.group()).lower()

    @lazy
    def abbreviation_key(self) -> str:
        """Return the abbreviation before the period: a known chain ("т.е") or the word."""
        chain = self.left_chain
        if chain and chain in self.profile.known:
            return chain
        word = self.left_word
        token = self.left_token
        glued = token[-len(word) - 1:-len(word)] if len(token) > len(word) else ""
        if glued and glued in "-–":
            return ""  # a case ending such as "1996-м" or "90-х" is no abbreviation
        return word.lower()

    @lazy
    def after_number(self) -> bool:
        """Whether the word before the delimiter follows a number ("2022 г", "XX в")."""
        return LEFT_NUMBER.search(self.left) is not None

    @lazy
    def right_token(self) -> str:
        """Return the non-space run that starts the next sentence."""
        match = RIGHT_TOKEN.match(self.text, self.next, self.line_end)
        return match.group() if match else ""

    @lazy
    def right_word(self) -> str:
        """Return the first word of the next sentence, past quotes and dashes."""
        match = RIGHT_WORD.match(self.text, self.next, min(self.line_end, self.next + 60))
        return match.group(1) if match else ""

    @lazy
    def right_is_initial(self) -> bool:
        """Whether the next sentence would start with an initial ("И. П. Карташов")."""
        token = self.right_token
        return len(token) >= 2 and token[1] == "." and token[0].isupper()

    @lazy
    def right_after_dash(self) -> str:
        """Return the word after a leading dash of the next sentence, or ""."""
        first = self.right_char
        if not first or first not in DASHES:
            return ""
        return self.right_word
