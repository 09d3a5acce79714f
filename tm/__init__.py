"""Sverka: a bilingual translation memory for Russian → English news.

The ``tm`` package is the core library: storage, segmentation, alignment,
ingestion and exchange formats. It never imports Flask (see ``web``).
"""
from __future__ import annotations

__version__ = "0.1.0"
