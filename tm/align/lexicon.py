"""Bilingual lexicon cue: word stems of a sentence and their known translations.

A :class:`Lexicon` maps a source stem to the target stems it translates to. The
aligner turns every source sentence into the set of target stems its words
may be translated by, and every target sentence into its own stems; a link
earns a bonus for each stem found on both sides and a small penalty for each
source word whose known translations are all missing (see ``dp.py``).

Three ways to get one, all combinable with :meth:`Lexicon.merge`:

* :func:`seed_lexicon` — a few hundred news words written for the project
  (``data/seed_ru_en.tsv``, CC0);
* :func:`learn_lexicon` — Dice association of stems over sentence pairs, e.g.
  a memory's approved units (:func:`memory_lexicon`) or the confident 1-1
  links of a first alignment pass (as hunalign's *realign* does);
* any mapping built by the caller.

Stems are crude on purpose (lower case, a few endings cut, a short prefix):
the cue only has to recognise the same word in another form, fast.

Measured one cue at a time (``align_eval.py --mode presegmented``, link F1 /
null F1, mean over six settings: --ref en and en_B, --seed 13, 1, 2, 3,
--rate 0.03–0.1; the memory lexicon learned from the other half of the
articles, 2-fold, from reference A only):

    lengths + numbers + names            0.9795 / 0.8746
    + seed lexicon                       0.9865 / 0.9183
    + realign alone                      0.9795 / 0.8746  (articles too short to learn from)
    + memory lexicon alone               0.9869 / 0.9273
    + seed + memory                      0.9875 / 0.9310

On one long document (all 107 articles joined, ~920 sentences a side) realign
does learn: without a lexicon 0.97 → 0.98 link F1 and 0.83–0.86 → 0.88–0.93 null F1;
on top of the seed lexicon +0.002 / +0.009 on average.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from tm.lang import SOURCE_LANG, TARGET_LANG
from tm.tokens import LEXICON_WORD

if TYPE_CHECKING:
    # SQLAlchemy only for memory_lexicon: aligning plain sentences should not
    # load it (its ~40,000 objects make every full garbage collection during
    # alignment several times slower).
    from sqlalchemy.orm import Session

# Stems are cut to this many letters: long enough to keep unrelated words apart,
# short enough that "правительства" and "правительством" agree.
STEM_LEN = 5
# Shorter words are mostly function words ("в", "на", "of", "to").
MIN_WORD_LEN = 3
_RU_ENDINGS = tuple(sorted((
    "ами", "ями", "ого", "его", "ому", "ему", "ыми", "ими", "иям", "иях", "ией",
    "ах", "ях", "ам", "ям", "ом", "ем", "ой", "ей", "ий", "ый", "ая", "яя", "ое", "ее",
    "ые", "ие", "ых", "их", "ым", "им", "ов", "ев", "ую", "юю", "ть",
    "а", "я", "о", "е", "ы", "и", "у", "ю", "ь", "й",
), key=len, reverse=True))
_EN_ENDINGS = ("ies", "ing", "ed", "es", "s")


def _by_len(endings: tuple[str, ...]) -> tuple[tuple[int, frozenset[str]], ...]:
    """Endings grouped by length, longest first."""
    sizes = sorted({len(e) for e in endings}, reverse=True)
    return tuple((n, frozenset(e for e in endings if len(e) == n)) for n in sizes)


_RU_BY_LEN = _by_len(_RU_ENDINGS)
_EN_BY_LEN = _by_len(_EN_ENDINGS)
_STOP = frozenset((
    "это", "что", "как", "для", "его", "она", "они", "оно", "так", "уже", "при", "или",
    "все", "всё", "был", "была", "было", "были", "который", "которые", "которая", "также",
    "том", "тем", "чем", "этот", "эта", "эти", "этом", "этой", "него", "нее", "неё", "них",
    "the", "and", "for", "that", "with", "was", "were", "has", "have", "had", "this",
    "from", "which", "are", "its", "his", "her", "their", "they", "been", "will", "not",
    "but", "who", "also", "there", "these", "those", "than", "into", "about",
))

# Learning: a pair must co-occur at least this often and reach this Dice
# coefficient; each source stem keeps its best few translations.
MIN_PAIR_COUNT = 2
MIN_DICE = 0.3
MAX_TRANSLATIONS = 3
# Caps that keep a learned lexicon small and its learning fast.
MAX_ENTRIES = 20_000
MAX_MEMORY_UNITS = 50_000
# Stems seen in more than this share of the pairs carry no alignment signal
# (judged only from at least MIN_PAIRS_FOR_SHARE pairs; fewer are too few to tell).
MAX_STEM_SHARE = 0.2
MIN_PAIRS_FOR_SHARE = 100


@lru_cache(maxsize=1 << 16)
def stem(word: str, lang: str) -> str:
    """Crude stem of one word: lower case, a common ending cut, a prefix kept."""
    w = word.lower().replace("ё", "е")
    # The longest listed ending that leaves MIN_WORD_LEN letters, found by
    # slicing instead of trying every ending in turn.
    for size, endings in _RU_BY_LEN if lang == "ru" else _EN_BY_LEN:
        if len(w) - size >= MIN_WORD_LEN and w[-size:] in endings:
            w = w[:-size]
            break
    return w[:STEM_LEN]


def content_stem(word: str, lang: str) -> str | None:
    """The stem of a content word; None for short and function words."""
    if len(word) < MIN_WORD_LEN or word.lower() in _STOP:
        return None
    return stem(word, lang)


def stems(text: str, lang: str) -> frozenset[str]:
    """Distinct stems of the content words of ``text``."""
    out = {content_stem(w, lang) for w in LEXICON_WORD.findall(text)}
    out.discard(None)
    return frozenset(out)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Lexicon:
    """Source stem → target stems, for one language pair."""

    src_lang: str
    tgt_lang: str
    entries: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.entries)

    @cached_property
    def targets(self) -> frozenset[str]:
        """Every target stem some entry translates to."""
        return frozenset().union(*self.entries.values())

    def merge(self, other: Lexicon) -> Lexicon:
        """Both lexicons' entries (translations of a stem are united)."""
        merged = dict(self.entries)
        for key, values in other.entries.items():
            merged[key] = merged.get(key, frozenset()) | values
        return Lexicon(self.src_lang, self.tgt_lang, merged)

    def translations(self, sentence_stems: Iterable[str]) -> tuple[frozenset[str], int]:
        """Target stems the sentence may be translated by, and how many stems had any."""
        out: set[str] = set()
        known = 0
        get = self.entries.get
        for s in sentence_stems:
            values = get(s)
            if values:
                out |= values
                known += 1
        return frozenset(out), known


