"""Hostile or broken input (issue 14, items 7-9): entities wherever the DOCTYPE sits, UTF-8
with a few bad bytes, and UTF-16 as TM servers write it."""
from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.tmx_samples import tmx, tu
from tm.errors import FormatError, InputError
from tm.formats.tmx import read_tmx
from tm.ingest.readers import read_article_bytes
from tm.memory import import_tmx
from tm.models import Memory, MemoryUnit

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


# -- item 8: UTF-8 with a few bad bytes is refused at its byte, never read as cp1252 ------

def _utf8_with(bad: bytes, *, text: str = "Привет, мир.") -> tuple[bytes, int]:
    data = tmx(tu(text, "Hello, world.")).encode("utf-8")
    cut = data.index("мир".encode())
    return data[:cut] + bad + data[cut:], cut


@pytest.mark.parametrize("bad, text", [
    (b"\xff", "Привет, мир."),     # read as cp1252 mojibake before
    (b"\xff", "Сверка, мир."),     # "С" is D1 81, and 0x81 is not cp1252: a misleading error
    (b"\xc3\x28", "Привет, мир."),  # a truncated sequence
], ids=["ff", "ff-with-C", "truncated"])
def test_utf8_with_a_bad_byte_early_is_refused_at_its_offset(tmp_path: Path, bad: bytes,
                                                             text: str) -> None:
    data, offset = _utf8_with(bad, text=text)
    path = _write(tmp_path, data)
    with pytest.raises(FormatError, match=rf"byte {offset} is not valid utf-8") as raised:
        list(read_tmx(path).units())
    assert "cp1252" not in str(raised.value)


def test_undeclared_single_byte_text_is_refused_not_guessed(tmp_path: Path) -> None:
    data = tmx(PAIR, declaration='<?xml version="1.0"?>').encode("cp1251")
    with pytest.raises(FormatError, match=r"byte \d+ is not valid utf-8"):
        list(read_tmx(_write(tmp_path, data)).units())


@pytest.mark.parametrize("where", ["early", "late"])
def test_bad_bytes_can_be_replaced_and_counted_when_asked(tmp_path: Path, where: str) -> None:
    filler = tu("Раз.", "One.") * (3000 if where == "late" else 0)
    data = tmx(filler + PAIR + PAIR).encode("utf-8")
    data = data.replace("мир".encode(), b"\xff" + "р".encode())
    reader = read_tmx(_write(tmp_path, data), errors="replace")
    texts = [u.variants[0].text for u in reader.units()][-2:]
    assert texts == ["Привет, \ufffdр."] * 2
    assert reader.replaced == 2
    assert any("2 invalid utf-8 byte sequences replaced" in str(w) for w in reader.warnings)


def test_declared_windows_1251_is_still_read(tmp_path: Path) -> None:
    data = tmx(PAIR, declaration='<?xml version="1.0" encoding="windows-1251"?>')
    assert _pairs(_write(tmp_path, data.encode("cp1251"))) == PAIRS


def _count(session: Session) -> tuple[int, int]:
    return (session.scalar(select(func.count()).select_from(Memory)) or 0,
            session.scalar(select(func.count()).select_from(MemoryUnit)) or 0)


@pytest.mark.parametrize("data", [
    _utf8_with(b"\xff")[0],
    ENTITIES_LATE["internal-in-attribute"].encode("utf-8"),
], ids=["bad-byte", "late-entity"])
def test_a_refused_file_changes_nothing_in_the_database(session: Session, tmp_path: Path,
                                                        data: bytes) -> None:
    import_tmx(session, _write(tmp_path, tmx(PAIR), "good.tmx"), memory="m")
    before = _count(session)
    with pytest.raises(FormatError), session.begin_nested():
        import_tmx(session, _write(tmp_path, data), memory="m")
    with pytest.raises(FormatError), session.begin_nested():
        import_tmx(session, _write(tmp_path, data), memory="new")
    assert _count(session) == before


# -- item 9: UTF-16 as TM servers write it -----------------------------------------------

def _utf16(codec: str, *, bom: bool, declared: str | None) -> bytes:
    text = tmx(PAIR, declaration=f'<?xml version="1.0" encoding="{declared}"?>'
               if declared else "").lstrip()
    mark = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}[codec]
    return (mark if bom else b"") + text.replace("\n", "\r\n").encode(codec)


@pytest.mark.parametrize("data", [
    _utf16("utf-16-le", bom=True, declared="UTF-16LE"),
    _utf16("utf-16-be", bom=True, declared="UTF-16BE"),
    _utf16("utf-16-le", bom=True, declared="UTF-16"),
    _utf16("utf-16-le", bom=False, declared="UTF-16LE"),
    _utf16("utf-16-be", bom=False, declared="UTF-16"),
    _utf16("utf-16-le", bom=False, declared=None),
    _utf16("utf-16-be", bom=False, declared=None),
    b" \x00\r\x00\n\x00" + _utf16("utf-16-le", bom=False, declared=None),
], ids=["bom-le-declared-le", "bom-be-declared-be", "bom-le-declared-utf16",
        "no-bom-declared-le", "no-bom-be-declared-utf16", "no-bom-no-declaration-le",
        "no-bom-no-declaration-be", "no-bom-leading-space-le"])
def test_utf16_as_tm_servers_write_it(tmp_path: Path, data: bytes) -> None:
    assert _pairs(_write(tmp_path, data)) == PAIRS


def test_utf8_bytes_declared_utf16_are_read_with_a_warning(tmp_path: Path) -> None:
    path = _write(tmp_path, tmx(PAIR, declaration='<?xml version="1.0" encoding="utf-16"?>'))
    reader = read_tmx(path)
    assert [tuple((v.lang, v.text) for v in u.variants) for u in reader.units()] == PAIRS
    assert reader.encoding == "utf-8"
    assert any("declared utf-16 but the bytes are UTF-8" in str(w) for w in reader.warnings)


@pytest.mark.parametrize("data, message", [
    (tmx(PAIR).encode("utf-16-le").replace("мир".encode("utf-16-le"), b"\x00\xd8"),
     r"byte \d+ is not valid utf-16-le"),  # a lone surrogate
    (tmx(PAIR).encode("utf-32-le"), None),
    (b"<tmx>\x00\x00\x00\x01</tmx>", "NUL byte"),
], ids=["broken-utf16", "utf32-no-bom", "nul-bytes"])
def test_nul_laden_files_are_read_or_said_what_they_are(tmp_path: Path, data: bytes,
                                                        message: str | None) -> None:
    path = _write(tmp_path, data)
    if message is None:
        assert _pairs(path) == PAIRS
        return
    with pytest.raises(FormatError, match=message):
        list(read_tmx(path).units())
