"""Sentence segmentation for Russian and English news (and generic rules for the rest).

``split_sentences(text, lang)`` returns :class:`Span` values with exact
offsets into ``text`` and no surrounding white space; ``split_units(text, lang)``
returns the segments a document is made of (:mod:`~tm.segment.units`: the
sentences, a leading dateline cut off), and is what imports, alignment and
``sverka segment`` call.

Design (after razdel): :mod:`~tm.segment.candidates` finds candidate
boundaries — final punctuation with its closing quotes, a ")" (smileys,
asides), a URL, "?!" or "." glued to the next word, and a few commas, colons
and semicolons — by a character-class scan for their first characters, with
the full regex tried only there; :mod:`~tm.segment.rules` holds an ordered
list of small named predicates, dispatched by the candidate's kind, and the
first one with an opinion decides each candidate; a list run together on one
line is cut at its markers first (:mod:`~tm.segment.lists`); the abbreviation
tables are data in
:mod:`~tm.segment.abbreviations`; :mod:`~tm.segment.languages` picks them by
the primary subtag of the language tag (unknown languages get the Russian
and English tables together, with conservative settings).

Line breaks: every line break ends a sentence, and so does a blank line. News
articles put headlines, datelines and list items on lines of their own without
final punctuation. The gold data (UD Taiga, UD EWT) has no line breaks inside
its units, so it cannot argue for the poetry convention of sentences running
over lines; the news requirement decides.
"""
from __future__ import annotations

from tm.segment.segmenter import split_sentences
from tm.segment.span import Span
from tm.segment.units import is_dateline, split_units

__all__ = ["Span", "is_dateline", "split_sentences", "split_units"]
