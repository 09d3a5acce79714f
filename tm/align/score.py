"""Confidence of a link: is it the right local choice, and is it a translation at all?

Two pieces of evidence, both in nats from the DP:

* the *margin* ``Δ`` between the best way of entering the cell where the link
  ends and the best way through a different last link — a max-product
  approximation of the log odds of the link against its strongest rival;
* for a link with sentences on both sides, its *null gain* ``G``: what leaving
  the same sentences unaligned (1-0 and 0-1 links) would cost more than the
  link. Between unrelated sentences (a translation of another article) the
  margin can still be large — every rival is just as bad — but the gain is
  small: 2–7 nats against 7–19 for true links (measured, WMT21).

score = sigmoid(SCORE_SLOPE · (Δ − SCORE_SHIFT)) · sigmoid(GAIN_SLOPE · (G − GAIN_SHIFT))

Calibration, fitted on ``align_eval.py --mode presegmented`` (--ref en
--seed 13) plus each article aligned to the next one's translation (every
two-sided link wrong), checked on --ref en_B --seed 1, --seed 2 --rate 0.1
and articles paired with the translation seven further on. Precision per
score band (correct links / links):

    band        en/13 (fit)   en_B/1     en/2 r0.1   other article
    < 0.5       16/16         8/9        11/13       0/322 (two-sided)
    0.5–0.7     25/28         27/33      25/28       183/266
    0.7–0.9     80/85         95/99      71/76       102/162
    0.9–0.95    74/75         83/86      72/73       58/66
    ≥ 0.95      688/689       662/667    654/655     549/549

Links scoring ≥ 0.9 are right 99.7 / 98.9 / 99.7 % of the time; on a wrong
article, the two-sided links mostly score < 0.5. The margin part needs no
rescaling (a fitted slope 0.95–1.2 moved no band by more than its noise).
"""
from __future__ import annotations

import math

from tm.align.dp import SHAPE_PRIORS, Step

SCORE_SLOPE = 1.0
SCORE_SHIFT = 0.0
GAIN_SLOPE = 1.0
GAIN_SHIFT = 5.0

_NULL_COST = {(a, b): -math.log(p) for a, b, p in SHAPE_PRIORS if not (a and b)}


def _sigmoid(z: float) -> float:
    if z >= 40.0:  # exp overflow guard; the margin is infinite when no rival exists
        return 1.0
    if z <= -40.0:
        return 0.0
    return 1.0 / (1.0 + math.exp(-z))


def confidence(step: Step) -> float:
    """Confidence in [0, 1] that ``step`` is a correct link."""
    score = _sigmoid(SCORE_SLOPE * (step.margin - SCORE_SHIFT))
    a, b = step.i1 - step.i0, step.j1 - step.j0
    if a and b:
        gain = a * _NULL_COST[(1, 0)] + b * _NULL_COST[(0, 1)] - step.cost
        score *= _sigmoid(GAIN_SLOPE * (gain - GAIN_SHIFT))
    return score
