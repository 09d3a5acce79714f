"""Banded dynamic program over link shapes (Gale–Church with lexical anchors).

A path through the grid ``(i, j)`` — ``i`` source and ``j`` target sentences
consumed — is a sequence of links of the shapes in :data:`SHAPE_PRIORS`. The
cost of a link is a negative log-likelihood:

    shape prior + length cost (lengths.py) + anchor cost (cues.py)

Only a band of cells is filled in, so time and memory grow linearly with
document length. In a first pass each row's band is a beam: the columns of
the previous row whose cost is within :data:`BEAM` of that row's best, plus
:data:`BAND_HALF_WIDTH` either side — narrow where the path is clear, wider
where it is not. If the best path still runs along the edge of the band
somewhere, the band is widened around those rows and the DP runs again
(:data:`MAX_ROUNDS`). A later pass over the same document (a refitted length
model) searches only a narrow band around the previous path
(:data:`GUIDED_HALF_WIDTH`), widened the same way where the path moves.

Everything that does not depend on the length model — span lengths, their
logs, key sets and the one-sided penalties — is computed once per pair of sides
and shared by all passes; the length cost itself is read from tables indexed by
the total span length, so the inner loop does no ``log``. The loops over cells
and shapes are compiled (``kernel.py``); this module chooses the bands and rounds.

Besides each link's cost the DP keeps, for every cell, the margin between the
best and the second-best way of entering it (a different last link). The
public API turns this into a confidence (see ``tm/align/score.py``).
"""
from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tm.align import kernel
from tm.align.lengths import SMOOTH_CHARS, LengthModel

# Link shapes (source sentences, target sentences) and their prior probability.
# Gale & Church (1991) measured 1-1 89 %, 1-0/0-1 1 %, 2-1/1-2 9 %, 2-2 1 %
# on parliamentary text; news translators merge and split sentences a bit more
# and sometimes drop one (WMT21 ru-en: about 2 % of segments are
# merges/splits), so 2-1/1-2 and nulls get a little more mass. 2-2 is set
# below its raw frequency because a 2-2 link competes with two 1-1 links that
# explain the same sentences more specifically (at 0.01 it swallowed pairs of
# correct 1-1 links).
SHAPE_PRIORS: tuple[tuple[int, int, float], ...] = (
    (1, 1, 0.86),
    (1, 0, 0.015),
    (0, 1, 0.015),
    (2, 1, 0.045),
    (1, 2, 0.045),
    (2, 2, 0.003),
    (3, 1, 0.005),
    (1, 3, 0.005),
)
MAX_SPAN = 3

# Anchor costs (nats), measured on WMT21 ru-en as log-likelihood ratios of
# true links against neighbouring (wrong) pairs: a shared key is ~7x more
# frequent in true pairs (1.73 vs 0.24 per pair), a number on one side only
# ~12x rarer (0.08 vs 1.03), a name on one side only ~2x rarer. The number
# penalty is set below its measured 2.5 because misses in one sentence are not
# independent (one reformatted quantity often yields two or three keys).
W_SHARED = 2.0
W_NUMBER_MISS = 1.5
W_NAME_MISS = 0.5
# Lexicon (lexicon.py): a source word whose known translation is found in the
# target span, against one whose translations are all missing. Measured with
# the seed lexicon on WMT21 (both references alike): 74 % of known words are
# translated in the true sentence, 14 % in a neighbour, a log-likelihood ratio
# of +1.7 per hit and -1.2 per miss; set lower because the words of one
# sentence are not independent evidence.
W_LEX_HIT = 1.0
W_LEX_MISS = 0.6
# A shared key both earns W_SHARED and cancels the two one-sided penalties
# that were charged for it up front (see Side.solo).
_NUMBER_BONUS = W_SHARED + 2 * W_NUMBER_MISS
_NAME_BONUS = W_SHARED + 2 * W_NAME_MISS

# Band half-width (sentences) around the guide of the first pass. The
# character diagonal plus the row-by-row shift stays within a few sentences of
# the true path; 6 gives the same links as 12 on the yardstick at half the
# cells (measured), and a path that touches the edge widens nothing but
# triggers a re-centred round.
BAND_HALF_WIDTH = 4
# Half-width around the previous path in a refit pass: a changed length model
# moves a link by one or two sentences (measured: 22 of 598 documents change
# at all, none by more than 2).
GUIDED_HALF_WIDTH = 1
# Margins above this (nats) are not tracked exactly: a rival that much worse
# gives a confidence of 1 anyway, and the cap lets the DP prune it.
MARGIN_CAP = 10.0
MAX_ROUNDS = 8
# Beam (nats): cells of a row this much worse than its best cell still
# guide the next row. The best cell of a row can lag behind the true path by a
# few nats (it has not yet paid for sentences the true path already matched),
# so a band that merely follows it loses the path in long documents.
BEAM = 12.0
# Widest band tried when the best path keeps touching the edge, and how many
# rows either side of a touching row are widened (a lost path is usually
# regained within a few dozen sentences).
MAX_HALF_WIDTH = 48
WIDEN_ROWS = 50

