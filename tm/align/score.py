"""Confidence of a link from the DP's local margin.

For the cell where a link ends, the DP knows the cost of the best path into it
(through this link) and of the best path into it through any other last link.
Their difference ``Δ`` (nats) is a max-product approximation of the log odds
of the link against its strongest rival; ``sigmoid(Δ)`` would be that
posterior if the model were exact. The model is likely over-confident (anchor
and length costs are not independent); the slope/shift below are placeholders
(identity) until they are calibrated against link precision per score bin on
the yardstick — not done yet.
"""
from __future__ import annotations

import math

from tm.align.dp import Step

# Calibration: score = sigmoid(SCORE_SLOPE * (Δ - SCORE_SHIFT)). Identity for
# now (uncalibrated, see module docstring).
SCORE_SLOPE = 1.0
SCORE_SHIFT = 0.0


def confidence(step: Step) -> float:
    """Confidence in [0, 1] that ``step`` is a correct link."""
    z = SCORE_SLOPE * (step.margin - SCORE_SHIFT)
    if z >= 40.0:  # exp overflow guard; the margin is infinite when no rival exists
        return 1.0
    if z <= -40.0:
        return 0.0
    return 1.0 / (1.0 + math.exp(-z))
