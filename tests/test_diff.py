"""Word diffs for the history view."""
from __future__ import annotations

import pytest

from tm.diff import word_diff


@pytest.mark.parametrize("old, new, expected", [
    ("He left.", "He left.", [("equal", "He left.")]),
    ("He left.", "She left.", [("delete", "He"), ("insert", "She"), ("equal", " left.")]),
    ("The vote was close.", "The vote was very close.",
     [("equal", "The vote was "), ("insert", "very "), ("equal", "close.")]),
    ("", "New text.", [("insert", "New text.")]),
    ("Old text.", "", [("delete", "Old text.")]),
])
def test_word_diff(old: str, new: str, expected: list[tuple[str, str]]) -> None:
    assert [(c.op, c.text) for c in word_diff(old, new)] == expected


def test_diff_rebuilds_both_versions() -> None:
    old, new = "Kazakhstan's MFA called it biased.", "The MFA of Kazakhstan called it unfair."
    changes = word_diff(old, new)
    assert "".join(c.text for c in changes if c.op != "insert") == old
    assert "".join(c.text for c in changes if c.op != "delete") == new
