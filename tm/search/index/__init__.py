"""The candidate index: which memory units can reach a score, found without scanning them all.

The score (:mod:`tm.search.score`) is at most ``base = floor(100 × (L − D) / L)``, with ``D``
the word edit distance and ``L`` the longer word count. For a query of ``n`` words and a
threshold ``t`` (percent), ``base ≥ t`` implies, for a unit of ``m`` words:

- **length filter**: ``ceil(n·t/100) ≤ m ≤ floor(100·n/t)`` (``|n − m| ≤ D``);
- **count filter**: the two share at least ``ceil(max(n, m)·t/100)`` words (every word the
  edit script keeps is shared);
- **prefix filter**: so a unit must contain one of the ``n − ceil(n·t/100) + 1`` *rarest*
  words of the query; only their posting lists are read, the frequent words' never.

A lookup reads the rarest words' posting lists, each only where it holds units of the
admitted lengths (a list is ordered by length), and the next rarest while cheap (each list
more raises the number a candidate must be in), then filters by length, memory and shared
words with numpy, then by the edit distance over the key hashes (rapidfuzz); the few units
left are re-scored exactly on their text by the caller. Every filter only ever keeps too
much, so the result equals a scan of the whole memory (hash collisions only add candidates).

Storage: every unit's keys are a row of ``search_terms``, written with the unit in the
caller's transaction (:func:`index_units`; a bulk import, :class:`PendingTerms`). A process
builds the posting lists from those rows on first use and keeps them (:class:`SharedIndex`),
reading the committed rows added since through its own connection at most every
``REFRESH_S``. Every lookup reads, in one statement of the caller's transaction, the index
generation and the rows added since the shared index last read (``id`` only grows), its own
uncommitted ones included: so a new unit is findable at once, a restart loses nothing, and a
rolled-back unit is never shared. A deleted unit drops out when its row is fetched (its keys
go with it, ``ON DELETE CASCADE``); ``reindex`` renews the generation and every process
reloads.

Sharing: given a directory (:func:`configure_index_dir`, an app's data dir), the arrays are a
file named by the generation and the last row id it holds, which every process of the
machine maps read-only (:mod:`~tm.search.index.store`): a new process serves lookups at
once, reading only the rows added since the file, and the page cache holds one copy. A
merge writes a new file (or maps the newer one another process wrote) and removes the old;
a new generation has a new file; ``flock`` keeps two processes from building at once. The
file holds which rows it read (last id, ids skipped), so a process mapping it reads the
same rows since as the process that wrote it would. Without a directory the arrays live in
the process. Either way they are built in bounded memory (:mod:`~tm.search.index.build`:
rows a page at a time, a counting sort by key): the peak stays within 1.5× the arrays.

The package, by concern: :mod:`~tm.search.index.keys` (a text's hashed word keys),
:mod:`~tm.search.index.write` (the rows of ``search_terms``, written in the caller's
transaction), :mod:`~tm.search.index.arrays` (the posting lists as flat arrays, and the
filters), :mod:`~tm.search.index.build` (building them), :mod:`~tm.search.index.store`
(their file), :mod:`~tm.search.index.shared` (a process's index and the rows it has not
read yet) and :mod:`~tm.search.index.lookup` (the lookups callers make).
"""
from __future__ import annotations

from tm.search.index.arrays import Bounds
from tm.search.index.keys import index_keys, key_blob
from tm.search.index.lookup import candidates, units_with_words
from tm.search.index.shared import SharedIndex, configure_index_dir, shared_index, warm_index
from tm.search.index.write import PendingTerms, TermsWriter, index_units, reindex

__all__ = ["Bounds", "PendingTerms", "SharedIndex", "TermsWriter", "candidates",
           "configure_index_dir", "index_keys", "index_units", "key_blob", "reindex",
           "shared_index", "units_with_words", "warm_index"]
