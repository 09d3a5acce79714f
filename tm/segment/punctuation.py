"""Character classes the segmentation rules talk about (data only)."""
from __future__ import annotations

# Punctuation that can end a sentence.
TERMINALS = ".!?…"

# Quotes that only ever open or only ever close.
OPEN_QUOTES = "«„‹"
CLOSE_QUOTES = "»”›"
# “ opens in English and, after „, closes in Russian and German typography.
LEFT_DOUBLE_QUOTE = "“"
# ’ and ‘ are mostly apostrophes, and ' too, so they are never tracked as quotes.
STRAIGHT_QUOTES = "\"'"

CLOSE_BRACKETS = ")]"

# Quotes and brackets that may follow the sentence's final punctuation.
CLOSERS = CLOSE_QUOTES + LEFT_DOUBLE_QUOTE + STRAIGHT_QUOTES + CLOSE_BRACKETS + "’"

# Dashes that open a line of direct speech ("— Куда? — спросил он.").
DASHES = "-‐‑‒–—―"
