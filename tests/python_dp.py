"""The aligner's dynamic program as it was written in Python, before tm/align/kernel.py.

The reference the compiled DP is tested against (tests/test_align_kernel.py): the same
paths, costs and margins on the same documents. Kept as it was; not used by Sverka.

Banded dynamic program over link shapes (Gale–Church with lexical anchors).

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
logs, anchor sets, the one-sided anchor penalties and the shapes entering each
row — is computed once per document (:class:`Side`) and shared by all passes;
the length cost itself is read from tables indexed by the total span length, so
the inner loop does no ``log``.

Besides each link's cost the DP keeps, for every cell, the margin between the
best and the second-best way of entering it (a different last link). The
public API turns this into a confidence (see ``tm/align/score.py``).
"""
from __future__ import annotations

import math
from collections.abc import Sequence

# The constants are Sverka's; the loops below are the reference.
from tm.align.dp import (
    _NAME_BONUS,
    _NUMBER_BONUS,
    BAND_HALF_WIDTH,
    BEAM,
    GUIDED_HALF_WIDTH,
    MARGIN_CAP,
    MAX_HALF_WIDTH,
    MAX_ROUNDS,
    MAX_SPAN,
    SHAPE_PRIORS,
    W_NAME_MISS,
    W_NUMBER_MISS,
    WIDEN_ROWS,
    Step,
    _recentre,
    _touching,
)
from tm.align.lengths import SMOOTH_CHARS, LengthModel

_INF = math.inf
_EMPTY: frozenset[str] = frozenset()


# A shape entering a source row, with what depends neither on the length model nor on the
# rows above (Side.shapes): shape, source and target sentences, prior plus the source's
# one-sided penalties, source log length, source length, numbers, names, lexical keys, and
# the most shared keys could take off the link's cost.
_Shape = tuple[int, int, int, float, float, int, frozenset[str], frozenset[str],
               frozenset[str], float]


class Side:
    """Per-span features of one side: ``x[k][i]`` describes span ``i-k .. i``.

    ``lex`` are lexical keys (a source span's translations, a target span's own
    stems) and ``lex_words`` the number of source words whose translation is
    known; a known translation that is missing costs ``lex_miss`` nats.
    """

    __slots__ = ("n", "length", "loglen", "nums", "names", "lex", "solo", "longest", "cols",
                 "rows")

    def __init__(
        self,
        lengths: Sequence[int],
        nums: Sequence[frozenset[str]],
        names: Sequence[frozenset[str]],
        lex: Sequence[frozenset[str]] | None = None,
        lex_words: Sequence[int] | None = None,
        lex_miss: float = 0.0,
    ) -> None:
        n = self.n = len(lengths)
        spans = range(MAX_SPAN + 1)
        self.length: list[list[int]] = [[0] * (n + 1) for _ in spans]
        self.loglen: list[list[float]] = [[0.0] * (n + 1) for _ in spans]
        self.nums: list[list[frozenset[str]]] = [[_EMPTY] * (n + 1) for _ in spans]
        self.names: list[list[frozenset[str]]] = [[_EMPTY] * (n + 1) for _ in spans]
        self.lex: list[list[frozenset[str]]] = [[_EMPTY] * (n + 1) for _ in spans]
        self.solo: list[list[float]] = [[0.0] * (n + 1) for _ in spans]
        log = math.log
        # Prefix sums: span totals without re-adding sentences.
        at = [0] * (n + 1)
        for i, x in enumerate(lengths):
            at[i + 1] = at[i] + x
        known = [0] * (n + 1)
        if lex_words is not None:
            for i, x in enumerate(lex_words):
                known[i + 1] = known[i] + x
        for k in range(1, MAX_SPAN + 1):
            ln, ll, nu, na, lx, so = (self.length[k], self.loglen[k], self.nums[k],
                                      self.names[k], self.lex[k], self.solo[k])
            pnu, pna, plx = self.nums[k - 1], self.names[k - 1], self.lex[k - 1]
            for i in range(k, n + 1):
                # Sentences of a merged span are joined by one space.
                ln[i] = at[i] - at[i - k] + k - 1
                ll[i] = log(ln[i] + SMOOTH_CHARS)
                if k == 1:
                    nu[i], na[i] = nums[i - 1], names[i - 1]
                    if lex is not None:
                        lx[i] = lex[i - 1]
                else:
                    # Most sentences have no numbers or names: reuse the
                    # other set instead of allocating an equal union.
                    a, b = pnu[i - 1], nums[i - 1]
                    nu[i] = a | b if a and b else a or b
                    a, b = pna[i - 1], names[i - 1]
                    na[i] = a | b if a and b else a or b
                    if lex is not None:
                        a, b = plx[i - 1], lex[i - 1]
                        lx[i] = a | b if a and b else a or b
                so[i] = (W_NUMBER_MISS * len(nu[i]) + W_NAME_MISS * len(na[i])
                         + lex_miss * (known[i] - known[i - k]))
        self.longest = max(max(x) for x in self.length)
        self.cols: list[tuple[tuple[int, float, frozenset[str], frozenset[str],
                                    frozenset[str], float] | None, ...]] | None = None
        self.rows: tuple[float, list[list[_Shape]]] | None = None

    def columns(self) -> list[tuple[tuple[int, float, frozenset[str], frozenset[str],
                                          frozenset[str], float] | None, ...]]:
        """This side as the target: ``cols[j][k]`` = span ``k`` ending at ``j``, one tuple."""
        if self.cols is None:
            spans = range(1, MAX_SPAN + 1)
            self.cols = [
                (None, *((self.length[k][j], self.loglen[k][j], self.nums[k][j],
                          self.names[k][j], self.lex[k][j], self.solo[k][j]) for k in spans))
                for j in range(self.n + 1)
            ]
        return self.cols

    def shapes(self, lex_bonus: float) -> list[list[_Shape]]:
        """This side as the source: ``shapes[i]`` = the shapes entering row ``i`` (but 0-1).

        Cheapest first; what does not depend on the length model or the rows above, made
        once per document instead of once per row and pass (see :data:`_Shape`).
        """
        if self.rows is not None and self.rows[0] == lex_bonus:
            return self.rows[1]
        nums, names, lex, solo = self.nums, self.names, self.lex, self.solo
        out: list[list[_Shape]] = []
        for i in range(self.n + 1):
            row: list[_Shape] = []
            for s, a, b, prior in _ORDER:
                if a == 0 or a > i:
                    continue
                if b:
                    snum, sname, slex = nums[a][i], names[a][i], lex[a][i]
                    gain = (_NUMBER_BONUS * len(snum) + _NAME_BONUS * len(sname)
                            + lex_bonus * len(slex))
                    row.append((s, a, b, prior + solo[a][i], self.loglen[a][i],
                                self.length[a][i], snum, sname, slex, gain))
                else:
                    row.append((s, a, 0, prior, 0.0, 0, _EMPTY, _EMPTY, _EMPTY, 0.0))
            out.append(row)
        self.rows = (lex_bonus, out)
        return out


