"""Gale and Church's (1993) length-based sentence aligner, as published: the anchor for
alignment speed.

A full dynamic program over both sides' sentence lengths in characters, the paper's six
link types and priors, and its cost: -log of the prior times the two-sided normal tail of
the length difference (c = 1, s² = 6.8). It is what NLTK's ``gale_church`` computes,
written out here so that no upstream release can move the anchor, and it is the kind of
work ``tm.align`` does (Python arithmetic over a lattice of sentence pairs), so a machine
that runs one slower runs the other slower alike. Not used for quality: link F1 on the
yardstick is 0.850 (``../shared/eval/README.md``).
"""
from __future__ import annotations

import math
from collections.abc import Sequence

# (source sentences, target sentences) of a link and the paper's prior probability.
PRIORS = {(1, 1): 0.89, (1, 0): 0.0099, (0, 1): 0.0099, (2, 1): 0.089, (1, 2): 0.089,
          (2, 2): 0.011}
MEAN_RATIO = 1.0  # c: target characters per source character
VARIANCE = 6.8  # s²: variance of that per source character
_LOG_PRIOR = {kind: -math.log(p) for kind, p in PRIORS.items()}


def _cost(kind: tuple[int, int], src_chars: int, tgt_chars: int) -> float:
    """-log P(kind) - log P(length difference | match)."""
    if src_chars == tgt_chars == 0:
        return _LOG_PRIOR[kind]
    mean = (src_chars + tgt_chars / MEAN_RATIO) / 2
    z = (MEAN_RATIO * src_chars - tgt_chars) / math.sqrt(mean * VARIANCE)
    tail = math.erfc(abs(z) / math.sqrt(2))  # two-sided: 2 (1 - Φ(|z|))
    return _LOG_PRIOR[kind] - math.log(max(tail, 1e-300))


def align_lengths(src: Sequence[int], tgt: Sequence[int]
                  ) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Links (source indices, target indices) of the cheapest path through the lattice."""
    n, m = len(src), len(tgt)
    cost = [[math.inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            here = cost[i][j]
            if here == math.inf:
                continue
            for kind in PRIORS:
                di, dj = kind
                if i + di > n or j + dj > m:
                    continue
                total = here + _cost(kind, sum(src[i:i + di]), sum(tgt[j:j + dj]))
                if total < cost[i + di][j + dj]:
                    cost[i + di][j + dj] = total
                    back[i + di][j + dj] = kind
    links = []
    i, j = n, m
    while i or j:
        step = back[i][j]
        assert step is not None
        di, dj = step
        links.append((tuple(range(i - di, i)), tuple(range(j - dj, j))))
        i, j = i - di, j - dj
    return links[::-1]


def align_sentences(src: Sequence[str], tgt: Sequence[str]
                    ) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Align two sentence lists by their lengths in characters."""
    return align_lengths([len(s) for s in src], [len(t) for t in tgt])
