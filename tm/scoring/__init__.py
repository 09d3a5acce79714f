"""Scoring translation tracks against reference tracks with sacrebleu, inside the memory.

``lines`` reads line-aligned files exactly; ``testsets`` stores them as documents and tracks
(``bulk`` inserts whole tracks); ``metrics`` wraps sacrebleu's metric objects and
``evaluation`` scores systems with them (corpus, document, segment); ``significance`` runs
sacrebleu's paired tests; ``store`` scores a test set from what Sverka stored and keeps the
scores, ``results`` reads them back for reports and ``report`` formats them for the terminal.
"""
from __future__ import annotations
