"""The aligner's dynamic program, compiled: the loops of ``dp.py`` over cells and shapes.

Compiled by numba for the types the DP passes when this module is first imported on a
machine (about 9 s), and loaded from numba's cache on disk after that, because the DP is
one loop per cell and candidate shape over floats and small key sets, which Python runs
a hundred times slower than machine code and numpy cannot vectorise (each cell depends
on its left neighbour). The arithmetic is the same as ``dp.py`` describes, in the same order, so
the paths and margins are the same as a pure-Python DP's (tested against one).

A side's key sets (numbers, names, lexical keys) arrive as integer ids, sorted, one
compressed list per sentence (``ptr``, ``ids``): the spans' unions are made here.
"""
from __future__ import annotations

import math

import numba
import numpy as np

# Compiled once a machine (the cache beside this file, or numba's user cache) and
# without the interpreter's lock, so threads of one process align at once.
_compiled = numba.njit(cache=True, nogil=True)
# The entry points are compiled for these types when the module loads (from the cache:
# milliseconds), not at a process's first alignment (a quarter second of type inference).
_I = numba.int64
_F = numba.float64
_INTS = numba.int64[::1]
_FLOATS = numba.float64[::1]
_INT_TABLE = numba.int64[:, ::1]
_FLOAT_TABLE = numba.float64[:, ::1]
_SIDE = (_INT_TABLE, _FLOAT_TABLE, _FLOAT_TABLE, _INTS, _INTS, _INTS, _INTS, _INTS, _INTS)


@_compiled
def _count_common(a_ids, a_lo, a_hi, b_ids, b_lo, b_hi):  # type: ignore[no-untyped-def]
    """How many ids two sorted runs share."""
    n = 0
    while a_lo < a_hi and b_lo < b_hi:
        x = a_ids[a_lo]
        y = b_ids[b_lo]
        if x == y:
            n += 1
            a_lo += 1
            b_lo += 1
        elif x < y:
            a_lo += 1
        else:
            b_lo += 1
    return n


@_compiled
def _shared(s_row, s_nu_ptr, s_nu, s_na_ptr, s_na, s_lx_ptr, s_lx,  # type: ignore[no-untyped-def]
            t_row, t_nu_ptr, t_nu, t_na_ptr, t_na, t_lx_ptr, t_lx):
    """How many numbers, names and lexical keys a source span and a target span share."""
    return (_count_common(s_nu, s_nu_ptr[s_row], s_nu_ptr[s_row + 1],
                          t_nu, t_nu_ptr[t_row], t_nu_ptr[t_row + 1]),
            _count_common(s_na, s_na_ptr[s_row], s_na_ptr[s_row + 1],
                          t_na, t_na_ptr[t_row], t_na_ptr[t_row + 1]),
            _count_common(s_lx, s_lx_ptr[s_row], s_lx_ptr[s_row + 1],
                          t_lx, t_lx_ptr[t_row], t_lx_ptr[t_row + 1]))


@_compiled
def _span_sets(ptr, ids, n, max_span):  # type: ignore[no-untyped-def]
    """Each span's set as one sorted run: row ``k * (n + 1) + i`` is sentences ``i-k..i-1``."""
    rows = (max_span + 1) * (n + 1)
    out_ptr = np.zeros(rows + 1, dtype=np.int64)
    size = 0
    for k in range(1, max_span + 1):
        for i in range(k, n + 1):
            size += ptr[i] - ptr[i - k]
    out = np.empty(size, dtype=np.int64)
    at = 0
    for k in range(max_span + 1):
        for i in range(n + 1):
            row = k * (n + 1) + i
            out_ptr[row] = at
            if k >= 1 and i >= k:
                # Merge the span's sentences' runs, without repeats.
                start = at
                for s in range(i - k, i):
                    for p in range(ptr[s], ptr[s + 1]):
                        out[at] = ids[p]
                        at += 1
                if k > 1 and at - start > 1:
                    part = np.sort(out[start:at])
                    w = start
                    for q in range(part.size):
                        if q == 0 or part[q] != part[q - 1]:
                            out[w] = part[q]
                            w += 1
                    at = w
    out_ptr[rows] = at
    return out_ptr, out[:at].copy()


@numba.njit([(_INTS, _INTS, _INTS, _INTS, _INTS, _INTS, _INTS, _INTS, _I, _F, _F, _F, _F)],
            cache=True, nogil=True)
