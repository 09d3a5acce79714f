"""Confidence of a link: is it a translation at all, and is it the right local choice?

Two factors, each a logistic function of evidence the aligner already has:

* *translation*: is there a translation relation here? The link's *null gain*
  ``G`` (nats: what leaving its sentences unaligned would cost more than the
  link), its lexicon words found translated (``hits``) and not (``misses``),
  and the share of lexicon words found translated over the nearby links
  (:data:`WINDOW` two-sided links either side). A headline or a freely
  rendered sentence has little length evidence (small ``G``) but sits among
  sentences whose words are translated; a sentence of another article's
  translation has a large ``G`` as often as not, but its neighbourhood has no
  translated words (seed lexicon: about 5 % of known words against 73 %).
* *choice*: is this the right link among its rivals? The DP *margin* ``Δ``
  between the best way of entering the cell where the link ends and the best
  way through a different last link, and whether the link merges sentences —
  a wrong link on a true translation is nearly always a merge chosen by a
  small margin over a split or a deletion (measured: merges with Δ < 2 are
  wrong 13 times in 21, 1-1 links with Δ ≥ 2 3 times in 1,452).

score = sigmoid(T0 + T_GAIN·min(G, 15) + T_HIT·min(hits, 5) − T_MISS·min(misses, 5)
                + T_SHARE·share) · sigmoid(C0 + C_MARGIN·min(Δ, 10) − C_MERGE·[merge])

Fitted by logistic regression on ``bench/align_calibration.py --ref en --seed 1
--other 1`` and ``--ref en_B --seed 2 --other 3`` (translation: their links
against the links to another article's translation; choice: right against
wrong links), then T0 raised by 1 nat: the fit saw a third of its links from
unrelated articles, a desk sees few. Checked on the held-out yardstick
settings. Precision per score band, all links (correct / links), and the
two-sided links of each article aligned to the translation N articles on
(all wrong):

    band        en/1 (fit)  en_B/2 (fit)  en/13     en_B/7    other en/13 N=7  en_B/7 N=5
    < 0.5       3/9         3/4           3/6       5/6       442              439
    0.5–0.7     6/10        11/14         8/11      8/10      0                7
    0.7–0.9     42/44       39/44         40/42     26/32     1                3
    0.9–0.95    47/48       45/47         47/48     55/57     0                0
    ≥ 0.95      780/782     790/795       785/786   780/785   1                1

Held out, precision(<0.5) = 0.50 / 0.83 against precision(≥0.9) = 0.998 /
0.992. Before (margin and null gain only, the same runs): < 0.5 was 16/16 and
6/7 right, ≥ 0.9 0.997 / 0.990, and 134 + 139 other-article links scored ≥ 0.5
(now 2 + 11): the wrong links of a true translation sat at 0.5–0.7, below them
headlines and freely rendered sentences whose lengths disagree.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from tm.align.dp import SHAPE_PRIORS, Step

# Translation factor (nats per unit). Gain, hits and misses are capped: past
# the cap a link is as sure as it gets, and one long merged span must not
# outweigh its neighbourhood.
T0 = -3.93
T_GAIN = 0.29
T_HIT = 0.39
T_MISS = 0.21
T_SHARE = 8.2
GAIN_CAP = 15.0
WORD_CAP = 5
# Neighbourhood of a link: this many two-sided links either side (an article
# paragraph or so — wide enough that a headline has company, narrow enough
# that a partly translated document is judged part by part).
WINDOW = 5
# Share prior: half a hit in one known word, so a neighbourhood without
# lexicon words says "don't know" (0.5) rather than "unrelated".
SHARE_PRIOR_HITS = 0.5
SHARE_PRIOR_WORDS = 1.0
# Choice factor.
C0 = 1.9
C_MARGIN = 0.8
C_MERGE = 2.8
MARGIN_CAP = 10.0

_NULL_COST = {(a, b): -math.log(p) for a, b, p in SHAPE_PRIORS if not (a and b)}


@dataclass(frozen=True, slots=True)
class Words:
    """Lexicon words of a link's source side found translated in its target side, and not."""

    hits: int = 0
    misses: int = 0


def _sigmoid(z: float) -> float:
    if z >= 40.0:  # exp overflow guard; the margin is infinite when no rival exists
        return 1.0
    if z <= -40.0:
        return 0.0
    return 1.0 / (1.0 + math.exp(-z))


def _gain(step: Step) -> float:
    a, b = step.i1 - step.i0, step.j1 - step.j0
    return a * _NULL_COST[(1, 0)] + b * _NULL_COST[(0, 1)] - step.cost


def confidences(steps: Sequence[Step], words: Sequence[Words] | None = None) -> list[float]:
    """Confidence in [0, 1] that each step of a path is a correct link."""
    words = words if words is not None else [Words()] * len(steps)
    two = [k for k, st in enumerate(steps) if st.i1 > st.i0 and st.j1 > st.j0]
    # Prefix sums over the two-sided links for the neighbourhood share.
    hit_at, known_at = [0], [0]
    for k in two:
        hit_at.append(hit_at[-1] + words[k].hits)
        known_at.append(known_at[-1] + words[k].hits + words[k].misses)
    # A null link has no translation to judge: only its margin over linking the sentence.
    out = [_sigmoid(min(st.margin, MARGIN_CAP)) for st in steps]
    for n, k in enumerate(two):
        st, w = steps[k], words[k]
        lo, hi = max(0, n - WINDOW), min(len(two), n + WINDOW + 1)
        share = ((hit_at[hi] - hit_at[lo] + SHARE_PRIOR_HITS)
                 / (known_at[hi] - known_at[lo] + SHARE_PRIOR_WORDS))
        translation = _sigmoid(T0 + T_GAIN * min(_gain(st), GAIN_CAP)
                               + T_HIT * min(w.hits, WORD_CAP) - T_MISS * min(w.misses, WORD_CAP)
                               + T_SHARE * share)
        merge = (st.i1 - st.i0) + (st.j1 - st.j0) > 2
        choice = _sigmoid(C0 + C_MARGIN * min(st.margin, MARGIN_CAP) - C_MERGE * merge)
        out[k] = translation * choice
    return out
