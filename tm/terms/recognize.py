"""Term recognition in every word form: the glossary terms a Russian text holds, and where.

A term matches where the text holds its words, in order, each in any grammatical form, and
separated as in the term (white space where the term has a space, a hyphen where it has
one: «Индекс-Центр» → «Индекс-Центра»). Forms are compared through their lemmas: pymorphy3
gives the normal form of every parse of a word (the dictionaries the concordance uses,
:mod:`tm.search.morphology`), and a text word stands for a term word when their lemma sets
meet — «Европейскому парламенту» and «Европейского парламента» both match «Европейский
парламент», agreeing or not; «Европарламента» matches «Европарламент» but never
«парламент», since words are whole tokens, never parts of one.

Some words match only as written (case and all, ё folded to е as everywhere in Sverka):

* abbreviations — a word with a capital letter past its first («МИД», «РК», «ОДКБ», «кВт»),
  or a single letter (an initial, «В. В. Иванов»): «одкб» is not «ОДКБ», and Russian
  abbreviations are written uninflected in news;
* every word of a ``case_sensitive`` term.

Short capitalised words are *not* taken as abbreviations: «Крым», «Рим», «Урал» and «Илья»
inflect («в Крыму»).

Names are held to their proper-name readings: a capitalised term word with parses tagged as
a name, surname, patronymic, place, organisation or trade mark accepts only those parses'
lemmas, and only capitalised text words — «Орлов» does not match «орлов» (of eagles), nor
«Громов» «громов».

Where hits overlap, the longest wins («МИД Казахстана» over «Казахстан» in the same place;
two entries with the same span are both kept). Tokens are runs of letters or of digits
(:data:`tm.tokens.DATE_TOKEN`); a hit must not be glued to a letter or digit on either side.

Speed: the entries sit in a trie keyed by each word's lemmas (or exact form) and the
separator before it, so each text word looks up the terms it may start or continue in
dicts, never scanning the entries; a word's readings are cached (pymorphy3 parses each
distinct word once, ~0.1 ms). ``bench/terms_recognition.py`` measures precision and recall
on a hand-made gold set (1.0 and 1.0; a 70% prefix regex gets 0.95 and 0.99, a substring at
word boundaries 0.96 and 0.51) and a 5,000-segment document against a 10,000-entry
glossary (about 0.5 s CPU).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from tm.lang import primary_language
from tm.search.morphology import _analyzer, stem
from tm.search.normalize import fold
from tm.tokens import DATE_TOKEN

# pymorphy3's tags of proper names: a capitalised term word with such a reading is a name.
PROPER_TAGS = frozenset({"Name", "Surn", "Patr", "Geox", "Orgn", "Trad"})
# Distinct words whose readings are kept: a glossary's words and a day's documents both fit,
# and a miss costs one pymorphy3 parse (~30 µs).
READINGS_CACHE = 1 << 17
_WHITESPACE = re.compile(r"\s+")
_SEPARATORS = str.maketrans({"‐": "-", "‑": "-", "’": "'", "ʼ": "'"})


@dataclass(frozen=True)
class TermEntry:
    """What recognition needs of a glossary entry."""

    id: int
    source: str  # the Russian term as written: "Европейский парламент", "МИД РК", "ОДКБ"
    target: str  # the preferred English target
    case_sensitive: bool = False
    note: str | None = None


@dataclass(frozen=True)
class TermHit:
    """A term found in a text: the entry, the form found and its character offsets."""

    entry_id: int
    term: str  # the entry's source
    start: int
    end: int
    found: str  # text[start:end]
    target: str

    def as_dict(self) -> dict[str, object]:
        """Return a JSON-ready dict."""
        return {"entry_id": self.entry_id, "term": self.term, "start": self.start,
                "end": self.end, "found": self.found, "target": self.target}


# A term word's key in the trie, and the keys a text word offers: the lemma itself, a name's
# lemma behind "^" (offered only by capitalised words), a word as written behind "=".
_NAME = "^"
_EXACT = "="


def _as_written(word: str) -> str:
    return word.replace("ё", "е").replace("Ё", "Е")


def _gap(separator: str) -> str:
    """Return the separator as compared: white space as one space, hyphens as "-"."""
    if separator == " ":
        return separator
    return _WHITESPACE.sub(" ", separator).translate(_SEPARATORS)


def is_abbreviation(word: str) -> bool:
    """Whether a term word matches only as written: «МИД», «РК», «кВт», an initial."""
    return len(word) == 1 or any(c.isupper() for c in word[1:])


@lru_cache(maxsize=READINGS_CACHE)
def _readings(folded: str) -> tuple[frozenset[str], frozenset[str]]:
    """Return the lemmas of every parse of a folded word, and those of its name parses."""
    if not any("а" <= c <= "я" for c in folded):
        return frozenset({folded}), frozenset()
    lemmas: set[str] = set()
    proper: set[str] = set()
    for parse in _analyzer().parse(folded):
        lemma = fold(parse.normal_form)
        lemmas.add(lemma)
        if PROPER_TAGS & parse.tag.grammemes:
            proper.add(lemma)
    return frozenset(lemmas), frozenset(proper)


@lru_cache(maxsize=READINGS_CACHE)
def _text_keys(word: str) -> tuple[str, ...]:
    """Return the keys a word of a text offers to the trie."""
    lemmas = _readings(fold(word))[0]
    keys = [_EXACT + _as_written(word), *lemmas]
    if word[0].isupper():
        keys += [_NAME + lemma for lemma in lemmas]
    return tuple(keys)


def _term_keys(word: str, *, case_sensitive: bool) -> frozenset[str]:
    """Return the keys of which a text word must offer one to stand for a term word."""
    if case_sensitive or is_abbreviation(word):
        return frozenset({_EXACT + _as_written(word)})
    lemmas, proper = _readings(fold(word))
    if proper and word[0].isupper():
        return frozenset(_NAME + lemma for lemma in proper)
    # A term is written in its dictionary form, whatever the analyser guesses of it: a name
    # it does not know as one («Токаев», read as a form of «токай») is its own lemma.
    written = fold(word)
    if word[0].isupper():
        return lemmas | {written, _NAME + written}
    return lemmas | {written}


def clear_caches() -> None:
    """Forget every word's readings (for measurements that start cold)."""
    _readings.cache_clear()
    _text_keys.cache_clear()
    _target_keys.cache_clear()