# Length-cost tables by total span length L = ls + lt: with
# var = floor * (1 + R / (L + 1)), R = var_scale / var_floor, the cost
# d² / (2 var) + ½ log(var / floor) is d² * G[L] / floor + H[L]. A refit scales
# floor and scale together, so R — and the tables — stay the same.
_TABLES: dict[float, tuple[list[float], list[float]]] = {}


def _tables(model: LengthModel, size: int) -> tuple[list[float], list[float]]:
    ratio = model.var_scale / model.var_floor
    got = _TABLES.get(ratio)
    if got is None or len(got[0]) < size:
        size = max(size, 4096, 2 * len(got[0]) if got else 0)
        g = [0.5 / (1.0 + ratio / (n + 1)) for n in range(size)]
        h = [0.5 * math.log(1.0 + ratio / (n + 1)) for n in range(size)]
        got = _TABLES[ratio] = (g, h)
    return got


# Shapes with their index and cost, cheapest first so that the bound in
# _fill prunes the rest early.
_ORDER = sorted(
    ((s, a, b, -math.log(p)) for s, (a, b, p) in enumerate(SHAPE_PRIORS)),
    key=lambda x: x[3],
)
_SHAPE_01 = next(s for s, a, b, _ in _ORDER if (a, b) == (0, 1))
_PRIOR_01 = next(p for s, a, b, p in _ORDER if (a, b) == (0, 1))


def _band(
    i: int,
    costs: list[list[float]],
    guide: tuple[Sequence[int], Sequence[int]] | None,
    widths: Sequence[int],
    lo: list[int],
    hi: list[int],
    n: int,
    m: int,
) -> tuple[int, int]:
    """Return the first and last column row ``i`` fills, given the rows above it.

    Without a ``guide``, every cell of the previous row within :data:`BEAM` of its best stays
    in play, plus ``widths[i]`` for the next step; with one, ``widths[i]`` around the guide.
    """
    if not i:
        return 0, min(m, (guide[1][0] if guide else 0) + widths[0])
    if guide is None:
        prev = costs[i - 1]
        limit = min(prev) + BEAM
        first, last = 0, len(prev) - 1
        while prev[first] > limit:
            first += 1
        while prev[last] > limit:
            last -= 1
        lo_i = lo[i - 1] + max(first - widths[i], 0)
        hi_i = lo[i - 1] + last + widths[i]
    else:
        lo_i = max(guide[0][i] - widths[i], lo[i - 1], 0)
        hi_i = guide[1][i] + widths[i]
    lo_i = min(lo_i, hi[i - 1], m)
    hi_i = m if i == n else min(max(hi_i, lo_i), m)
    return lo_i, hi_i


