"""The word-token patterns differ on purpose: each use splits the same text its own way."""
from __future__ import annotations

import re

import pytest

from tm.tokens import CUE_WORD, DATE_TOKEN, INDEX_TOKEN, LEXICON_WORD, MATCH_TOKEN

TEXT = "Из-за G20 в 12:30, 3,5% O'Brien."


@pytest.mark.parametrize("pattern, expected", [
    (LEXICON_WORD, ["Из", "за", "G", "в", "O", "Brien"]),
    (CUE_WORD, ["Из-за", "G", "в", "O'Brien"]),
    (DATE_TOKEN, ["Из", "за", "G", "20", "в", "12", "30", "3", "5", "O", "Brien"]),
    (INDEX_TOKEN, ["Из-за", "G20", "в", "12:30", "3,5", "O'Brien"]),
    (MATCH_TOKEN, ["Из-за", "G20", "в", "12:30", ",", "3,5", "%", "O'Brien", "."]),
], ids=["lexicon", "cue", "date", "index", "match"])
def test_each_use_splits_its_own_way(pattern: re.Pattern[str], expected: list[str]) -> None:
    assert [m.group() for m in pattern.finditer(TEXT)] == expected


def test_match_tokens_leave_only_white_space_out() -> None:
    text = "«Цена» — 5 $ (≈ 4 €)…\tконец"
    assert "".join(m.group() for m in MATCH_TOKEN.finditer(text)) == "".join(text.split())
