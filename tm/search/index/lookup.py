"""The lookups: units that can reach a score against a query, units containing a phrase's words.

Both run over the shared index and the rows it has not read yet
(:func:`tm.search.index.shared._lookup`), so they find every unit the caller's transaction
sees, as a scan would.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from numpy.typing import NDArray
from sqlalchemy.orm import Session

from tm.search.index.arrays import Bounds, _Rows, _scan, _sorted_unique
from tm.search.index.shared import SharedIndex, _lookup


def _allowed(memory_ids: Sequence[int] | None) -> NDArray[np.int64] | None:
    return None if memory_ids is None else np.asarray(sorted(memory_ids), dtype=np.int64)


def candidates(session: Session, query: Sequence[int], *, threshold: int,
               memory_ids: Sequence[int] | None = None) -> list[int]:
    """Return the ids of the units whose word keys can reach ``threshold`` against ``query``.

    ``query`` is the hashed keys of the query (:func:`index_keys`); ``threshold`` 1–100.
    """
    bounds = Bounds(len(query), max(1, min(threshold, 100)))
    allowed = _allowed(memory_ids)
    return _lookup(
        session,
        lambda index: index.arrays.candidates(query, bounds, allowed).tolist(),
        lambda rows: _scan(rows, query, bounds, allowed))


def units_with_words(session: Session, words: Sequence[Iterable[int]], *,
                     memory_ids: Sequence[int] | None = None) -> list[int]:
    """Return the ids of the units that contain, for every word, one of its alternative keys.

    ``words`` holds, per word of a phrase, the hashed keys of its forms (concordance).
    """
    alternatives = [sorted(set(w)) for w in words]
    allowed = _allowed(memory_ids)
    if not alternatives:
        return []

    def on_arrays(index: SharedIndex) -> list[int]:
        arrays = index.arrays
        sets = sorted((_sorted_unique(np.concatenate([arrays.postings_at(o)
                                                      for o in arrays.ordinals(keys)]))
                       for keys in alternatives), key=len)
        entries = sets[0]
        for other in sets[1:]:
            entries = np.intersect1d(entries, other, assume_unique=True)
        if allowed is not None:
            entries = entries[np.isin(arrays.memory_ids[entries], allowed)]
        ids: list[int] = arrays.unit_ids[entries].tolist()
        return ids

    def on_rows(rows: _Rows) -> list[int]:
        wanted = [set(keys) for keys in alternatives]
        permitted = None if allowed is None else set(allowed.tolist())
        return [uid for uid, mid, blob in zip(rows.unit_ids, rows.memory_ids, rows.keys,
                                              strict=True)
                if (permitted is None or mid in permitted)
                and all(w & set(np.frombuffer(blob, dtype="<u4").tolist()) for w in wanted)]

    return _lookup(session, on_arrays, on_rows)
