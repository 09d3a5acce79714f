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
Word translations are a further cue (``lexicon.py``): the seed lexicon by
default, plus whatever the caller passes (e.g. learned from a memory), plus
on long documents word pairs learned from the first pass (realign).

Confidence (``score.py``): is the link a translation (how much better it is
than leaving its sentences unaligned, its lexicon words found translated, and
the share found translated around it) times is it the right choice (the DP's
margin over its strongest rival, lower for merges); links scoring >= 0.9 are
right about 99 % of the time on the yardstick, links under 0.5 far less often,
and links between unrelated sentences score low.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tm.align import cues, dp, lengths
from tm.align.lexicon import Lexicon, learn_lexicon, memory_lexicon, seed_lexicon
from tm.align.score import Words, confidences
from tm.lang import SOURCE_LANG, TARGET_LANG

__all__ = ["Lexicon", "Link", "align_paragraphs", "align_sentences", "memory_lexicon",
           "seed_lexicon"]

# A paragraph link at least this confident is trusted as a hard boundary when
# paragraphs are aligned first; less confident stretches are pooled and
# aligned sentence by sentence.
PARAGRAPH_TRUST = 0.9
# Minimum 1-1 links before the length model is re-estimated and the document
# aligned a second time (fewer give too noisy an estimate to be worth it).
MIN_LINKS_FOR_REFIT = 3
# Realign: 1-1 links at least this sure (margin, nats) teach word pairs; fewer
# than REALIGN_MIN_LINKS of them teach nothing worth a second pass (a typical
# news article has 10-30 sentences, so realign acts on long documents), and
# at most REALIGN_MAX_LINKS are read so learning stays a small part of the time.
REALIGN_MARGIN = 5.0
REALIGN_MIN_LINKS = 20
REALIGN_MAX_LINKS = 2000


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


def _lex_side(
    lexicon: Lexicon | None, stems: Sequence[frozenset[str]] | None
) -> tuple[list[frozenset[str]], list[int]] | None:
    """Each source sentence's possible translations (target stems) and known-word count."""
    if lexicon is None or not lexicon.entries or stems is None:
        return None
    keys, known = [], []
    for s in stems:
        k, n = lexicon.translations(s)
        keys.append(k)
        known.append(n)
    return keys, known


def _source_side(
    src_lengths: Sequence[int],
    src_anchors: tuple[Sequence[frozenset[str]], Sequence[frozenset[str]]],
    lex: tuple[list[frozenset[str]], list[int]] | None,
) -> dp.Side:
    if lex is None:
        return dp.Side(src_lengths, *src_anchors)
    return dp.Side(src_lengths, *src_anchors, lex=lex[0], lex_words=lex[1],
                   lex_miss=dp.W_LEX_MISS)


def _target_side(
    tgt_lengths: Sequence[int],
    tgt_anchors: tuple[Sequence[frozenset[str]], Sequence[frozenset[str]]],
    lexicon: Lexicon | None,
    stems: Sequence[frozenset[str]] | None,
) -> dp.Side:
    if lexicon is None or stems is None:
        return dp.Side(tgt_lengths, *tgt_anchors)
    # Only stems some translation could match: small sets keep the DP fast.
    vocabulary = lexicon.targets
    return dp.Side(tgt_lengths, *tgt_anchors, lex=[s & vocabulary for s in stems])


def _learned(
    steps: list[dp.Step],
    stems: tuple[Sequence[frozenset[str]], Sequence[frozenset[str]]],
    src_lang: str,
    tgt_lang: str,
) -> Lexicon | None:
    """Word associations from the confident 1-1 links of a first pass (realign)."""
    pairs = [
        (stems[0][st.i0], stems[1][st.j0])
        for st in steps
        if st.i1 - st.i0 == 1 and st.j1 - st.j0 == 1 and st.margin >= REALIGN_MARGIN
    ]
    if len(pairs) < REALIGN_MIN_LINKS:
        return None
    learned = learn_lexicon(pairs[:REALIGN_MAX_LINKS], src_lang, tgt_lang)
    return learned if learned.entries else None


def _words(
    steps: list[dp.Step],
    lexicon: Lexicon,
    stems: tuple[Sequence[frozenset[str]], Sequence[frozenset[str]]],
) -> list[Words]:
    """Per link: source words with a known translation found in the target span, and not."""
    get = lexicon.entries.get
    out = []
    for st in steps:
        hits = misses = 0
        if st.i1 > st.i0 and st.j1 > st.j0:
            tgt = frozenset().union(*stems[1][st.j0:st.j1])
            for s in frozenset().union(*stems[0][st.i0:st.i1]):
                translations = get(s)
                if translations:
                    if translations.isdisjoint(tgt):
                        misses += 1
                    else:
                        hits += 1
        out.append(Words(hits, misses))
    return out


