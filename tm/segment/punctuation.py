"""Character classes the segmentation rules talk about (data only)."""
from __future__ import annotations

# Punctuation that can end a sentence.
TERMINALS = ".!?…"
ELLIPSES = ("...", "…", "..", "....")

# Quotes that only ever open or only ever close, and the ambiguous straight ones.
OPEN_QUOTES = "«„‹"
CLOSE_QUOTES = "»”›"
# “ opens in English and after „ closes in Russian / German typography.
LEFT_DOUBLE_QUOTE = "“"
STRAIGHT_QUOTES = "\"'"
# ’ and ‘ are mostly apostrophes, so they never count as quotes.
ALL_QUOTES = OPEN_QUOTES + CLOSE_QUOTES + LEFT_DOUBLE_QUOTE + STRAIGHT_QUOTES

OPEN_BRACKETS = "(["
CLOSE_BRACKETS = ")]"

# Quotes and brackets that may follow the sentence's final punctuation.
CLOSERS = CLOSE_QUOTES + LEFT_DOUBLE_QUOTE + STRAIGHT_QUOTES + CLOSE_BRACKETS + "’"

# Dashes that open a line of direct speech ("— Куда? — спросил он.").
DASHES = "-‐‑‒–—―"

# Characters that mark a list item ("1.", "a)", "IV.", "§ 2.").
BULLET_LETTERS = frozenset("абвгдежзabcdefgh")
