"""Open quotations and brackets: which one a sentence is still inside."""
from __future__ import annotations

import re

from tm.segment.punctuation import CLOSE_QUOTES, LEFT_DOUBLE_QUOTE, OPEN_QUOTES

QUOTE_CHARS = re.compile(f'[{re.escape(OPEN_QUOTES + CLOSE_QUOTES + LEFT_DOUBLE_QUOTE)}"]')
BRACKET_CHARS = re.compile(r"[()]")

# The closing quote each opening quote waits for.
CLOSING = {"«": "»", "‹": "›", "„": "“", "“": "”", '"': '"'}
ALSO_CLOSES = {"“": "”"}  # „quote” is a common mix-up of „quote“


class QuoteTracker:
    """Follow the quotations open along one paragraph, left to right.

    Quotation state is kept per paragraph, not per sentence: a sentence may
    start inside a long quotation, and counting from there would turn its
    closing mark into an opening one.
    """

    __slots__ = ("text", "pos", "stack", "opened", "quoted")

    def __init__(self, text: str, start: int, end: int | None = None) -> None:
        self.text = text
        self.pos = start
        # Whether text[start:end] holds a quote at all; most lines hold none.
        self.quoted = QUOTE_CHARS.search(text, start, len(text) if end is None else end) is not None
        self.stack: list[str] = []  # closing quotes awaited, innermost last
        self.opened: list[int] = []  # where each of them was opened

    def open_at(self, end: int) -> tuple[str, int]:
        """Return the closing quote still awaited at ``end`` and where it opened, or ("", -1)."""
        if end > self.pos:
            search = QUOTE_CHARS.search
            match = search(self.text, self.pos, end)
            while match is not None:  # most stretches hold no quote: one search
                at = match.start()
                self._see(match.group(), at)
                match = search(self.text, at + 1, end)
            self.pos = end
        return (self.stack[-1], self.opened[-1]) if self.stack else ("", -1)

    def _push(self, closing: str, at: int) -> None:
        self.stack.append(closing)
        self.opened.append(at)

    def _pop(self) -> None:
        self.stack.pop()
        self.opened.pop()

    def _see(self, ch: str, at: int) -> None:
        stack = self.stack
        if ch == '"':
            before = self.text[at - 1] if at else " "
            after = self.text[at + 1] if at + 1 < len(self.text) else " "
            opening = before.isspace() or before in "([{«„“-—–/"
            closing = not before.isspace() and (after.isspace() or not after.isalnum())
            if stack and stack[-1] == '"' and (closing or not opening):
                self._pop()
            elif opening or not closing:
                self._push('"', at)
            return
        if stack and (ch == stack[-1] or ALSO_CLOSES.get(stack[-1]) == ch):
            self._pop()
        elif ch in CLOSING:
            self._push(CLOSING[ch], at)
        # A stray closing quote closes nothing.


def open_bracket(text: str, start: int, end: int) -> int:
    """Return the position of the innermost unclosed "(" in ``text[start:end]``, or -1."""
    opened: list[int] = []
    for match in BRACKET_CHARS.finditer(text, start, end):
        if match.group() == "(":
            at = match.start()
            following = text[at + 1:at + 2]
            if following and not following.isspace() and following != "(":
                opened.append(at)
            # "((" or "( " is a sad smiley, not a bracket
        elif opened:
            opened.pop()
    return opened[-1] if opened else -1


def matching_open(text: str, start: int, close: int) -> int:
    """Return the position of the "(" that the ")" at ``close`` closes, or -1."""
    depth = 0
    for i in range(close, start - 1, -1):
        ch = text[i]
        if ch == ")":
            depth += 1
        elif ch == "(":
            depth -= 1
            if depth == 0:
                return i
    return -1


def closes_within(text: str, closing: str, start: int, end: int) -> int:
    """Return where ``closing`` next occurs in ``text[start:end]``, or -1."""
    found = text.find(closing, start, end)
    if closing == "”" and found < 0:
        found = text.find("“", start, end)
    return found