def _align_units(
    src_lengths: Sequence[int],
    tgt_lengths: Sequence[int],
    src_anchors: tuple[Sequence[frozenset[str]], Sequence[frozenset[str]]],
    tgt_anchors: tuple[Sequence[frozenset[str]], Sequence[frozenset[str]]],
    *,
    src_lang: str,
    tgt_lang: str,
    stems: tuple[Sequence[frozenset[str]], Sequence[frozenset[str]]] | None = None,
    lexicon: Lexicon | None = None,
    realign: bool = False,
) -> list[Link]:
    if not src_lengths or not tgt_lengths:
        return _one_sided(len(src_lengths), len(tgt_lengths))
    lex = _lex_side(lexicon, stems[0] if stems else None)
    src = _source_side(src_lengths, src_anchors, lex)
    tgt = _target_side(tgt_lengths, tgt_anchors, lexicon, stems[1] if stems and lex else None)
    bonus = dp.W_LEX_HIT + dp.W_LEX_MISS
    model = lengths.prior(src_lang, tgt_lang)
    steps = dp.best_path(src, tgt, model, lex_bonus=bonus)
    again = relearned = False
    if realign and stems is not None:
        learned = _learned(steps, stems, src_lang, tgt_lang)
        if learned is not None:
            lexicon = learned if lexicon is None else lexicon.merge(learned)
            lex = _lex_side(lexicon, stems[0])
            src = _source_side(src_lengths, src_anchors, lex)
            tgt = _target_side(tgt_lengths, tgt_anchors, lexicon, stems[1])
            again = relearned = True
    pairs = [
        (src_lengths[st.i0], tgt_lengths[st.j0])
        for st in steps
        if st.i1 - st.i0 == 1 and st.j1 - st.j0 == 1
    ]
    if len(pairs) >= MIN_LINKS_FOR_REFIT:
        refit = lengths.estimate(model, pairs)
        if lengths.differs(refit, model):
            model, again = refit, True
    if again:
        # A learned lexicon moves links further than a refitted length model:
        # one beam pass is then cheaper than widening a narrow band round by round.
        steps = dp.best_path(src, tgt, model, guide=None if relearned else steps,
                             lex_bonus=bonus)
    words = (_words(steps, lexicon, stems)
             if lex is not None and lexicon is not None and stems is not None else None)
    return [
        Link(tuple(range(st.i0, st.i1)), tuple(range(st.j0, st.j1)), score)
        for st, score in zip(steps, confidences(steps, words), strict=True)
    ]


def align_sentences(
    src: Sequence[str],
    tgt: Sequence[str],
    src_lang: str = SOURCE_LANG,
    tgt_lang: str = TARGET_LANG,
    *,
    lexicon: Lexicon | None = None,
    realign: bool = True,
) -> list[Link]:
    """Align two lists of sentences; links are monotone and cover both sides.

    ``lexicon`` adds word translations as a cue (default: the seed lexicon
    shipped for the language pair; ``Lexicon(src_lang, tgt_lang)`` for none),
    e.g. ``seed_lexicon().merge(memory_lexicon(session))``. ``realign`` learns
    more from the pair's own confident links and aligns again. Both cues are on
    by default: each is measured in ``lexicon.py``'s docstring.
    """
    if lexicon is None:
        lexicon = seed_lexicon(src_lang, tgt_lang)
    src_nums, src_names, src_stems = cues.features(src, src_lang)
    tgt_nums, tgt_names, tgt_stems = cues.features(tgt, tgt_lang)
    return _align_units(
        [len(s) for s in src],
        [len(t) for t in tgt],
        (src_nums, src_names),
        (tgt_nums, tgt_names),
        src_lang=src_lang,
        tgt_lang=tgt_lang,
        stems=(src_stems, tgt_stems),
        lexicon=lexicon,
        realign=realign,
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
    src_lang: str = SOURCE_LANG,
    tgt_lang: str = TARGET_LANG,
    *,
    lexicon: Lexicon | None = None,
    realign: bool = True,
) -> list[Link]:
    """Align paragraphs of sentences; indices are over the flattened sentences.

    With as many paragraphs on both sides, sentences are aligned within each
    paragraph pair. Otherwise paragraphs are aligned first by the same DP
    (paragraph lengths and anchors); confident paragraph links bound the
    sentence alignment, and stretches without a confident paragraph link are
    aligned as one block of sentences. ``lexicon`` and ``realign`` are passed
    on to :func:`align_sentences` for every block.
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
        links = align_sentences(s, t, src_lang, tgt_lang, lexicon=lexicon, realign=realign)
        return _shift(links, src_off[p0], tgt_off[q0])

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
        src_lang=src_lang,
        tgt_lang=tgt_lang,
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