class _Node:
    """A trie node: the entries whose words end here, and the next words by separator."""

    __slots__ = ("entries", "next")

    def __init__(self) -> None:
        self.entries: list[TermEntry] = []
        self.next: dict[str, dict[str, _Node]] = {}  # separator → key → node


def _tokens(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in DATE_TOKEN.finditer(text)]


def _glued(spans: Sequence[tuple[int, int]], left: int, right: int) -> bool:
    """Whether two tokens touch (a letter run against a digit run: «G20»)."""
    return 0 <= left and right < len(spans) and spans[left][1] == spans[right][0]


class TermIndex:
    """Glossary entries in a trie of their words' keys; build once, ``find`` in many texts.

    Each text word looks up the next words of the terms it may continue in dicts: no scan
    over the entries, whatever the glossary's size.
    """

    def __init__(self, root: _Node) -> None:
        self._root = root

    @classmethod
    def build(cls, entries: Iterable[TermEntry]) -> TermIndex:
        """Index ``entries`` (an entry without words is left out: it can match nothing)."""
        root = _Node()
        for entry in entries:
            source = entry.source.strip()
            spans = _tokens(source)
            nodes = [root]
            for k, (start, end) in enumerate(spans):
                gap = _gap(source[spans[k - 1][1]:start]) if k else ""
                keys = _term_keys(source[start:end], case_sensitive=entry.case_sensitive)
                following: dict[int, _Node] = {}
                for node in nodes:
                    level = node.next.setdefault(gap, {})
                    for key in keys:
                        child = level.setdefault(key, _Node())
                        following[id(child)] = child
                nodes = list(following.values())
            if spans:
                for node in nodes:
                    node.entries.append(entry)
        return cls(root)

    def find(self, text: str) -> list[TermHit]:
        """Return the terms in ``text``, in text order; the longest where hits overlap."""
        spans = _tokens(text)
        keys = [_text_keys(text[a:b]) for a, b in spans]
        first = self._root.next.get("", {})
        hits: list[TermHit] = []
        for i, (start, _) in enumerate(spans):
            if _glued(spans, i - 1, i):
                continue
            nodes = {id(n): n for n in (first.get(k) for k in keys[i]) if n is not None}
            j = i
            while nodes:
                if not _glued(spans, j, j + 1):
                    end = spans[j][1]
                    seen: set[int] = set()
                    for node in nodes.values():
                        for entry in node.entries:
                            if entry.id not in seen:
                                seen.add(entry.id)
                                hits.append(TermHit(entry.id, entry.source, start, end,
                                                    text[start:end], entry.target))
                j += 1
                if j == len(spans):
                    break
                gap = _gap(text[spans[j - 1][1]:spans[j][0]])
                following: dict[int, _Node] = {}
                for node in nodes.values():
                    level = node.next.get(gap)
                    if level:
                        for key in keys[j]:
                            child = level.get(key)
                            if child is not None:
                                following[id(child)] = child
                nodes = following
        return keep_longest(hits)


