"""Language tags: every language Sverka stores is a normalized BCP 47 tag; the desk's pair."""
from __future__ import annotations

import re

from tm.errors import ValidationError
from tm.language_codes import KNOWN_LANGUAGES

# The desk's language pair, Russian news into English: the default wherever a language is
# not given (documents, memories, searches, the CLI). Data about one language (segmentation
# profiles, abbreviation tables, stemmers) names that language itself.
SOURCE_LANG = "ru"
TARGET_LANG = "en"

# ISO 639-2/3 codes that real files use for languages with a two-letter code.
# Only unambiguous mappings; anything else is kept as given (BCP 47 allows it).
THREE_TO_TWO: dict[str, str] = {
    "rus": "ru", "eng": "en", "ukr": "uk", "bel": "be", "kaz": "kk", "kir": "ky",
    "uzb": "uz", "deu": "de", "ger": "de", "fra": "fr", "fre": "fr", "spa": "es",
    "ita": "it", "por": "pt", "pol": "pl", "ces": "cs", "cze": "cs", "nld": "nl",
    "dut": "nl", "zho": "zh", "chi": "zh", "jpn": "ja", "kor": "ko", "tur": "tr",
    "ara": "ar", "heb": "he", "fin": "fi", "swe": "sv", "nor": "no", "dan": "da",
    "est": "et", "lav": "lv", "lit": "lt", "hye": "hy", "arm": "hy", "kat": "ka",
    "geo": "ka", "aze": "az", "tgk": "tg", "tuk": "tk", "ron": "ro", "rum": "ro",
    "bul": "bg", "srp": "sr", "hrv": "hr", "ell": "el", "gre": "el", "hun": "hu",
}

_SUBTAG = re.compile(r"^[A-Za-z0-9]{1,8}$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}$")


def normalize_lang(tag: str) -> str:
    """Return the canonical BCP 47 form of ``tag`` (``RU_ru`` → ``ru-RU``, ``eng`` → ``en``).

    Raises ValidationError for anything that is not a language tag.
    """
    if not isinstance(tag, str) or not tag.strip():
        raise ValidationError("language-tag-empty", "empty language tag")
    parts = tag.strip().replace("_", "-").split("-")
    if not _LANGUAGE.match(parts[0]) or not all(_SUBTAG.match(p) for p in parts[1:]):
        raise ValidationError("language-tag-invalid", "not a language tag: {tag!r}", tag=tag)
    language = parts[0].lower()
    language = THREE_TO_TWO.get(language, language)
    out = [language]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            out.append(part.title())  # script: Cyrl, Latn
        elif (len(part) == 2 and part.isalpha()) or (len(part) == 3 and part.isdigit()):
            out.append(part.upper())  # region: GB, 419
        else:
            out.append(part.lower())  # variant or extension
    return "-".join(out)


def primary_language(tag: str) -> str:
    """Return the language subtag of ``tag`` (``en-GB`` → ``en``)."""
    return normalize_lang(tag).split("-", 1)[0]


def known_lang(tag: str) -> str:
    """Return ``tag`` normalized; ValidationError if no register knows its language."""
    normalized = normalize_lang(tag)
    language = normalized.split("-", 1)[0]
    if language not in KNOWN_LANGUAGES:
        raise ValidationError("language-unknown", "unknown language {language!r} in {tag!r}: "
                              "use a BCP 47 tag such as {source} or {target}",
                              language=language, tag=tag, source=SOURCE_LANG,
                              target=TARGET_LANG)
    return normalized


def language_pair(src: str, tgt: str) -> tuple[str, str]:
    """Return the source and target tags normalized; refuse unknown languages and a pair
    whose two sides are the same tag (there is nothing to translate; ``en-US`` into
    ``en-GB`` is a locale's adaptation, and allowed)."""
    pair = known_lang(src), known_lang(tgt)
    if pair[0] == pair[1]:
        raise ValidationError("language-pair-same", "source and target are both {tag!r}: give "
                              "two different languages", tag=pair[0])
    return pair