_EMPTY: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Step:
    """One link of the best path: ``src[i0:i1]`` ↔ ``tgt[j0:j1]``."""

    i0: int
    i1: int
    j0: int
    j1: int
    cost: float
    margin: float


class Side:
    """One side's sentences as the DP reads them: lengths and key sets per sentence.

    ``nums`` and ``names`` are each sentence's anchors, ``lex`` its lexical keys (a source
    sentence's translations, a target sentence's own stems) and ``lex_words`` the number of
    source words whose translation is known; a known translation that is missing costs
    ``lex_miss`` nats. Spans of up to :data:`MAX_SPAN` sentences are made from these in the
    kernel, once per pair of sides (:func:`_pair`).
    """

    __slots__ = ("n", "lengths", "nums", "names", "lex", "known", "lex_miss", "pair")

    def __init__(
        self,
        lengths: Sequence[int],
        nums: Sequence[frozenset[str]],
        names: Sequence[frozenset[str]],
        lex: Sequence[frozenset[str]] | None = None,
        lex_words: Sequence[int] | None = None,
        lex_miss: float = 0.0,
    ) -> None:
        self.n = len(lengths)
        self.lengths = lengths
        self.nums = nums
        self.names = names
        self.lex = lex
        # Prefix sums of the known words: a span's count without re-adding sentences.
        known = [0] * (self.n + 1)
        if lex_words is not None:
            for i, x in enumerate(lex_words):
                known[i + 1] = known[i] + x
        self.known = known
        self.lex_miss = lex_miss
        self.pair: tuple[Side, tuple[Any, ...], tuple[Any, ...]] | None = None


def _runs(sets: Sequence[frozenset[str]], ids: defaultdict[str, int]) -> tuple[Any, Any]:
    """Sets of strings as sorted integer runs (``ptr``, ``ids``), one a sentence."""
    ptr = [0]
    flat: list[int] = []
    for keys in sets:
        if keys:
            flat += sorted([ids[x] for x in keys])
        ptr.append(len(flat))
    return np.asarray(ptr, dtype=np.int64), np.asarray(flat, dtype=np.int64)


def _spans(side: Side, ids: defaultdict[str, int]) -> tuple[Any, ...]:
    empty = [_EMPTY] * side.n
    spans: tuple[Any, ...] = kernel.span_features(
        np.asarray(side.lengths, dtype=np.int64), np.asarray(side.known, dtype=np.int64),
        *_runs(side.nums, ids), *_runs(side.names, ids),
        *_runs(side.lex if side.lex is not None else empty, ids),
        MAX_SPAN, float(SMOOTH_CHARS), W_NUMBER_MISS, W_NAME_MISS, side.lex_miss)
    return spans


def _pair(src: Side, tgt: Side) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """Both sides' span features, their keys numbered alike; kept for the next pass."""
    if src.pair is None or src.pair[0] is not tgt:
        ids: defaultdict[str, int] = defaultdict(itertools.count().__next__)  # new: next number
        src.pair = (tgt, _spans(src, ids), _spans(tgt, ids))
    return src.pair[1], src.pair[2]


# Length-cost tables by total span length L = ls + lt: with
# var = floor * (1 + R / (L + 1)), R = var_scale / var_floor, the cost
# d² / (2 var) + ½ log(var / floor) is d² * G[L] / floor + H[L]. A refit scales
# floor and scale together, so R — and the tables — stay the same.
_TABLES: dict[float, tuple[Any, Any]] = {}


def _tables(model: LengthModel, size: int) -> tuple[Any, Any]:
    ratio = model.var_scale / model.var_floor
    got = _TABLES.get(ratio)
    if got is None or len(got[0]) < size:
        size = max(size, 4096, 2 * len(got[0]) if got else 0)
        g = [0.5 / (1.0 + ratio / (n + 1)) for n in range(size)]
        h = [0.5 * math.log(1.0 + ratio / (n + 1)) for n in range(size)]
        got = _TABLES[ratio] = (np.asarray(g), np.asarray(h))
    return got


