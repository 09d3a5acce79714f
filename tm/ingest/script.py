"""Is a text in the language it was given as? A cheap check by writing system.

Russian is written in Cyrillic, English in Latin: an article whose letters are nearly all
Latin is not the Russian source (the files were swapped, or the wrong one was chosen), and
the alignment that follows would be nonsense (mean confidence about 0.26, no error). Counting
letters by script tells the two apart at once, without a language model; languages of other
scripts, or of no known script, are not checked.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from tm.lang import primary_language
from tm.messages import Message

CYRILLIC, LATIN = "Cyrillic", "Latin"
_LETTERS = {CYRILLIC: re.compile(r"[\u0400-\u04ff\u0500-\u052f]"),
            LATIN: re.compile(r"[A-Za-z\u00c0-\u024f]")}
SCRIPTS = {**dict.fromkeys(("ru", "uk", "be", "bg", "sr", "mk", "kk", "ky", "tg", "mn"),
                           CYRILLIC),
           **dict.fromkeys(("en", "fr", "de", "es", "it", "pt", "nl", "pl", "cs", "sk", "sl",
                            "hr", "ro", "hu", "fi", "sv", "da", "no", "nb", "et", "lv", "lt",
                            "tr", "id", "ms", "vi", "ca", "eu", "ga"), LATIN)}
# Letters read: the start of a text says which script it is in; more only costs time.
SAMPLE_CHARS = 20_000
# Fewer letters than this say nothing (a title, a number): not checked.
MIN_LETTERS = 20
# A text whose letters are below this share in its language's script is not in it: Russian
# news quotes Latin names and English words (a few percent), never most of its letters.
MIN_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class ScriptMismatch:
    """A text in another script than its language's: what was expected and what was found."""

    lang: str
    expected: str
    found: str
    share: float  # of its letters in the expected script

    def message(self, name: Message) -> Message:
        """What to tell the user of the text ``name`` (the article, its translation)."""
        return Message("language-script-mismatch", "{name} does not look like {lang}: "
                       "{share:.0%} of its letters are {expected}, most are {found}; is it "
                       "the right file?", name=name, lang=self.lang, share=self.share,
                       expected=script_name(self.expected), found=script_name(self.found))


def script_name(script: str) -> Message:
    """The name of ``script`` (CYRILLIC, LATIN) to show a user."""
    return {CYRILLIC: Message("script-cyrillic", "Cyrillic"),
            LATIN: Message("script-latin", "Latin")}[script]


def script_mismatch(paragraphs: Sequence[str], lang: str) -> ScriptMismatch | None:
    """Return how ``paragraphs`` fail to be in ``lang``'s script, or None when they are (or
    the language or the text is not one this can tell)."""
    expected = SCRIPTS.get(primary_language(lang))
    if expected is None:
        return None
    sample, size = [], 0
    for paragraph in paragraphs:
        sample.append(paragraph)
        size += len(paragraph)
        if size >= SAMPLE_CHARS:
            break
    text = "\n".join(sample)[:SAMPLE_CHARS]
    counts = {script: len(pattern.findall(text)) for script, pattern in _LETTERS.items()}
    letters = sum(counts.values())
    if letters < MIN_LETTERS or counts[expected] >= MIN_SHARE * letters:
        return None
    found = max(counts, key=counts.__getitem__)
    return ScriptMismatch(lang=lang, expected=expected, found=found,
                          share=counts[expected] / letters)
