"""Cheap lexical anchors shared by a sentence and its translation.

News translations keep numbers and proper names. Each sentence is reduced to a
small frozenset of *anchor keys*:

* numbers, normalised per language so that ``"2,5 млн"`` and ``"2.5 million"``
  both give ``"#2.5"`` and ``"1 000"`` / ``"1,000"`` both give ``"#1000"``;
* capitalised words and Latin-script words, reduced to a phonetic
  *skeleton* (consonant classes after a small Russian→Latin transliteration),
  cut to a short prefix so that inflected forms still agree:
  ``Казахстана`` and ``Kazakhstan`` both give ``"@kzh"``.

The aligner counts keys found on both sides of a link (evidence for it) and
numbers found on one side only (evidence against it). Keys are plain strings so
that unions and intersections are fast builtin set operations.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from tm.align.lexicon import content_stem
from tm.tokens import CUE_WORD

# Russian → Latin, close to the BGN/PCGN and news-agency practice (Путин → putin,
# Хабаровск → khabarovsk, Дегтярев → degtyarev). Only the skeleton is used, so
# vowels matter little.
_TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e",
    "ж": "zh", "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
    "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    "і": "i", "ї": "yi", "є": "ye", "ґ": "g",
}
_TRANS_TABLE = str.maketrans(_TRANSLIT)

# Spelling variants that differ between a transliteration and an established
# English spelling, folded before vowels are dropped (Moscow/Moskva, Tsentr/Centre,
# Khabarovsk/Habarovsk, Zhukov/Joukov).
_FOLDS = (
    ("shch", "s"), ("kh", "h"), ("zh", "j"), ("ch", "c"), ("sh", "s"),
    ("ts", "s"), ("ph", "f"), ("ck", "k"), ("x", "ks"), ("q", "k"),
    ("w", "v"), ("c", "k"), ("j", "g"),
)
_VOWELS = frozenset("aeiouy")

# Skeleton prefix length: three consonant classes keep inflected Russian forms
# (Путина, Путиным) equal to the English name while random collisions between
# unrelated names stay rare (~20**3 keys).
SKELETON_LEN = 3
# Words shorter than this are mostly function words or initials ("В", "It").
MIN_NAME_LEN = 3

# Digit groups. Thousands separators and decimal marks differ by language:
# Russian "1 000 000,5", English "1,000,000.5".
_THOUSANDS_RU = re.compile(r"(?<=\d)[\u00a0\u202f\u2009 .](?=\d{3}(?!\d))")
_THOUSANDS_EN = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_DECIMAL_COMMA = re.compile(r"(?<=\d),(?=\d)")
_NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")


# Number words frequent in news, as whole words (Russian forms listed since
# stems like "дв" are ambiguous): "сорок кораблей" ↔ "40 ships",
# "четыре года" ↔ "four-year". One is left out: "один"/"one" are pronouns too.
_NUMBER_WORDS = {
    **{w: "2" for w in ("два", "две", "двух", "двум", "двумя", "двое", "two")},
    **{w: "3" for w in ("три", "трех", "трёх", "трем", "тремя", "трое", "three")},
    **{w: "4" for w in ("четыре", "четырех", "четырёх", "четырем", "четверо", "four")},
    **{w: "5" for w in ("пять", "пяти", "пятью", "five")},
    **{w: "6" for w in ("шесть", "шести", "six")},
    **{w: "7" for w in ("семь", "семи", "seven")},
    **{w: "8" for w in ("восемь", "восьми", "eight")},
    **{w: "9" for w in ("девять", "девяти", "nine")},
    **{w: "10" for w in ("десять", "десяти", "ten")},
    **{w: "20" for w in ("двадцать", "двадцати", "twenty")},
    **{w: "30" for w in ("тридцать", "тридцати", "thirty")},
    **{w: "40" for w in ("сорок", "сорока", "forty")},
    **{w: "50" for w in ("пятьдесят", "пятидесяти", "fifty")},
    **{w: "100" for w in ("сто", "ста", "hundred")},
}
# "13,3 тысячи" is written "13,300" in English: thousands are multiplied out,
# millions and billions are kept as a mantissa in both languages ("2,5 млн" ↔
# "2.5 million").
_THOUSAND_RE = {
    "ru": re.compile(r"\s*(?:тыс\.|тыс\b|тысяч[аиуе]?\b|тысячами\b)", re.IGNORECASE),
    "en": re.compile(r"\s*thousand\b", re.IGNORECASE),
}


def _canonical(tok: str) -> str:
    tok = tok.lstrip("0") or "0"
    if "." in tok:
        tok = tok.rstrip("0").rstrip(".")
        if tok.startswith("."):
            tok = "0" + tok
    return tok


def skeleton(word: str) -> str:
    """Phonetic key of a (Cyrillic or Latin) word: consonant classes, prefix only.

    The first letter is kept as a generic vowel ``a`` if it is a vowel, so that
    ``Украина``/``Ukraine`` → ``akrn``[:...] still differ from ``Крым``.
    """
    w = word.lower().translate(_TRANS_TABLE)
    for a, b in _FOLDS:
        if a in w:
            w = w.replace(a, b)
    out: list[str] = []
    prev = ""
    for ch in w:
        if ch in _VOWELS or not ("a" <= ch <= "z"):
            if not out and ch in _VOWELS:
                out.append("a")
                prev = "a"
            else:
                prev = ""
            continue
        if ch != prev:
            out.append(ch)
        prev = ch
        if len(out) > SKELETON_LEN:
            break
    return "".join(out[: SKELETON_LEN + (out[:1] == ["a"])])


# Month names: English capitalises them, Russian does not; both are frequent in
# news datelines. Keys are the month number, found by stem.
_MONTHS = {
    stem: f"@m{i}"
    for i, stems in enumerate(
        (("январ", "january"), ("феврал", "february"), ("март", "march"),
         ("апрел", "april"), ("ма", "may"), ("июн", "june"), ("июл", "july"),
         ("август", "august"), ("сентябр", "september"), ("октябр", "october"),
         ("ноябр", "november"), ("декабр", "december")),
        start=1,
    )
    for stem in stems
}
# Russian month forms are stem + at most two letters (января, мая, марте);
# the bare stem "ма" needs an ending from this set so that "мама" is not May.
_MAY_FORMS = frozenset(("мая", "май", "мае"))
# First three letters of the stems _month can match (those of four letters or
# more): most words are ruled out by one set lookup.
_MONTH_HEADS = frozenset(stem[:3] for stem in _MONTHS if len(stem) >= 4)


def _month(word: str) -> str | None:
    w = word.lower()
    if w in _MAY_FORMS or word == "May":  # lower-case "may" is the English verb
        return "@m5"
    if w[:3] not in _MONTH_HEADS:
        return None
    for cut in (len(w), len(w) - 1, len(w) - 2):
        if cut >= 4:
            key = _MONTHS.get(w[:cut])
            if key is not None:
                return key
    return None


# Distinct words remembered per language by _keys: news vocabulary repeats, so most
# words of a document are looked up, not recomputed (~10 MB at most).
WORD_CACHE_SIZE = 1 << 16


WordKeys = tuple[str | None, str | None, str | None, tuple[str, ...]]
# Number-word key, month key and name key of a word that has any of them.
Special = tuple[str | None, str | None, str | None]


class _Vocabulary:
    """The words of one language seen so far: every word's stems, and the few words with keys.

    Two plain dicts rather than one of :data:`WordKeys`: a sentence whose words are all
    known takes its stems in one comprehension and finds its key words by one set
    intersection, instead of a Python loop over its words (measured: ``features`` was a
    third of the yardstick's alignment time). Emptied when full, which bounds its size
    like an LRU would.
    """

    __slots__ = ("stems", "special")

    def __init__(self) -> None:
        self.stems: dict[str, tuple[str, ...]] = {}
        self.special: dict[str, Special] = {}

    def learn(self, words: list[str], lang: str) -> None:
        """Remember every word of ``words`` not yet known (all of them after a clear)."""
        stems = self.stems
        missing = [w for w in words if w not in stems]
        if len(stems) + len(missing) > WORD_CACHE_SIZE:
            stems.clear()
            self.special.clear()
            missing = words
        for word in missing:
            number, month, name, word_stem = _word_keys(word, lang)
            stems[word] = word_stem
            if number is not None or month is not None or name is not None:
                self.special[word] = (number, month, name)


_VOCABULARY: dict[str, _Vocabulary] = {}


def _word_keys(word: str, lang: str) -> WordKeys:
    """Number-word key, month key, name key (any may be None) and lexicon stems of a word.

    The name key is only used for a capitalised word that does not start its
    sentence (the first word is capitalised anyway; as a name key it was mostly
    noise — measured: fewer correct links with it).
    """
    lower = word.lower()
    # Each part of a compound ("пресс-служба", "Kazakhstan's") is a word of its own.
    parts = _HYPHEN_RE.split(word)
    number = _NUMBER_WORDS.get(parts[0].lower())
    number_key = "#" + number if number is not None else None
    word_stem = tuple(x for x in (content_stem(part, lang) for part in parts) if x is not None)
    if len(word) < MIN_NAME_LEN or lower in _NUMBER_WORDS:
        return number_key, None, None, word_stem
    month = _month(word)
    if month is not None:
        return number_key, month, None, word_stem
    if word[0].isupper():
        key = skeleton(word)
        if len(key) >= 2:
            return number_key, None, "@" + key, word_stem
    return number_key, None, None, word_stem


# A number word counts as the first part of a compound ("four-year") only.
_HYPHEN_RE = re.compile(r"['’-]")
_DIGIT_RE = re.compile(r"\d")


def _digits(text: str, lang: str) -> list[str]:
    if lang == "ru":
        text = _DECIMAL_COMMA.sub(".", _THOUSANDS_RU.sub("", text))
    else:
        text = _THOUSANDS_EN.sub("", text)
    out = []
    thousand = _THOUSAND_RE.get(lang)
    for match in _NUMBER_RE.finditer(text):
        tok = match.group()
        if thousand is not None and thousand.match(text, match.end()):
            tok = format(float(tok) * 1000, ".3f")
        out.append("#" + _canonical(tok))
    return out


def _keys(text: str, lang: str) -> tuple[list[str], list[str], frozenset[str]]:
    """Number keys, name keys and word stems of one sentence (keys unordered, repeats dropped)."""
    nums = _digits(text, lang) if _DIGIT_RE.search(text) else []
    names: list[str] = []
    words = CUE_WORD.findall(text)
    vocabulary = _VOCABULARY.get(lang)
    if vocabulary is None:
        vocabulary = _VOCABULARY[lang] = _Vocabulary()
    known = vocabulary.stems
    try:
        stems = frozenset([s for w in words for s in known[w]])
    except KeyError:
        vocabulary.learn(words, lang)
        stems = frozenset([s for w in words for s in known[w]])
    special = vocabulary.special
    found = special.keys() & words
    if found:
        first = words[0]
        for word in found:
            number, month, name = special[word]
            if number is not None:
                nums.append(number)
            if month is not None:
                names.append(month)
            # Not as the first word, unless it occurs again later (see _word_keys).
            elif name is not None and (word != first or words.count(first) > 1):
                names.append(name)
    return nums, names, stems


def anchors(text: str, lang: str) -> frozenset[str]:
    """Anchor keys of one sentence (numbers ``#...`` and names ``@...``)."""
    nums, names, _ = _keys(text, lang)
    return frozenset(nums + names)


Keys = list[frozenset[str]]


def features(sentences: Sequence[str], lang: str) -> tuple[Keys, Keys, Keys]:
    """Number keys, name keys and content-word stems (lexicon.py) of every sentence."""
    nums: Keys = []
    names: Keys = []
    stems: Keys = []
    for sentence in sentences:
        a, b, c = _keys(sentence, lang)
        nums.append(frozenset(a))
        names.append(frozenset(b))
        stems.append(c)
    return nums, names, stems


def anchor_sets(sentences: Sequence[str], lang: str) -> tuple[Keys, Keys]:
    """Number keys and name keys of every sentence, in order."""
    nums, names, _ = features(sentences, lang)
    return nums, names
