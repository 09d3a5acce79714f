"""Sentence alignment of a document and its translation.

Public API (others depend on it):

* :class:`Link` — ``src`` and ``tgt`` sentence indices (either may be empty,
  never both) and a confidence ``score`` in [0, 1];
* :func:`align_sentences` — links covering every sentence of both sides
  exactly once, in order;
* :func:`align_paragraphs` — the same over paragraphs of sentences, with
  global sentence indices.

Method: a banded Gale–Church dynamic program over character lengths
(``lengths.py``, ``dp.py``) with numbers and transliterated names as anchors
(``cues.py``). The length model's mean and spread are re-estimated from each
document pair's own confident 1-1 links and the pair is aligned again in a
narrow band around the first path (skipped when the model barely moved).

Confidence: the DP keeps, for every cell, the margin ``Δ`` (nats) between the
best way of entering it and the best way through a different last link; a
link's score is ``1 / (1 + exp(-SCORE_SLOPE * (Δ - SCORE_SHIFT)))``, the
posterior of the chosen last link against its strongest rival under the
model (max-product approximation; calibration constants in ``score.py`` are
still the identity).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tm.align import cues, dp, lengths
from tm.align.score import confidence

__all__ = ["Link", "align_sentences", "align_paragraphs"]

# A paragraph link at least this confident is trusted as a hard boundary when
# paragraphs are aligned first; less confident stretches are pooled and
# aligned sentence by sentence.
PARAGRAPH_TRUST = 0.9
# Minimum 1-1 links before the length model is re-estimated and the document
# aligned a second time (fewer give too noisy an estimate to be worth it).
MIN_LINKS_FOR_REFIT = 3


@dataclass(frozen=True, slots=True)
class Link:
    """``src`` sentences ↔ ``tgt`` sentences, with a confidence in [0, 1]."""

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float


def _one_sided(n_src: int, n_tgt: int) -> list[Link]:
    return [Link((i,), (), 1.0) for i in range(n_src)] + [
        Link((), (j,), 1.0) for j in range(n_tgt)
    ]


def _align_units(
    src_lengths: Sequence[int],
    tgt_lengths: Sequence[int],
    src_anchors: tuple[Sequence[frozenset[str]], Sequence[frozenset[str]]],
    tgt_anchors: tuple[Sequence[frozenset[str]], Sequence[frozenset[str]]],
    src_lang: str,
    tgt_lang: str,
) -> list[Link]:
    if not src_lengths or not tgt_lengths:
        return _one_sided(len(src_lengths), len(tgt_lengths))
    src = dp.Side(src_lengths, *src_anchors)
    tgt = dp.Side(tgt_lengths, *tgt_anchors)
    model = lengths.prior(src_lang, tgt_lang)
    steps = dp.best_path(src, tgt, model)
    pairs = [
        (src_lengths[st.i0], tgt_lengths[st.j0])
        for st in steps
        if st.i1 - st.i0 == 1 and st.j1 - st.j0 == 1
    ]
    if len(pairs) >= MIN_LINKS_FOR_REFIT:
        refit = lengths.estimate(model, pairs)
        if lengths.differs(refit, model):
            steps = dp.best_path(src, tgt, refit, guide=steps)
    return [
        Link(tuple(range(st.i0, st.i1)), tuple(range(st.j0, st.j1)), confidence(st))
        for st in steps
    ]


def align_sentences(
    src: Sequence[str],
    tgt: Sequence[str],
    src_lang: str = "ru",
    tgt_lang: str = "en",
) -> list[Link]:
    """Align two lists of sentences; links are monotone and cover both sides."""
    return _align_units(
        [len(s) for s in src],
        [len(t) for t in tgt],
        cues.anchor_sets(src, src_lang),
        cues.anchor_sets(tgt, tgt_lang),
        src_lang,
        tgt_lang,
    )


def _shift(links: list[Link], ds: int, dt: int) -> list[Link]:
    return [
        Link(tuple(i + ds for i in x.src), tuple(j + dt for j in x.tgt), x.score)
        for x in links
    ]


def _union(sets: Sequence[frozenset[str]]) -> frozenset[str]:
    return frozenset().union(*sets)


def align_paragraphs(
    src_pars: Sequence[Sequence[str]],
    tgt_pars: Sequence[Sequence[str]],
    src_lang: str = "ru",
    tgt_lang: str = "en",
) -> list[Link]:
    """Align paragraphs of sentences; indices are over the flattened sentences.

    With as many paragraphs on both sides, sentences are aligned within each
    paragraph pair. Otherwise paragraphs are aligned first by the same DP
    (paragraph lengths and anchors); confident paragraph links bound the
    sentence alignment, and stretches without a confident paragraph link are
    aligned as one block of sentences.
    """
    src_off = [0]
    for p in src_pars:
        src_off.append(src_off[-1] + len(p))
    tgt_off = [0]
    for p in tgt_pars:
        tgt_off.append(tgt_off[-1] + len(p))

    def block(p0: int, p1: int, q0: int, q1: int) -> list[Link]:
        s = [x for p in src_pars[p0:p1] for x in p]
        t = [x for p in tgt_pars[q0:q1] for x in p]
        return _shift(align_sentences(s, t, src_lang, tgt_lang), src_off[p0], tgt_off[q0])

    if len(src_pars) == len(tgt_pars):
        out: list[Link] = []
        for k in range(len(src_pars)):
            out += block(k, k + 1, k, k + 1)
        return out

    s_sets = [cues.anchor_sets(p, src_lang) for p in src_pars]
    t_sets = [cues.anchor_sets(p, tgt_lang) for p in tgt_pars]
    par_links = _align_units(
        [sum(map(len, p)) + max(len(p) - 1, 0) for p in src_pars],
        [sum(map(len, p)) + max(len(p) - 1, 0) for p in tgt_pars],
        ([_union(n) for n, _ in s_sets], [_union(a) for _, a in s_sets]),
        ([_union(n) for n, _ in t_sets], [_union(a) for _, a in t_sets]),
        src_lang,
        tgt_lang,
    )
    out = []
    p0 = q0 = 0  # start of the pending (not yet aligned) stretch
    for link in par_links:
        p1 = link.src[-1] + 1 if link.src else p0
        q1 = link.tgt[-1] + 1 if link.tgt else q0
        if link.score >= PARAGRAPH_TRUST and link.src and link.tgt:
            p_start, q_start = link.src[0], link.tgt[0]
            if p_start > p0 or q_start > q0:
                out += block(p0, p_start, q0, q_start)
            out += block(p_start, p1, q_start, q1)
            p0, q0 = p1, q1
    if p0 < len(src_pars) or q0 < len(tgt_pars):
        out += block(p0, len(src_pars), q0, len(tgt_pars))
    return out