def keep_longest(hits: Sequence[TermHit]) -> list[TermHit]:
    """Return the longest of overlapping hits (all those with the very same span), in text
    order: one rule for every source of hits (several glossaries, the yardstick's baselines)."""
    kept: list[TermHit] = []
    for hit in sorted(hits, key=lambda h: (h.start - h.end, h.start)):
        if all(hit.end <= k.start or k.end <= hit.start
               or (hit.start, hit.end) == (k.start, k.end) for k in kept):
            kept.append(hit)
    return sorted(kept, key=lambda h: (h.start, h.end))


@lru_cache(maxsize=READINGS_CACHE)
def _target_keys(word: str, lang: str) -> frozenset[str]:
    """Return the keys a target-language word is compared by: its stem (lemmas in Russian)."""
    if primary_language(lang) == "ru":
        return _readings(fold(word))[0]
    return frozenset({stem(word, lang)})


def _target_word(word: str, lang: str) -> frozenset[str]:
    if len(word) > 1 and is_abbreviation(word):
        return frozenset({_EXACT + _as_written(word)})
    return _target_keys(word, lang)


def target_present(target: str, text: str, lang: str = "en") -> bool:
    """Whether ``target`` appears in ``text`` in any form: its words in order, each by stem
    («Parliament's», "ministries" for "ministry"), abbreviations as written ("EU", "CSTO"),
    separated by white space or hyphens only, never inside another word."""
    wanted = [_target_word(m.group(), lang) for m in DATE_TOKEN.finditer(target)]
    if not wanted:
        return False
    spans = _tokens(text)
    words = [text[a:b] for a, b in spans]

    def fits(i: int, keys: frozenset[str]) -> bool:
        if _EXACT + _as_written(words[i]) in keys:
            return True
        return not keys.isdisjoint(_target_keys(words[i], lang))

    for i in range(len(spans) - len(wanted) + 1):
        last = i + len(wanted) - 1
        if _glued(spans, i - 1, i) or _glued(spans, last, last + 1):
            continue
        if all(fits(i + k, keys) for k, keys in enumerate(wanted)) and all(
                not _gap(text[spans[j][1]:spans[j + 1][0]]).strip(" -")
                for j in range(i, last)):
            return True
    return False
