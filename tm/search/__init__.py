"""Translation-memory lookup: CAT match scores, fuzzy search, concordance, pre-translation."""
from __future__ import annotations

from tm.search.fuzzy import Match, Provenance, brute_force, fuzzy
from tm.search.index import index_units, reindex

__all__ = ["Match", "Provenance", "brute_force", "fuzzy", "index_units", "reindex"]
