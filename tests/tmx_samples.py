"""Small TMX documents for tests, written as real tools write them."""
from __future__ import annotations

HEADER = ('<header creationtool="T" creationtoolversion="1" segtype="sentence" o-tmf="t" '
          'adminlang="en" srclang="{srclang}" datatype="plaintext"/>')


def tmx(body: str, *, srclang: str = "ru", version: str = "1.4",
        declaration: str = '<?xml version="1.0" encoding="UTF-8"?>') -> str:
    """Return a TMX document around ``body`` (the <tu> elements)."""
    header = HEADER.format(srclang=srclang) if srclang is not None else ""
    return f'{declaration}\n<tmx version="{version}">{header}<body>{body}</body></tmx>\n'


def tu(ru: str, en: str, *, attrs: str = "", inner: str = "", lang_attr: str = "xml:lang",
       ru_lang: str = "ru", en_lang: str = "en") -> str:
    """Return a <tu> with a Russian and an English variant."""
    return (f"<tu{attrs}>{inner}<tuv {lang_attr}=\"{ru_lang}\"><seg>{ru}</seg></tuv>"
            f"<tuv {lang_attr}=\"{en_lang}\"><seg>{en}</seg></tuv></tu>")