def span_features(lengths, known, nu_ptr, nu_ids, na_ptr, na_ids, lx_ptr, lx_ids,  # type: ignore[no-untyped-def]
                  max_span, smooth, w_number, w_name, lex_miss):
    """Per span ``[k, i]``: length, its log, one-sided penalties and the three key sets."""
    n = lengths.size
    width = n + 1
    length = np.zeros((max_span + 1, width), dtype=np.int64)
    loglen = np.zeros((max_span + 1, width), dtype=np.float64)
    solo = np.zeros((max_span + 1, width), dtype=np.float64)
    at = np.zeros(width, dtype=np.int64)
    for i in range(n):
        at[i + 1] = at[i] + lengths[i]
    nu = _span_sets(nu_ptr, nu_ids, n, max_span)
    na = _span_sets(na_ptr, na_ids, n, max_span)
    lx = _span_sets(lx_ptr, lx_ids, n, max_span)
    for k in range(1, max_span + 1):
        for i in range(k, n + 1):
            row = k * width + i
            length[k, i] = at[i] - at[i - k] + k - 1
            loglen[k, i] = math.log(length[k, i] + smooth)
            solo[k, i] = (w_number * (nu[0][row + 1] - nu[0][row])
                          + w_name * (na[0][row + 1] - na[0][row])
                          + lex_miss * (known[i] - known[i - k]))
    return length, loglen, solo, nu[0], nu[1], na[0], na[1], lx[0], lx[1]


@numba.njit([(*_SIDE, *_SIDE, _INTS, _INTS, _INTS, _FLOATS, _I, _F,
              _F, _F, _FLOATS, _FLOATS, _F, _F, _F,
              numba.boolean, _INTS, _INTS, _INTS, _F, _F)], cache=True, nogil=True)
