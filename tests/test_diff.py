"""Word diffs: the history view's runs of text, and a match's diff marking its memory source."""
from __future__ import annotations

import pytest

from tm.diff import changes, token_diff, word_diff


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


@pytest.mark.parametrize("old, new", [
    ("He  left.", "He left. "),
    ("  a b c", "a x c  "),
    ("В 2021 году рост составил 3,5%.", "В 2022\u00a0году рост составил\n3,5 %."),
    ("«Нет», — сказал он.", "— Нет, — сказал он"),
    ("", "   "),
])
def test_changes_keep_the_spacing_of_both_versions(old: str, new: str) -> None:
    changes = word_diff(old, new)
    assert "".join(c.text for c in changes if c.op != "insert") == old
    assert "".join(c.text for c in changes if c.op != "delete") == new
    assert all(a.op != b.op for a, b in zip(changes, changes[1:], strict=False))


def test_a_match_diff_and_its_marked_source_are_one_diff() -> None:
    query, source = "Он пришёл домой вчера.", "Она пришла домой."
    diff = token_diff(query, source)
    assert [(c.op, c.text) for c in changes(diff, query=query, source=source)] == [
        ("delete", "Она пришла"), ("insert", "Он пришёл"), ("equal", " домой"),
        ("insert", " вчера"), ("equal", ".")]
