"""Word tokens: every regular expression that cuts a text into words, named for its use.

The patterns differ on purpose, and each is the one its use was measured with:

* :data:`LEXICON_WORD` — runs of letters. Lexicon stems (:mod:`tm.align.lexicon`): a
  hyphenated compound gives a stem per part, digits are never a stem.
* :data:`CUE_WORD` — letters with inner hyphens and apostrophes («Алма-Ата», "O'Brien",
  "four-year"). Alignment cues (:mod:`tm.align.cues`): a name or number word stays whole.
* :data:`DATE_TOKEN` — runs of digits or of letters. The QA date check (:mod:`tm.qa`): a
  month counts only next to a number, so numbers are tokens of their own.
* :data:`NUMBER_PATTERN` and :data:`WORD_PATTERN` — numbers with their separators (2022,
  3,5, 12:30) and words that may carry digits or hyphens («из-за», "G20"). Combined as
  :data:`MATCH_TOKEN` (with punctuation, a named group per kind) for match scores and word
  diffs (:mod:`tm.search.normalize`, :mod:`tm.diff`), and as :data:`INDEX_TOKEN` (words and
  numbers only) for the candidate index, which must find exactly the words the score counts.

Changing one changes measured figures (alignment F1, search keys): run the yardsticks and
the search-key tests before and after.
"""
from __future__ import annotations

import re

LEXICON_WORD = re.compile(r"[^\W\d_]+")
CUE_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
DATE_TOKEN = re.compile(r"\d+|[^\W\d_]+")

# 2022, 3,5, 12:30, 1.000.000
NUMBER_PATTERN = r"\d+(?:[.,:]\d+)*"
# Words, hyphenated «из-за», mixed «G20»; a token starting with a digit is a number.
WORD_PATTERN = r"[^\W\d_]\w*(?:[-'’]\w+)*|\w+"
# Every character but white space is in a token: the groups are tried in this order.
MATCH_TOKEN = re.compile(
    rf"(?P<num>{NUMBER_PATTERN})|(?P<word>{WORD_PATTERN})|(?P<punct>[^\w\s])")
# The words and numbers of MATCH_TOKEN, without punctuation and without groups (faster).
INDEX_TOKEN = re.compile(f"{NUMBER_PATTERN}|{WORD_PATTERN}")
