"""The TMX reader: tolerant of real tools' files, safe against hostile ones, streaming."""
from __future__ import annotations

import codecs
import datetime as dt
from pathlib import Path

import pytest

from tests.tmx_samples import tmx, tu
from tm.errors import FormatError, InputError
from tm.formats.tmx import TmxWriter, parse_tmx_date, read_tmx


def _write(tmp_path: Path, data: str | bytes, name: str = "in.tmx") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def _pairs(path: Path) -> list[tuple[tuple[str, str], ...]]:
    return [tuple((v.lang, v.text) for v in u.variants) for u in read_tmx(path).units()]


PAIR = tu("Привет, мир.", "Hello, world.")


@pytest.mark.parametrize("encode", [
    lambda s: s.encode("utf-8"),
    lambda s: codecs.BOM_UTF8 + s.encode("utf-8"),
    lambda s: codecs.BOM_UTF16_LE + s.replace("UTF-8", "UTF-16").encode("utf-16-le"),
    lambda s: codecs.BOM_UTF16_BE + s.replace("UTF-8", "UTF-16").encode("utf-16-be"),
    lambda s: s.replace("UTF-8", "windows-1251").encode("cp1251"),
    lambda s: s.replace('<?xml version="1.0" encoding="UTF-8"?>\n', "").encode("utf-8"),
], ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "cp1251-declared", "no-declaration"])
def test_encodings_real_files_use(tmp_path: Path, encode) -> None:  # type: ignore[no-untyped-def]
    path = _write(tmp_path, encode(tmx(PAIR)))
    assert _pairs(path) == [(("ru", "Привет, мир."), ("en", "Hello, world."))]


def test_declaration_contradicting_the_bytes_is_decided_from_the_bytes(tmp_path: Path) -> None:
    path = _write(tmp_path, tmx(PAIR, declaration='<?xml version="1.0" '
                                                  'encoding="windows-1252"?>'))
    reader = read_tmx(path)
    assert [u.variants[0].text for u in reader.units()] == ["Привет, мир."]
    assert any("windows-1252" in str(w) or "cp1252" in str(w) for w in reader.warnings)


def test_tmx_11_lang_attribute_and_odd_language_codes(tmp_path: Path) -> None:
    body = (tu("Один.", "One.", lang_attr="lang", ru_lang="RU-RU", en_lang="EN_us")
            + tu("Два.", "Two.", ru_lang="rus", en_lang="eng"))
    reader = read_tmx(_write(tmp_path, tmx(body, version="1.1")))
    assert [tuple(v.lang for v in u.variants) for u in reader.units()] == [
        ("ru-RU", "en-US"), ("ru", "en")]
    assert reader.languages == {"RU-RU": "ru-RU", "EN_us": "en-US", "rus": "ru", "eng": "en"}


def test_inline_codes_are_kept_as_markup_and_dropped_from_plain_text(tmp_path: Path) -> None:
    ru = 'Нажмите <bpt i="1">{\\b </bpt>OK<ept i="1">}</ept> и <ph>&lt;br/&gt;</ph><hi>всё</hi>.'
    unit = next(read_tmx(_write(tmp_path, tmx(tu(ru, "Press OK.")))).units())
    assert unit.variants[0].text == "Нажмите OK и всё."
    assert unit.variants[0].markup == ru
    assert unit.variants[1].markup is None


def test_cdata_character_references_and_astral_characters(tmp_path: Path) -> None:
    body = tu("<![CDATA[a < b & c]]>", "&#1055;&#x440;и 😀 𝔘")
    unit = next(read_tmx(_write(tmp_path, tmx(body))).units())
    assert (unit.variants[0].text, unit.variants[1].text) == ("a < b & c", "При 😀 𝔘")


def test_props_notes_and_unknown_attributes_are_kept(tmp_path: Path) -> None:
    inner = '<note>tu note</note><prop type="x-client">ACME</prop>'
    body = tu("Да.", "Yes.", attrs=' tuid="7" usagecount="3" x-foo="bar"', inner=inner)
    unit = next(read_tmx(_write(tmp_path, tmx(body))).units())
    assert unit.attrs == {"tuid": "7", "usagecount": "3", "x-foo": "bar"}
    assert [(m.kind, m.type, m.text) for m in unit.meta] == [
        ("note", None, "tu note"), ("prop", "x-client", "ACME")]


@pytest.mark.parametrize("value, expected", [
    ("20220121T083000Z", dt.datetime(2022, 1, 21, 8, 30, tzinfo=dt.UTC)),
    ("2022-01-21T08:30:00Z", dt.datetime(2022, 1, 21, 8, 30, tzinfo=dt.UTC)),
    ("20220121T113000+03:00", dt.datetime(2022, 1, 21, 8, 30, tzinfo=dt.UTC)),
    ("20220121", dt.datetime(2022, 1, 21, tzinfo=dt.UTC)),
    ("yesterday", None), ("20221341T000000Z", None), ("", None),
])
def test_tmx_dates(value: str, expected: dt.datetime | None) -> None:
    assert parse_tmx_date(value) == expected


