"""Open quotations and brackets: which one a sentence is still inside."""
from __future__ import annotations

import re

from tm.segment.punctuation import CLOSE_QUOTES, LEFT_DOUBLE_QUOTE, OPEN_QUOTES

QUOTE_CHARS = re.compile(f'[{re.escape(OPEN_QUOTES + CLOSE_QUOTES + LEFT_DOUBLE_QUOTE)}"]')
BRACKET_CHARS = re.compile(r"[()]")

# The closing quote each opening quote waits for.
CLOSING = {"«": "»", "‹": "›", "„": "“", "“": "”", '"': '"'}
ALSO_CLOSES = {"“": "”"}  # „quote” is a common mix-up of „quote“


def open_quote(text: str, start: int, end: int) -> str:
    """Return the closing quote that ``text[start:end]`` still waits for, or ""."""
    stack: list[str] = []
    for ch in QUOTE_CHARS.findall(text, start, end):
        if stack and (ch == stack[-1] or ALSO_CLOSES.get(stack[-1]) == ch):
            stack.pop()
        elif ch in CLOSING:
            stack.append(CLOSING[ch])
        # A stray closing quote closes nothing.
    return stack[-1] if stack else ""


def open_bracket(text: str, start: int, end: int) -> int:
    """Return the position of the innermost unclosed "(" in ``text[start:end]``, or -1."""
    opened: list[int] = []
    for match in BRACKET_CHARS.finditer(text, start, end):
        if match.group() == "(":
            opened.append(match.start())
        elif opened:
            opened.pop()
    return opened[-1] if opened else -1


def unmatched_closing(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` has more ")" than "(" (a smiley, not a bracket)."""
    depth = 0
    for ch in BRACKET_CHARS.findall(text, start, end):
        depth += 1 if ch == "(" else -1
        if depth < 0:
            return True
    return False


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
