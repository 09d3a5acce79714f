"""Banded dynamic program over link shapes (Gale–Church with lexical anchors).

A path through the grid ``(i, j)`` — ``i`` source and ``j`` target sentences
consumed — is a sequence of links of the shapes in :data:`SHAPES`. The cost of
a link is a negative log-likelihood:

    shape prior + length cost (lengths.py) + anchor cost (cues.py)

Only a band of cells around a guide path is filled in, so time and memory grow
linearly with document length. The first guide is the *character* diagonal
(target position proportional to source characters consumed), which stays
close to the true path because merges do not move it; if the best path touches
the edge of the band anywhere, the band is re-centred on that path and the DP
runs again (:data:`MAX_ROUNDS`), which follows arbitrary drift with a fixed
band width.

Besides each link's cost the DP keeps, for every cell, the margin between the
best and the second-best way of entering it (a different last link). The
public API turns this into a confidence (see ``tm/align/__init__.py``).
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

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

# Band half-width (sentences) around the guide path, and re-centring rounds.
# Documents up to ~2 * BAND_HALF_WIDTH sentences are aligned exactly.
BAND_HALF_WIDTH = 12
# Margins above this (nats) are not tracked exactly: a rival that much worse
# gives a confidence of 1 anyway, and the cap lets the DP prune it.
MARGIN_CAP = 10.0
MAX_ROUNDS = 8

_INF = math.inf


@dataclass(frozen=True, slots=True)
class Step:
    """One link of the best path: ``src[i0:i1]`` ↔ ``tgt[j0:j1]``."""

    i0: int
    i1: int
    j0: int
    j1: int
    cost: float
    margin: float


class _Side:
    """Per-span features of one side: span k ending before sentence i."""

    __slots__ = ("n", "length", "loglen", "nums", "names")

    def __init__(
        self,
        lengths: Sequence[int],
        nums: Sequence[frozenset[str]],
        names: Sequence[frozenset[str]],
    ) -> None:
        n = self.n = len(lengths)
        empty: frozenset[str] = frozenset()
        self.length: list[list[int]] = [[0] * (n + 1) for _ in range(MAX_SPAN + 1)]
        self.loglen: list[list[float]] = [[0.0] * (n + 1) for _ in range(MAX_SPAN + 1)]
        self.nums: list[list[frozenset[str]]] = [[empty] * (n + 1) for _ in range(MAX_SPAN + 1)]
        self.names: list[list[frozenset[str]]] = [[empty] * (n + 1) for _ in range(MAX_SPAN + 1)]
        for k in range(1, MAX_SPAN + 1):
            ln, ll, nu, na = self.length[k], self.loglen[k], self.nums[k], self.names[k]
            for i in range(k, n + 1):
                # Sentences of a merged span are joined by one space.
                ln[i] = sum(lengths[i - k : i]) + k - 1
                ll[i] = math.log(ln[i] + SMOOTH_CHARS)
                if k == 1:
                    nu[i], na[i] = nums[i - 1], names[i - 1]
                else:
                    nu[i] = self.nums[k - 1][i - 1] | nums[i - 1]
                    na[i] = self.names[k - 1][i - 1] | names[i - 1]


def _diagonal(src: _Side, tgt: _Side) -> list[int]:
    """Guide path: target index proportional to source characters consumed."""
    n, m = src.n, tgt.n
    ps = [0] * (n + 1)
    for i in range(1, n + 1):
        ps[i] = ps[i - 1] + src.length[1][i] + 1
    pt = [0] * (m + 1)
    for j in range(1, m + 1):
        pt[j] = pt[j - 1] + tgt.length[1][j] + 1
    scale = pt[m] / ps[n] if ps[n] else 0.0
    out = [0] * (n + 1)
    j = 0
    for i in range(n + 1):
        want = ps[i] * scale
        while j < m and abs(pt[j + 1] - want) <= abs(pt[j] - want):
            j += 1
        out[i] = j
    out[n] = m
    return out


def _fill(
    src: _Side,
    tgt: _Side,
    model: LengthModel,
    c_lo: Sequence[int],
    c_hi: Sequence[int],
    width: int,
    lo: list[int],
    hi: list[int],
) -> tuple[list[list[float]], list[list[int]], list[list[float]]]:
    """Fill the band around the guide ``c_lo..c_hi`` ± ``width``.

    Row ``i``'s band is the guide band shifted by how far the cheapest cell of
    row ``i - 1`` lies from the guide, so drift is followed within one pass.
    ``lo``/``hi`` receive the band actually used.
    """
    n = src.n
    m = tgt.n
    # Cheapest shapes first so that the bound below prunes the rest early.
    shapes = sorted(
        ((s, a, b, -math.log(p)) for s, (a, b, p) in enumerate(SHAPE_PRIORS)),
        key=lambda x: x[3],
    )
    mean = model.mean
    vfloor, vscale = model.var_floor, model.var_scale
    log = math.log
    s_len, s_log, s_num, s_name = src.length, src.loglen, src.nums, src.names
    t_len, t_log, t_num, t_name = tgt.length, tgt.loglen, tgt.nums, tgt.names
    costs: list[list[float]] = []
    backs: list[list[int]] = []
    margins: list[list[float]] = []
    for i in range(n + 1):
        if i:
            prev = costs[i - 1]
            best_prev = lo[i - 1] + prev.index(min(prev))
            shift = best_prev - (c_lo[i - 1] + c_hi[i - 1]) // 2
            lo_i = max(c_lo[i] + shift - width, lo[i - 1], 0)
            lo_i = min(lo_i, hi[i - 1], m)
            hi_i = m if i == n else min(max(c_hi[i] + shift + width, lo_i), m)
            lo[i], hi[i] = lo_i, hi_i
        else:
            lo[0], hi[0] = 0, min(m, c_hi[0] + width)
        lo_i, hi_i = lo[i], hi[i]
        cells = hi_i - lo_i + 1
        row = [_INF] * cells
        back = [-1] * cells
        marg = [0.0] * cells
        for j in range(lo_i, hi_i + 1):
            if i == 0 and j == 0:
                row[0] = 0.0
                continue
            best = second = _INF
            best_s = -1
            for s, a, b, prior in shapes:
                pi = i - a
                pj = j - b
                if pi < 0 or pj < 0:
                    continue
                plo = lo[pi]
                if pj < plo or pj > hi[pi]:
                    continue
                c = costs[pi][pj - plo] if pi < i else row[pj - plo]
                if c == _INF:
                    continue
                c += prior
                if c >= second or c >= best + MARGIN_CAP:
                    # Length and name/number-miss costs are >= 0; only shared
                    # anchors can lower the cost, so a link without them cannot
                    # beat the two best candidates already found.
                    if not (a and b) or not (
                        (s_num[a][i] and t_num[b][j]) or (s_name[a][i] and t_name[b][j])
                    ):
                        continue
                if a and b:
                    ls = s_len[a][i]
                    lt = t_len[b][j]
                    var = vfloor + vscale / (ls + lt + 1)
                    d = t_log[b][j] - s_log[a][i] - mean
                    c += d * d / (2.0 * var) + 0.5 * log(var / vfloor)
                    na = s_num[a][i]
                    nb = t_num[b][j]
                    if na:
                        if nb:
                            k = len(na & nb)
                            c += W_NUMBER_MISS * (len(na) + len(nb) - 2 * k) - W_SHARED * k
                        else:
                            c += W_NUMBER_MISS * len(na)
                    elif nb:
                        c += W_NUMBER_MISS * len(nb)
                    na = s_name[a][i]
                    nb = t_name[b][j]
                    if na and nb:
                        k = len(na & nb)
                        c += W_NAME_MISS * (len(na) + len(nb) - 2 * k) - W_SHARED * k
                    elif na:
                        c += W_NAME_MISS * len(na)
                    elif nb:
                        c += W_NAME_MISS * len(nb)
                if c < best:
                    second = best
                    best = c
                    best_s = s
                elif c < second:
                    second = c
            col = j - lo_i
            row[col] = best
            back[col] = best_s
            marg[col] = min(second - best, MARGIN_CAP)
        costs.append(row)
        backs.append(back)
        margins.append(marg)
    return costs, backs, margins


def _trace(
    costs: list[list[float]],
    backs: list[list[int]],
    margins: list[list[float]],
    lo: list[int],
    n: int,
    m: int,
) -> list[Step]:
    steps: list[Step] = []
    i, j = n, m
    while i > 0 or j > 0:
        col = j - lo[i]
        s = backs[i][col]
        a, b, _ = SHAPE_PRIORS[s]
        pi, pj = i - a, j - b
        cost = costs[i][col] - costs[pi][pj - lo[pi]]
        steps.append(Step(pi, i, pj, j, cost, margins[i][col]))
        i, j = pi, pj
    steps.reverse()
    return steps


def _touches(steps: list[Step], lo: list[int], hi: list[int], m: int) -> bool:
    for st in steps:
        i, j = st.i1, st.j1
        if (j == lo[i] and j > 0) or (j == hi[i] and j < m):
            return True
    return False


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
    src_lengths: Sequence[int],
    tgt_lengths: Sequence[int],
    src_anchors: tuple[Sequence[frozenset[str]], Sequence[frozenset[str]]],
    tgt_anchors: tuple[Sequence[frozenset[str]], Sequence[frozenset[str]]],
    model: LengthModel,
    width: int = BAND_HALF_WIDTH,
    guide: list[Step] | None = None,
) -> list[Step]:
    """Best monotone path; ``*_anchors`` are (number keys, name keys) per sentence.

    Both sides must be non-empty. ``guide`` (a previous path over the same
    sentences) centres the first band instead of the character diagonal.
    """
    src = _Side(src_lengths, *src_anchors)
    tgt = _Side(tgt_lengths, *tgt_anchors)
    n, m = src.n, tgt.n
    if guide:
        c_lo, c_hi = _recentre(guide, n)
    else:
        centre = _diagonal(src, tgt)
        c_lo, c_hi = centre, centre
    steps: list[Step] = []
    for _ in range(MAX_ROUNDS):
        lo, hi = [0] * (n + 1), [0] * (n + 1)
        costs, backs, margins = _fill(src, tgt, model, c_lo, c_hi, width, lo, hi)
        steps = _trace(costs, backs, margins, lo, n, m)
        if not _touches(steps, lo, hi, m):
            break
        c_lo, c_hi = _recentre(steps, n)
    return steps