def read_lexicon(lines: Iterable[str], src_lang: str, tgt_lang: str) -> Lexicon:
    """Read ``source words<TAB>target words`` lines (``#`` comments) into a lexicon."""
    entries: dict[str, set[str]] = {}
    for line in lines:
        if not line.strip() or line.startswith("#") or "\t" not in line:
            continue
        left, right = line.rstrip("\n").split("\t", 1)
        targets = {stem(w, tgt_lang) for w in right.split() if len(w) >= 2}
        for word in left.split():
            entries.setdefault(stem(word, src_lang), set()).update(targets)
    return Lexicon(src_lang, tgt_lang, {k: frozenset(v) for k, v in entries.items() if v})


@lru_cache(maxsize=4)
def seed_lexicon(src_lang: str = SOURCE_LANG, tgt_lang: str = TARGET_LANG) -> Lexicon:
    """The lexicon shipped with Sverka (empty for language pairs it does not cover)."""
    if (src_lang, tgt_lang) != ("ru", "en"):
        return Lexicon(src_lang, tgt_lang)
    text = resources.files("tm.align").joinpath("data/seed_ru_en.tsv").read_text("utf-8")
    return read_lexicon(text.splitlines(), src_lang, tgt_lang)


def learn_lexicon(
    pairs: Iterable[tuple[Collection[str], Collection[str]]],
    src_lang: str,
    tgt_lang: str,
    *,
    min_count: int = MIN_PAIR_COUNT,
    min_dice: float = MIN_DICE,
    max_entries: int = MAX_ENTRIES,
) -> Lexicon:
    """Associate stems that co-occur in (source stems, target stems) pairs (Dice)."""
    pairs = list(pairs)
    n_pairs = len(pairs)
    src_count: Counter[str] = Counter()
    tgt_count: Counter[str] = Counter()
    for src, tgt in pairs:
        src_count.update(src)
        tgt_count.update(tgt)
    too_common = (max(min_count, MAX_STEM_SHARE * n_pairs)
                  if n_pairs >= MIN_PAIRS_FOR_SHARE else float(n_pairs))
    # A pair co-occurs at most as often as its rarer stem: count only stems
    # that can reach min_count (most stems of a text occur once).
    src_ok = {s for s, c in src_count.items() if min_count <= c <= too_common}
    tgt_ok = {t for t, c in tgt_count.items() if min_count <= c <= too_common}
    joint: Counter[tuple[str, str]] = Counter()
    for src, tgt in pairs:
        keep_t = [t for t in tgt if t in tgt_ok]
        if keep_t:
            joint.update((s, t) for s in src if s in src_ok for t in keep_t)
    scored: dict[str, list[tuple[float, str]]] = {}
    for (s, t), c in joint.items():
        if c < min_count:
            continue
        dice = 2.0 * c / (src_count[s] + tgt_count[t])
        if dice >= min_dice:
            scored.setdefault(s, []).append((dice, t))
    best = sorted(
        ((max(d for d, _ in v), s, v) for s, v in scored.items()), reverse=True
    )[:max_entries]
    entries = {
        s: frozenset(t for _, t in sorted(v, reverse=True)[:MAX_TRANSLATIONS])
        for _, s, v in best
    }
    return Lexicon(src_lang, tgt_lang, entries)


def text_pairs_lexicon(
    pairs: Iterable[tuple[str, str]], src_lang: str, tgt_lang: str, **options: int | float
) -> Lexicon:
    """Learn a lexicon from (source text, target text) pairs, e.g. translation units."""
    return learn_lexicon(
        ((stems(s, src_lang), stems(t, tgt_lang)) for s, t in pairs),
        src_lang, tgt_lang, **options,  # type: ignore[arg-type]
    )


def memory_lexicon(
    session: Session,
    *,
    src_lang: str = SOURCE_LANG,
    tgt_lang: str = TARGET_LANG,
    memory: str | None = None,
    limit: int = MAX_MEMORY_UNITS,
) -> Lexicon:
    """Learn a lexicon from the newest ``limit`` units of the memories (or one memory)."""
    from sqlalchemy import select

    from tm.models import Memory, MemoryUnit

    stmt = (select(MemoryUnit.source, MemoryUnit.target)
            .where(MemoryUnit.src_lang == src_lang, MemoryUnit.tgt_lang == tgt_lang)
            .order_by(MemoryUnit.id.desc()).limit(limit))
    if memory is not None:
        stmt = stmt.join(Memory, Memory.id == MemoryUnit.memory_id).where(Memory.name == memory)
    rows = session.execute(stmt)
    return text_pairs_lexicon(((s, t) for s, t in rows), src_lang, tgt_lang)