HOSTILE = {
    "xxe": ('<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            '<tmx version="1.4"><header/><body><tu><tuv xml:lang="ru"><seg>&x;</seg></tuv>'
            "</tu></body></tmx>", "entities"),
    "billion-laughs": ('<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY a "aaaaaaaaaa">'
                       '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
                       '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
                       '<tmx version="1.4"><header/><body><tu><tuv xml:lang="ru"><seg>&c;</seg>'
                       "</tuv></tu></body></tmx>", "entities"),
    "external-dtd-fetch": ('<?xml version="1.0"?><!DOCTYPE tmx SYSTEM "http://127.0.0.1:9/x.dtd">'
                           '<tmx version="1.4"><header/><body>' + PAIR + "</body></tmx>", None),
    "not-well-formed": (tmx(PAIR).replace("</body>", ""), "not well-formed"),
    "not-tmx": ('<?xml version="1.0"?><xliff version="1.2"><file/></xliff>', "not a TMX file"),
    "html": ("<!doctype html><html><body>hi</body></html>", None),
    "binary": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), None),
    "empty": (b"", "empty"),
    "whitespace": (b"  \n ", "empty"),
}


@pytest.mark.parametrize("name", HOSTILE, ids=list(HOSTILE))
def test_hostile_and_broken_files_are_refused_clearly(tmp_path: Path, name: str) -> None:
    data, message = HOSTILE[name]
    path = _write(tmp_path, data)
    if name == "external-dtd-fetch":  # a DOCTYPE naming a DTD is fine: it is never fetched
        assert _pairs(path)[0][1] == ("en", "Hello, world.")
        return
    with pytest.raises(FormatError) as raised:
        list(read_tmx(path).units())
    assert str(raised.value).startswith(str(path))
    if message:
        assert message in str(raised.value)


def test_file_over_the_size_limit_is_refused_before_parsing(tmp_path: Path) -> None:
    path = _write(tmp_path, tmx(PAIR * 50))
    with pytest.raises(FormatError, match="over the limit"):
        list(read_tmx(path, max_bytes=1000).units())


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        list(read_tmx(tmp_path / "nope.tmx").units())


def test_invalid_bytes_midway_are_reported_with_their_offset(tmp_path: Path) -> None:
    data = tmx(PAIR * 3000).encode("utf-8")  # past what is sniffed to decide the encoding
    cut = data.rindex("мир".encode())
    data = data[:cut] + b"\xff\xfe" + data[cut + 2:]
    with pytest.raises(FormatError, match=r"byte \d+ is not valid utf-8"):
        list(read_tmx(_write(tmp_path, data)).units())


@pytest.mark.parametrize("bad", [b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xc0\xaf",
                                 b"\xf4\x90\x80\x80"], ids=["ff", "truncated", "surrogate",
                                                             "overlong", "beyond-unicode"])
@pytest.mark.parametrize("where", ["seg", "attribute", "comment"])
def test_invalid_utf8_anywhere_is_reported_at_its_byte(tmp_path: Path, bad: bytes,
                                                        where: str) -> None:
    place = {"seg": '<seg>x{}</seg>', "attribute": '<seg changeid="a{}">x</seg>',
             "comment": "<!-- {} --><seg>x</seg>"}[where]
    head = tmx(PAIR * 3000).encode("utf-8")
    tail = (f'<tu><tuv xml:lang="ru">{place.format("@@")}</tuv></tu>'
            .encode().replace(b"@@", bad))
    data = head.replace(b"</body>", tail + b"</body>")
    with pytest.raises(FormatError, match=rf"byte {data.index(bad)} is not valid utf-8"):
        list(read_tmx(_write(tmp_path, data)).units())


def test_writer_output_reads_back_identically(tmp_path: Path) -> None:
    inner = '<note>n</note><prop type="x-a">1</prop>'
    body = tu('<bpt i="1">&lt;b&gt;</bpt>Жирный<ept i="1">&lt;/b&gt;</ept> текст', "Bold text",
              attrs=' tuid="1" creationdate="20220121T083000Z" odd="x"', inner=inner)
    source = _write(tmp_path, tmx(body))
    units = list(read_tmx(source).units())
    out = tmp_path / "out.tmx"
    with TmxWriter(out, srclang="ru") as writer:
        for unit in units:
            writer.write(unit)
    again = list(read_tmx(out).units())
    assert [(u.attrs, u.meta, u.variants) for u in again] == [
        (u.attrs, u.meta, u.variants) for u in units]


def test_reader_streams_without_holding_the_tree(tmp_path: Path) -> None:
    path = _write(tmp_path, tmx(PAIR * 2000))
    reader = read_tmx(path)
    units = reader.units()
    first = next(units)
    assert first.variants[0].text == "Привет, мир."
    assert sum(1 for _ in units) == 1999 and reader.tu_count == 2000
