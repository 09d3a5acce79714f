"""Translation-memory lookup: CAT match scores, fuzzy search, concordance, pre-translation.

``tm.search.fuzzy(session, text, ...)`` is the lookup; see ``docs/search.md`` for the score
formula and how the candidate index keeps it fast and equal to a scan of the whole memory.
Pre-translation writes translations, so it sits a layer above the lookup (and above
``tm.translations``, which keeps the memory in step): import it from
``tm.search.pretranslate``.
"""
from __future__ import annotations

from tm.search.concordance import ConcordancePage, Hit, concordance
from tm.search.fuzzy import Match, Provenance, brute_force, fuzzy
from tm.search.index import index_units, reindex, warm_index

__all__ = ["ConcordancePage", "Hit", "Match", "Provenance", "brute_force", "concordance",
           "fuzzy", "index_units", "reindex", "warm_index"]
