"""Terminology: glossaries (``glossaries``) and terms recognised in every word form
(``recognize``)."""
from __future__ import annotations