def _fill(
    src: Side,
    tgt: Side,
    model: LengthModel,
    guide: tuple[Sequence[int], Sequence[int]] | None,
    widths: Sequence[int],
    lex_bonus: float,
    lo: list[int],
    hi: list[int],
) -> tuple[list[list[float]], list[list[int]], list[list[float]]]:
    """Fill the beam (or, with a ``guide`` ``(c_lo, c_hi)``, the band around it).

    Row ``i`` extends ``widths[i]`` columns beyond the beam or guide;
    ``lo``/``hi`` receive the band actually used.
    """
    n, m = src.n, tgt.n
    mean = model.mean
    inv_floor = 1.0 / model.var_floor
    g_tab, h_tab = _tables(model, src.longest + tgt.longest + 1)
    t_cols = tgt.columns()
    s_shapes = src.shapes(lex_bonus)
    # Module constants and builtins as locals: the inner loop below runs once
    # per cell and candidate shape.
    cap = MARGIN_CAP
    p01 = _PRIOR_01
    shape_01 = _SHAPE_01
    number_bonus = _NUMBER_BONUS
    name_bonus = _NAME_BONUS
    inf = _INF
    size = len
    costs: list[list[float]] = []
    backs: list[list[int]] = []
    margins: list[list[float]] = []
    for i in range(n + 1):
        lo_i, hi_i = lo[i], hi[i] = _band(i, costs, guide, widths, lo, hi, n, m)
        # The shapes entering this row (all but 0-1), each with the row it comes from:
        # (shape, target sentences, prior plus the source's one-sided penalties, that
        # row's costs, its first column plus the target sentences, its last index, source
        # log length plus the model's mean, and the rest as in Side.shapes).
        cands = [(s, b, base, costs[i - a], lo[i - a] + b, hi[i - a] - lo[i - a], ll + mean,
                  ls, snum, sname, slex, gain)
                 for s, a, b, base, ll, ls, snum, sname, slex, gain in s_shapes[i]]
        cells = hi_i - lo_i + 1
        row = [inf] * cells
        back = [-1] * cells
        marg = [0.0] * cells
        start = lo_i
        if i == 0 and lo_i == 0:
            row[0] = 0.0
            start = 1
        for j in range(start, hi_i + 1):
            col = j - lo_i
            best = second = inf
            best_s = -1
            t_col = t_cols[j]
            for s, b, base, prow, off, span, slog, ls, snum, sname, slex, gain in cands:
                # The previous row's cell for this shape: column j - b, at
                # index j - b - lo of that row (off = lo + b, span = hi - lo).
                k = j - off
                if k < 0 or k > span:
                    continue
                c = prow[k] + base
                if b:
                    tl, tg, tnj, tmj, txj, ts = t_col[b]  # type: ignore[misc]
                    c += ts
                    if c >= second or c >= best + cap:
                        # Length costs are >= 0 and one-sided penalties are
                        # already in c; only shared keys can lower it.
                        low = c - gain
                        if low >= second or low >= best + cap:
                            continue
                        if not ((snum and tnj and not snum.isdisjoint(tnj))
                                or (sname and tmj and not sname.isdisjoint(tmj))
                                or (slex and txj and not slex.isdisjoint(txj))):
                            continue
                    total = ls + tl
                    d = tg - slog
                    c += d * d * g_tab[total] * inv_floor + h_tab[total]
                    if snum and tnj:
                        c -= number_bonus * size(snum & tnj)
                    if sname and tmj:
                        c -= name_bonus * size(sname & tmj)
                    if slex and txj:
                        c -= lex_bonus * size(slex & txj)
                if c < best:
                    second = best
                    best = c
                    best_s = s
                elif c < second:
                    second = c
            if col:
                # 0-1 enters from the same row (a target sentence left out).
                c = row[col - 1] + p01
                if c < best:
                    second = best
                    best = c
                    best_s = shape_01
                elif c < second:
                    second = c
            row[col] = best
            back[col] = best_s
            second -= best
            marg[col] = cap if cap < second else second  # min(), without the call
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
        lo, hi = [0] * (n + 1), [0] * (n + 1)
        costs, backs, margins = _fill(src, tgt, model, band, widths, lex_bonus, lo, hi)
        steps = _trace(costs, backs, margins, lo, n, m)
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