def fill(  # type: ignore[no-untyped-def]
    # the source side (dp.Side's arrays) and the target side
    s_length, s_loglen, s_solo, s_nu_ptr, s_nu, s_na_ptr, s_na, s_lx_ptr, s_lx,
    t_length, t_loglen, t_solo, t_nu_ptr, t_nu, t_na_ptr, t_na, t_lx_ptr, t_lx,
    # the shapes but 0-1, cheapest first: index, source and target sentences, prior
    shape_index, shape_a, shape_b, shape_prior, shape_01, prior_01,
    # the length model and its tables; the bonuses
    mean, inv_floor, g_tab, h_tab, number_bonus, name_bonus, lex_bonus,
    # the band
    guided, guide_lo, guide_hi, widths, beam, cap,
):
    """Fill the band row by row; rows are laid end to end from ``start[i]``.

    Returns ``costs``, ``backs``, ``margins`` (flat), ``start``, ``lo`` and ``hi`` (each row's
    first and last column). See ``dp._fill``, whose loop this is.
    """
    n = s_length.shape[1] - 1
    m = t_length.shape[1] - 1
    sw = n + 1
    tw = m + 1
    inf = np.inf
    lo = np.zeros(n + 1, dtype=np.int64)
    hi = np.zeros(n + 1, dtype=np.int64)
    start = np.zeros(n + 2, dtype=np.int64)
    capacity = 64 * (n + 1)
    costs = np.empty(capacity, dtype=np.float64)
    backs = np.empty(capacity, dtype=np.int64)
    margins = np.empty(capacity, dtype=np.float64)
    shapes = shape_index.size
    for i in range(n + 1):
        # The row's band (dp._band).
        if i == 0:
            lo_i = 0
            hi_i = min(m, (guide_hi[0] if guided else 0) + widths[0])
        else:
            if not guided:
                p0 = start[i - 1]
                p1 = start[i]
                limit = inf
                for p in range(p0, p1):
                    if costs[p] < limit:
                        limit = costs[p]
                limit += beam
                first = 0
                last = p1 - p0 - 1
                while costs[p0 + first] > limit:
                    first += 1
                while costs[p0 + last] > limit:
                    last -= 1
                lo_i = lo[i - 1] + max(first - widths[i], 0)
                hi_i = lo[i - 1] + last + widths[i]
            else:
                lo_i = max(guide_lo[i] - widths[i], lo[i - 1], 0)
                hi_i = guide_hi[i] + widths[i]
            lo_i = min(lo_i, hi[i - 1], m)
            hi_i = m if i == n else min(max(hi_i, lo_i), m)
        lo[i] = lo_i
        hi[i] = hi_i
        cells = hi_i - lo_i + 1
        base_at = start[i]
        start[i + 1] = base_at + cells
        if start[i + 1] > capacity:
            while start[i + 1] > capacity:
                capacity *= 2
            grown = np.empty(capacity, dtype=np.float64)
            grown[:base_at] = costs[:base_at]
            costs = grown
            grown_b = np.empty(capacity, dtype=np.int64)
            grown_b[:base_at] = backs[:base_at]
            backs = grown_b
            grown_m = np.empty(capacity, dtype=np.float64)
            grown_m[:base_at] = margins[:base_at]
            margins = grown_m
        for col in range(cells):
            costs[base_at + col] = inf
            backs[base_at + col] = -1
            margins[base_at + col] = 0.0
        first_j = lo_i
        if i == 0 and lo_i == 0:
            costs[base_at] = 0.0
            first_j = 1
        for j in range(first_j, hi_i + 1):
            col = j - lo_i
            best = inf
            second = inf
            best_s = -1
            for c_at in range(shapes):
                a = shape_a[c_at]
                if a > i:
                    continue
                b = shape_b[c_at]
                r = i - a
                # The previous row's cell for this shape: column j - b.
                k = j - b - lo[r]
                if k < 0 or k > hi[r] - lo[r]:
                    continue
                s_row = a * sw + i
                if b:
                    c = costs[start[r] + k] + (shape_prior[c_at] + s_solo[a, i])
                    t_row = b * tw + j
                    c += t_solo[b, j]
                    n_num = -1
                    n_name = 0
                    n_lex = 0
                    if c >= second or c >= best + cap:
                        # Length costs are >= 0 and one-sided penalties are already in c;
                        # only shared keys can lower it.
                        gain = (number_bonus * (s_nu_ptr[s_row + 1] - s_nu_ptr[s_row])
                                + name_bonus * (s_na_ptr[s_row + 1] - s_na_ptr[s_row])
                                + lex_bonus * (s_lx_ptr[s_row + 1] - s_lx_ptr[s_row]))
                        low = c - gain
                        if low >= second or low >= best + cap:
                            continue
                        n_num, n_name, n_lex = _shared(
                            s_row, s_nu_ptr, s_nu, s_na_ptr, s_na, s_lx_ptr, s_lx,
                            t_row, t_nu_ptr, t_nu, t_na_ptr, t_na, t_lx_ptr, t_lx)
                        if n_num == 0 and n_name == 0 and n_lex == 0:
                            continue
                    total = s_length[a, i] + t_length[b, j]
                    d = t_loglen[b, j] - (s_loglen[a, i] + mean)
                    c += d * d * g_tab[total] * inv_floor + h_tab[total]
                    if n_num < 0:
                        n_num, n_name, n_lex = _shared(
                            s_row, s_nu_ptr, s_nu, s_na_ptr, s_na, s_lx_ptr, s_lx,
                            t_row, t_nu_ptr, t_nu, t_na_ptr, t_na, t_lx_ptr, t_lx)
                    if n_num:
                        c -= number_bonus * n_num
                    if n_name:
                        c -= name_bonus * n_name
                    if n_lex:
                        c -= lex_bonus * n_lex
                else:
                    c = costs[start[r] + k] + shape_prior[c_at]
                if c < best:
                    second = best
                    best = c
                    best_s = shape_index[c_at]
                elif c < second:
                    second = c
            if col:
                # 0-1 enters from the same row (a target sentence left out).
                c = costs[base_at + col - 1] + prior_01
                if c < best:
                    second = best
                    best = c
                    best_s = shape_01
                elif c < second:
                    second = c
            costs[base_at + col] = best
            backs[base_at + col] = best_s
            second -= best
            margins[base_at + col] = cap if cap < second else second
    return costs, backs, margins, start, lo, hi


@numba.njit([(_FLOATS, _INTS, _FLOATS, _INTS, _INTS, _I, _I, _INTS, _INTS)],
            cache=True, nogil=True)
def trace(costs, backs, margins, start, lo, n, m, shape_a, shape_b):  # type: ignore[no-untyped-def]
    """The best path from ``(n, m)`` back to the origin, as rows ``i0 i1 j0 j1``, cost, margin."""
    cells = np.empty((n + m, 4), dtype=np.int64)
    values = np.empty((n + m, 2), dtype=np.float64)
    steps = 0
    i = n
    j = m
    while i > 0 or j > 0:
        at = start[i] + j - lo[i]
        s = backs[at]
        pi = i - shape_a[s]
        pj = j - shape_b[s]
        cells[steps, 0] = pi
        cells[steps, 1] = i
        cells[steps, 2] = pj
        cells[steps, 3] = j
        values[steps, 0] = costs[at] - costs[start[pi] + pj - lo[pi]]
        values[steps, 1] = margins[at]
        steps += 1
        i = pi
        j = pj
    return cells[:steps][::-1].copy(), values[:steps][::-1].copy()
