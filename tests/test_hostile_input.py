"""Hostile or broken input (issue 14, items 7-9): entities wherever the DOCTYPE sits, UTF-8
with a few bad bytes, and UTF-16 as TM servers write it."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.tmx_samples import tmx, tu
from tm.errors import FormatError, InputError
from tm.formats.tmx import read_tmx
from tm.ingest.readers import read_article_bytes

PAIR = tu("Привет, мир.", "Hello, world.")
PAIRS = [(("ru", "Привет, мир."), ("en", "Hello, world."))]
# More than the reader ever sniffed (64 KiB) before the thing that matters.
LONG_COMMENT = "<!--" + "x" * 70_000 + "-->\n"
DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


def _write(tmp_path: Path, data: str | bytes, name: str = "in.tmx") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def _pairs(path: Path, **options: str) -> list[tuple[tuple[str, str], ...]]:
    return [tuple((v.lang, v.text) for v in u.variants)
            for u in read_tmx(path, **options).units()]  # type: ignore[arg-type]


def _doc(doctype: str, seg: str = "Привет, мир.", *, tu_attrs: str = "") -> str:
    body = (f'<tu{tu_attrs}><tuv xml:lang="ru"><seg>{seg}</seg></tuv>'
            '<tuv xml:lang="en"><seg>Hello, world.</seg></tuv></tu>')
    return DECLARATION + LONG_COMMENT + doctype + tmx(body, declaration="")


# -- item 7: no entity is ever declared or resolved, wherever the DOCTYPE sits ------------

ENTITIES_LATE = {
    "internal-in-text": _doc('<!DOCTYPE tmx [<!ENTITY x "мир">]>', "Привет, &x;."),
    "internal-in-attribute": _doc('<!DOCTYPE tmx [<!ENTITY x "7">]>', tu_attrs=' tuid="&x;"'),
    "declared-unused": _doc('<!DOCTYPE tmx [<!ENTITY x "y">]>'),
    "external": _doc('<!DOCTYPE tmx [<!ENTITY x SYSTEM "file:///etc/passwd">]>', "&x;"),
    "parameter": _doc('<!DOCTYPE tmx [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p"> %p;]>'),
    "bomb": _doc('<!DOCTYPE tmx [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;'
                 '&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>', "&c;",
                 tu_attrs=' tuid="&c;"'),
}


@pytest.mark.parametrize("name", ENTITIES_LATE, ids=list(ENTITIES_LATE))
def test_entity_declarations_after_64_kib_are_refused(tmp_path: Path, name: str) -> None:
    path = _write(tmp_path, ENTITIES_LATE[name])
    reader = read_tmx(path)
    with pytest.raises(FormatError, match="declares XML entities") as raised:
        list(reader.units())
    assert str(raised.value).startswith(str(path))


def test_undeclared_entity_references_are_refused_not_dropped(tmp_path: Path) -> None:
    # A DOCTYPE naming a DTD that is never loaded makes libxml2 keep &nbsp; as a reference
    # node, which the text would silently lose.
    path = _write(tmp_path, _doc('<!DOCTYPE tmx SYSTEM "tmx14.dtd">', "Привет,&nbsp;мир."))
    with pytest.raises(FormatError, match="entity &nbsp; is not declared"):
        list(read_tmx(path).units())


def test_a_doctype_naming_a_dtd_is_still_read(tmp_path: Path) -> None:
    assert _pairs(_write(tmp_path, _doc('<!DOCTYPE tmx SYSTEM "tmx14.dtd">'))) == PAIRS


ARTICLE = ("<html><head><title>Заголовок</title></head><body><article>"
           "<p>Депутаты Европарламента одобрили &x; закон о защите данных граждан.</p>"
           + "<p>Депутаты Европарламента одобрили новый закон о защите данных граждан.</p>" * 4
           + "</article></body></html>")


@pytest.mark.parametrize("page", [
    '<!DOCTYPE html [<!ENTITY x "новый">]>' + ARTICLE,
    LONG_COMMENT + '<!DOCTYPE html [<!ENTITY x "новый">]>' + ARTICLE,
    '<?xml version="1.0"?>' + LONG_COMMENT + '<!doctype html [<!ENTITY x SYSTEM "/etc/passwd">]>'
    + ARTICLE,
], ids=["at-the-top", "after-64-kib", "xhtml-external"])
def test_article_html_with_entity_declarations_is_refused(page: str) -> None:
    with pytest.raises(InputError, match="declares entities"):
        read_article_bytes(page.encode("utf-8"), "page.html")