# Shapes with their index and cost, cheapest first so that the bound in the kernel
# prunes the rest early; 0-1 apart (it enters from the same row).
_ORDER = sorted(
    ((s, a, b, -math.log(p)) for s, (a, b, p) in enumerate(SHAPE_PRIORS)),
    key=lambda x: x[3],
)
_SHAPE_01 = next(s for s, a, b, _ in _ORDER if (a, b) == (0, 1))
_PRIOR_01 = next(p for s, a, b, p in _ORDER if (a, b) == (0, 1))
_ENTERING = [x for x in _ORDER if x[1]]
_ENTERING_ARRAYS = (
    np.asarray([s for s, _, _, _ in _ENTERING], dtype=np.int64),
    np.asarray([a for _, a, _, _ in _ENTERING], dtype=np.int64),
    np.asarray([b for _, _, b, _ in _ENTERING], dtype=np.int64),
    np.asarray([p for _, _, _, p in _ENTERING], dtype=np.float64),
)
_SHAPE_A = np.asarray([a for a, _, _ in SHAPE_PRIORS], dtype=np.int64)
_SHAPE_B = np.asarray([b for _, b, _ in SHAPE_PRIORS], dtype=np.int64)


def _fill(
    src: Side,
    tgt: Side,
    model: LengthModel,
    guide: tuple[Sequence[int], Sequence[int]] | None,
    widths: Sequence[int],
    lex_bonus: float,
) -> tuple[list[Step], list[int], list[int]]:
    """The best path through the beam (or, with a ``guide`` ``(c_lo, c_hi)``, the band
    around it), and each row's first and last column.

    Row ``i`` extends ``widths[i]`` columns beyond the beam or guide.
    """
    s_spans, t_spans = _pair(src, tgt)
    g_tab, h_tab = _tables(model, int(s_spans[0].max()) + int(t_spans[0].max()) + 1)
    no_guide = np.zeros(1, dtype=np.int64)
    args = (*s_spans, *t_spans, *_ENTERING_ARRAYS, _SHAPE_01, _PRIOR_01,
            model.mean, 1.0 / model.var_floor, g_tab, h_tab, _NUMBER_BONUS, _NAME_BONUS,
            lex_bonus, guide is not None,
            np.asarray(guide[0], dtype=np.int64) if guide else no_guide,
            np.asarray(guide[1], dtype=np.int64) if guide else no_guide,
            np.asarray(widths, dtype=np.int64), BEAM, MARGIN_CAP)
    costs, backs, margins, start, lo, hi = kernel.fill(*args)
    cells, values = kernel.trace(costs, backs, margins, start, lo, src.n, tgt.n,
                                 _SHAPE_A, _SHAPE_B)
    steps = [Step(i0, i1, j0, j1, cost, margin)
             for (i0, i1, j0, j1), (cost, margin) in zip(cells.tolist(), values.tolist(),
                                                         strict=True)]
    return steps, lo.tolist(), hi.tolist()


def _touching(steps: list[Step], lo: list[int], hi: list[int], m: int) -> list[int]:
    """Rows where the path runs along the edge of the band."""
    out = []
    for st in steps:
        i, j = st.i1, st.j1
        if (j == lo[i] and j > 0) or (j == hi[i] and j < m):
            out.append(i)
    return out


def _recentre(steps: list[Step], n: int) -> tuple[list[int], list[int]]:
    c_lo = [0] * (n + 1)
    c_hi = [0] * (n + 1)
    for st in steps:
        # Rows inside a multi-source link take the link's end column.
        for i in range(st.i0 + 1, st.i1 + 1):
            c_lo[i] = c_hi[i] = st.j1
        if st.i0 == st.i1:
            c_hi[st.i1] = max(c_hi[st.i1], st.j1)
    c_lo[0] = 0
    return c_lo, c_hi


def best_path(
    src: Side,
    tgt: Side,
    model: LengthModel,
    *,
    guide: list[Step] | None = None,
    lex_bonus: float = 0.0,
) -> list[Step]:
    """Best monotone path through the grid of ``src`` × ``tgt`` spans.

    Both sides must be non-empty. ``guide`` (a previous path over the same
    sentences) replaces the character diagonal and narrows the band to
    :data:`GUIDED_HALF_WIDTH`; ``lex_bonus`` is what one shared lexical key
    takes off a link's cost.
    """
    n, m = src.n, tgt.n
    band = _recentre(guide, n) if guide else None
    width = GUIDED_HALF_WIDTH if guide else BAND_HALF_WIDTH
    widths = [width] * (n + 1)
    steps: list[Step] = []
    for _ in range(MAX_ROUNDS):
        steps, lo, hi = _fill(src, tgt, model, band, widths, lex_bonus)
        touching = _touching(steps, lo, hi, m)
        if not touching:
            break
        # The band lost the true path there (the cheapest cell of a row can lag
        # behind it): a path pressed against the edge is no evidence of where
        # the true one is, so widen the same band around those rows instead of
        # following the path. Widening only nearby rows keeps the cost linear.
        wider: set[int] = set()
        for i in touching:
            wider.update(range(max(i - WIDEN_ROWS, 0), min(i + WIDEN_ROWS, n) + 1))
        if all(widths[i] >= MAX_HALF_WIDTH for i in wider):
            break
        for i in wider:
            widths[i] = min(2 * widths[i], MAX_HALF_WIDTH)
    return steps
