"""Word diffs between two versions of a translation, for the history view."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


@dataclass(frozen=True, slots=True)
class Change:
    """A run of text that is the same in both versions, only in the old, or only in the new."""

    op: str  # "equal", "delete", "insert"
    text: str

    def as_dict(self) -> dict[str, str]:
        """Return a JSON-ready dict."""
        return {"op": self.op, "text": self.text}


def tokens(text: str) -> list[str]:
    """Split text into words, punctuation marks and runs of spaces."""
    return _TOKEN.findall(text)


def word_diff(old: str, new: str) -> list[Change]:
    """Return the changes that turn ``old`` into ``new``, word by word."""
    a, b = tokens(old), tokens(new)
    changes: list[Change] = []

    def add(op: str, words: list[str]) -> None:
        if not words:
            return
        text = "".join(words)
        if changes and changes[-1].op == op:
            changes[-1] = Change(op, changes[-1].text + text)
        else:
            changes.append(Change(op, text))

    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            add("equal", a[i1:i2])
        else:
            add("delete", a[i1:i2])
            add("insert", b[j1:j2])
    return changes
