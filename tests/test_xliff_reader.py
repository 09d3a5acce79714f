"""The XLIFF reader: 1.2, SDLXLIFF and 2.0 read into units, hostile files refused, streaming."""
from __future__ import annotations

import codecs
import tracemalloc
from pathlib import Path

import pytest

from tm.errors import FormatError, InputError
from tm.formats.xliff import reader as xliff_reader
from tm.formats.xliff.reader import MAX_BYTES_ENV, read_xliff
from tm.formats.xliff.units import SDL_NS, XLIFF_12_NS, XLIFF_20_NS, XliffHeader, XliffUnit

DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
PAIR = ("<trans-unit id=\"1\"><source>Привет, мир.</source>"
        "<target>Hello, world.</target></trans-unit>")


def pairs(count: int) -> str:
    """``count`` trans-units of PAIR, with ids 0, 1, ..."""
    return "".join(PAIR.replace('"1"', f'"{n}"') for n in range(count))


def xliff12(body: str, *, namespace: bool = True, declaration: str = DECLARATION,
            file_attrs: str = ' source-language="ru" target-language="en" original="a.txt"',
            root_attrs: str = "") -> str:
    xmlns = f' xmlns="{XLIFF_12_NS}"' if namespace else ""
    return (f'{declaration}<xliff version="1.2"{xmlns}{root_attrs}>\n'
            f'<file{file_attrs} datatype="plaintext">\n<header/>\n<body>\n{body}\n</body>\n'
            "</file>\n</xliff>\n")


def xliff20(body: str, *, langs: str = ' srcLang="ru" trgLang="en"',
            declaration: str = DECLARATION) -> str:
    return (f'{declaration}<xliff version="2.0" xmlns="{XLIFF_20_NS}"{langs}>\n'
            f'<file id="f1" original="a.txt">\n{body}\n</file>\n</xliff>\n')


def _write(tmp_path: Path, data: str | bytes, name: str = "in.xlf") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def _units(path: Path, **options: object) -> list[XliffUnit]:
    return list(read_xliff(path, **options).units())  # type: ignore[arg-type]


def _texts(path: Path) -> list[tuple[str, str | None]]:
    return [(u.source, u.target) for u in _units(path)]


def _refused(path: Path, match: str, **options: object) -> str:
    """Read ``path``: it must be refused, in one message naming the file."""
    with pytest.raises(FormatError, match=match) as raised:
        _units(path, **options)
    assert str(raised.value).startswith(str(options.get("name", path)) + ":")
    return str(raised.value)


# -- XLIFF 1.2 ------------------------------------------------------------------------

def test_xliff_12_units_their_targets_states_notes_and_kinds(tmp_path: Path) -> None:
    body = (
        '<trans-unit id="t" restype="x-headline" approved="yes">\n'
        '  <source>Парламент одобрил закон</source>\n'
        '  <target state="final">Parliament approves the law</target>\n'
        "  <note>заголовок</note><note from=\"editor\">short</note>\n"
        "</trans-unit>\n"
        '<group id="p1" restype="x-paragraph">\n'
        '  <group id="inner">\n'
        '    <trans-unit id="s1" approved="no"><source>Депутаты проголосовали.</source>'
        '<target state="needs-review-translation">MEPs voted.</target></trans-unit>\n'
        "  </group>\n"
        '  <trans-unit id="s2"><source>Закон вступит в силу.</source></trans-unit>\n'
        '  <trans-unit id="s3"><source>Пусто.</source><target/></trans-unit>\n'
        "</group>")
    path = _write(tmp_path, xliff12(body))
    reader = read_xliff(path)
    assert reader.header is None  # nothing read yet
    units = list(reader.units())
    assert reader.header == XliffHeader(version="1.2", source_language="ru",
                                        target_language="en", original="a.txt", sdl=False)
    assert units == [
        XliffUnit(unit_id="t", source="Парламент одобрил закон",
                  target="Parliament approves the law", state="final", approved=True,
                  notes=("заголовок", "short"), kind="headline", line=6),
        XliffUnit(unit_id="s1", source="Депутаты проголосовали.", target="MEPs voted.",
                  state="needs-review-translation", approved=False, line=13),
        XliffUnit(unit_id="s2", source="Закон вступит в силу.", target=None, line=15),
        XliffUnit(unit_id="s3", source="Пусто.", target="", line=16),
    ]


def test_xliff_12_without_the_namespace_reads_the_same(tmp_path: Path) -> None:
    with_ns = _units(_write(tmp_path, xliff12(PAIR), "a.xlf"))
    without = _units(_write(tmp_path, xliff12(PAIR, namespace=False), "b.xlf"))
    assert without == with_ns
    assert [(u.source, u.target) for u in without] == [("Привет, мир.", "Hello, world.")]


def test_xliff_12_with_a_prefixed_namespace_reads_the_same(tmp_path: Path) -> None:
    data = (f'<x:xliff version="1.2" xmlns:x="{XLIFF_12_NS}"><x:file source-language="ru">'
            '<x:body><x:trans-unit id="1"><x:source>Привет, <x:g id="1">мир</x:g>.</x:source>'
            "</x:trans-unit></x:body></x:file></x:xliff>")
    assert _texts(_write(tmp_path, data)) == [("Привет, мир.", None)]


def test_header_is_set_once_the_first_unit_is_reached(tmp_path: Path) -> None:
    reader = read_xliff(_write(tmp_path, xliff12(pairs(2))))
    units = reader.units()
    assert reader.header is None
    next(units)
    assert reader.header is not None and reader.header.source_language == "ru"


def test_a_file_without_units_has_its_header_after_reading(tmp_path: Path) -> None:
    reader = read_xliff(_write(tmp_path, xliff12("")))
    assert list(reader.units()) == []
    assert reader.header is not None and reader.header.target_language == "en"


def test_inline_codes_are_dropped_and_the_text_around_them_kept(tmp_path: Path) -> None:
    source = ('<g id="1">Жирный</g> <x id="2"/>текст<ph id="3">&lt;br/&gt;</ph> '
              '<bpt id="4">&lt;b&gt;</bpt>и<ept id="4">&lt;/b&gt;</ept> <bx id="5"/>'
              '<mrk mtype="term">термин</mrk><ex id="5"/>'
              '<it id="6" pos="open">&lt;i<sub>подпись</sub>&gt;</it>.')
    body = f'<trans-unit id="1"><source>{source}</source><target><g id="1">Bold</g> text' \
           '<x id="2"/></target></trans-unit>'
    assert _texts(_write(tmp_path, xliff12(body))) == [("Жирный текст и термин.", "Bold text")]


def test_cdata_and_character_references_are_text(tmp_path: Path) -> None:
    body = ('<trans-unit id="1"><source><![CDATA[a < b]]> &#1076;&#x430; &amp; 𝄞</source>'
            "</trans-unit>")
    assert _texts(_write(tmp_path, xliff12(body))) == [("a < b да & 𝄞", None)]


def test_alt_trans_suggestions_never_leak_into_the_unit(tmp_path: Path) -> None:
    body = ('<trans-unit id="1"><source>Привет.</source>'
            '<alt-trans match-quality="80"><source>Привет!</source><target>Hi!</target>'
            "<note>tm</note></alt-trans></trans-unit>"
            '<trans-unit id="2"><source>Мир.</source><target>Peace.</target>'
            '<alt-trans><target>World.</target></alt-trans></trans-unit>')
    units = _units(_write(tmp_path, xliff12(body)))
    assert [(u.source, u.target, u.notes) for u in units] == [
        ("Привет.", None, ()), ("Мир.", "Peace.", ())]


def test_translate_no_units_and_groups_are_skipped(tmp_path: Path) -> None:
    body = ('<trans-unit id="1" translate="no"><source>Не переводить</source></trans-unit>'
            '<group id="g" translate="no"><trans-unit id="2"><source>Тоже</source>'
            "</trans-unit></group>"
            '<trans-unit id="3" translate="yes"><source>Переводить</source></trans-unit>')
    assert [u.unit_id for u in _units(_write(tmp_path, xliff12(body)))] == ["3"]


def test_a_file_that_says_what_kind_of_text_it_holds_otherwise(tmp_path: Path) -> None:
    body = ('<trans-unit id="1" restype="button"><source>Да</source></trans-unit>'
            '<trans-unit id="2" restype="x-"><source>Нет</source></trans-unit>')
    assert [u.kind for u in _units(_write(tmp_path, xliff12(body)))] == ["button", None]


# -- SDLXLIFF ---------------------------------------------------------------------------

SDL_BODY = f"""<group><sdl:cxts><sdl:cxt id="1"/></sdl:cxts>
<trans-unit id="structure-1" translate="no"><source>&lt;p&gt;</source></trans-unit>
<trans-unit id="a1b2">
<source><g id="1">Депутаты проголосовали. Закон принят.</g> Конец.</source>
<seg-source><g id="1"><mrk mtype="seg" mid="1">Депутаты <x id="2"/>проголосовали.</mrk> \
<mrk mtype="seg" mid="2">Закон <mrk mtype="x-sdl-comment" sdl:cid="c">принят</mrk>.</mrk></g> \
<mrk mtype="seg" mid="3">Конец.</mrk></seg-source>
<target><g id="1"><mrk mtype="seg" mid="1">MEPs <x id="2"/>voted.</mrk> \
<mrk mtype="seg" mid="2">The law <mrk mtype="x-sdl-deleted">is</mrk>\
<mrk mtype="x-sdl-added">was</mrk> passed.</mrk></g></target>
<sdl:seg-defs xmlns:sdl="{SDL_NS}"><sdl:seg id="1" conf="ApprovedSignOff" origin="tm" \
percent="100"/><sdl:seg id="2" conf="Draft"/><sdl:seg id="3"/></sdl:seg-defs>
</trans-unit>
<trans-unit id="c3d4"><source>Итог.</source><seg-source><mrk mtype="seg" mid="4">Итог.</mrk>\
</seg-source><target><mrk mtype="seg" mid="4">Result.</mrk></target>
<sdl:seg-defs><sdl:seg id="4" conf="RejectedTranslation"/></sdl:seg-defs></trans-unit>
</group>"""


def test_sdlxliff_gives_one_unit_per_segment_with_its_confirmation(tmp_path: Path) -> None:
    path = _write(tmp_path, xliff12(SDL_BODY, root_attrs=f' xmlns:sdl="{SDL_NS}"'), "a.sdlxliff")
    reader = read_xliff(path)
    units = list(reader.units())
    assert reader.header is not None and reader.header.sdl
    assert [(u.unit_id, u.segment_id, u.source, u.target, u.confirmation) for u in units] == [
        ("a1b2", "1", "Депутаты проголосовали.", "MEPs voted.", "ApprovedSignOff"),
        ("a1b2", "2", "Закон принят.", "The law was passed.", "Draft"),
        ("a1b2", "3", "Конец.", None, None),  # not translated: no target segment, no conf
        ("c3d4", "4", "Итог.", "Result.", "RejectedTranslation"),
    ]
    assert units[0].line == units[2].line == 8


def test_plain_xliff_12_is_not_taken_for_sdlxliff(tmp_path: Path) -> None:
    reader = read_xliff(_write(tmp_path, xliff12(PAIR)))
    list(reader.units())
    assert reader.header is not None and not reader.header.sdl


# -- XLIFF 2.0 --------------------------------------------------------------------------

XLIFF_20_BODY = """<notes><note>file note</note></notes>
<unit id="h" type="sverka:headline"><notes><note>заголовок</note></notes>
  <segment id="1" state="final"><source>Парламент одобрил закон</source>
  <target>Parliament approves the law</target></segment>
</unit>
<group id="p1" type="sverka:paragraph">
  <group id="inner">
    <unit id="u1">
      <mtc:matches xmlns:mtc="urn:oasis:names:tc:xliff:matches:2.0">
        <mtc:match ref="#1"><source>Из памяти.</source><target>From memory.</target></mtc:match>
      </mtc:matches>
      <segment id="s1" state="translated"><source>Депутаты <pc id="1">проголосовали</pc>.\
<ph id="2"/></source><target>MEPs <pc id="1">voted</pc>.</target></segment>
      <ignorable><source> </source></ignorable>
      <segment id="s2"><source>Закон <mrk id="m" type="term">принят</mrk>.</source></segment>
    </unit>
  </group>
  <unit id="u2" translate="no"><segment><source>Код</source></segment></unit>
</group>
<group id="g" translate="no"><unit id="u3" translate="yes"><segment><source>Да</source>
<target>Yes</target></segment></unit></group>"""


def test_xliff_20_one_unit_per_segment_in_nested_groups(tmp_path: Path) -> None:
    reader = read_xliff(_write(tmp_path, xliff20(XLIFF_20_BODY), "a.xlf"))
    units = list(reader.units())
    assert reader.header == XliffHeader(version="2.0", source_language="ru",
                                        target_language="en", original="a.txt")
    assert units == [
        XliffUnit(unit_id="h", segment_id="1", source="Парламент одобрил закон",
                  target="Parliament approves the law", state="final",
                  notes=("заголовок",), kind="headline", line=5),
        XliffUnit(unit_id="u1", segment_id="s1", source="Депутаты проголосовали.",
                  target="MEPs voted.", state="translated", line=11),
        XliffUnit(unit_id="u1", segment_id="s2", source="Закон принят.", target=None,
                  line=11),
        XliffUnit(unit_id="u3", segment_id=None, source="Да", target="Yes", line=22),
    ]


def test_xliff_20_segments_without_ids_are_told_apart_by_position(tmp_path: Path) -> None:
    body = ('<unit id="u"><segment><source>Один.</source></segment>'
            "<segment><source>Два.</source></segment></unit>")
    units = _units(_write(tmp_path, xliff20(body)))
    assert [(u.unit_id, u.segment_id) for u in units] == [("u", "#1"), ("u", "#2")]


def test_xliff_20_code_points_that_text_may_hold(tmp_path: Path) -> None:
    body = ('<unit id="u"><segment><source>a<cp hex="0009"/>b<cp hex="0001"/>c'
            '<cp hex="zz"/><sc id="1"/>d<ec startRef="1"/></source></segment></unit>')
    assert _texts(_write(tmp_path, xliff20(body))) == [("a\tbcd", None)]


# -- broken files ---------------------------------------------------------------------

BROKEN = {
    "not-xml": ("Это просто текст, не XML.", "not well-formed XML at line 1"),
    "truncated": (xliff12(PAIR)[:-40], "not well-formed XML at line"),
    "tag-mismatch": (xliff12(PAIR).replace("</source>", "</src>"),
                     "not well-formed XML at line 6"),
    "root-tmx": ('<?xml version="1.0"?><tmx version="1.4"><header/><body/></tmx>',
                 r"not an XLIFF file \(root element <tmx>\)"),
    "root-late": (DECLARATION + "<!--" + "x" * 70_000 + '-->\n<html><body><file/></body></html>',
                  r"not an XLIFF file \(root element <html>\)"),
    "version-unknown": (xliff12(PAIR).replace('version="1.2" xmlns', 'version="3.0" xmlns')
                        .replace(f'xmlns="{XLIFF_12_NS}"', ""),
                        "XLIFF version 3.0 is not read"),
    "version-21": (xliff20("").replace('version="2.0"', 'version="2.1"'),
                   "XLIFF version 2.1 is not read"),
    "version-missing": (xliff12(PAIR).replace('version="1.2" ', ""), "has no version"),
    "version-namespace": (xliff12(PAIR).replace('version="1.2"', 'version="2.0"'),
                          "in the namespace of XLIFF 1.2"),
    "namespace-other": (xliff12(PAIR).replace(XLIFF_12_NS, "urn:example"),
                        "in the namespace urn:example"),
    "source-language-12": (xliff12(PAIR, file_attrs=' target-language="en"'),
                           r"line 3: <file> has no source-language, so the source language "
                           "is unknown"),
    "source-language-20": (xliff20('<unit id="1"><segment><source>a</source></segment></unit>',
                                   langs=' trgLang="en"'), r"line 2: <xliff> has no srcLang"),
    "two-files": (xliff12(PAIR).replace("</file>", '</file><file source-language="ru">'
                                        '<body><trans-unit id="9"><source>б</source>'
                                        "</trans-unit></body></file>"),
                  r"line 8: a second <file>"),
    "two-files-second-empty": (xliff12(PAIR).replace("</file>",
                                                     '</file>\n<file source-language="ru"/>'),
                               r"line 9: a second <file>"),
    "no-file": (f'<xliff version="1.2" xmlns="{XLIFF_12_NS}"></xliff>', "has no <file>"),
    "unit-outside-file": ('<xliff version="1.2"><trans-unit id="1"><source>a</source>'
                          "</trans-unit></xliff>", r"<trans-unit> is not inside a <file>"),
    "unit-id-missing": (xliff12("<trans-unit><source>а</source></trans-unit>"),
                        r"line 6: <trans-unit> has no id"),
    "source-missing": (xliff12('<trans-unit id="x"><target>a</target></trans-unit>'),
                       r"line 6: unit x has no <source>"),
    "mid-missing": (xliff12('<trans-unit id="x"><source>a</source><seg-source>'
                            '<mrk mtype="seg">a</mrk></seg-source></trans-unit>'),
                    r"<mrk mtype=\"seg\"> of unit x has no mid"),
    "unit-duplicate": (xliff12(PAIR + "\n\n" + PAIR),
                       r"line 8: a second unit with id 1 \(the first is at line 6\)"),
    "segment-duplicate-sdl": (xliff12('<trans-unit id="x"><source>ab</source><seg-source>'
                                      '<mrk mtype="seg" mid="1">a</mrk><mrk mtype="seg" mid="1">'
                                      "b</mrk></seg-source></trans-unit>"),
                              r"a second segment 1 in unit x \(the first is at line 6\)"),
    "segment-duplicate-20": (xliff20('<group id="g"><unit id="u"><segment id="1"><source>a'
                                     '</source></segment></unit></group>\n<unit id="u">'
                                     '<segment id="1"><source>b</source></segment></unit>'),
                             r"line 5: a second segment 1 in unit u \(the first is at line 4\)"),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_broken_files_are_refused_in_one_line_naming_the_file(tmp_path: Path, case: str) -> None:
    data, match = BROKEN[case]
    message = _refused(_write(tmp_path, data), match)
    assert "\n" not in message


def test_units_before_a_duplicate_are_read_and_the_duplicate_stops_the_file(
        tmp_path: Path) -> None:
    path = _write(tmp_path, xliff12(PAIR + PAIR.replace('"1"', '"2"') + PAIR))
    units = read_xliff(path).units()
    assert [next(units).unit_id, next(units).unit_id] == ["1", "2"]
    with pytest.raises(FormatError, match="a second unit with id 1"):
        next(units)


def test_ids_sharing_a_hash_are_not_taken_for_duplicates(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # Every id "seen before": each is checked against the file read again, and is new.
    monkeypatch.setattr(xliff_reader._Keys, "add", lambda self, key: False)
    body = pairs(5)
    assert [u.unit_id for u in _units(_write(tmp_path, xliff12(body)))] == list("01234")


def test_the_same_unit_id_in_other_segments_is_not_a_duplicate(tmp_path: Path) -> None:
    body = ('<trans-unit id="1"><source>a</source></trans-unit>'
            '<trans-unit id="x"><source>ab</source><seg-source><mrk mtype="seg" mid="1">a</mrk>'
            '<mrk mtype="seg" mid="2">b</mrk></seg-source></trans-unit>')
    assert [(u.unit_id, u.segment_id) for u in _units(_write(tmp_path, xliff12(body)))] == [
        ("1", None), ("x", "1"), ("x", "2")]


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        _units(tmp_path / "nope.xlf")
    with pytest.raises(InputError, match="is a directory"):
        _units(tmp_path)


def test_messages_call_the_file_by_the_name_given(tmp_path: Path) -> None:
    path = _write(tmp_path, "<xliff")
    _refused(path, "not well-formed", name="upload.xlf")


@pytest.mark.parametrize("data", [b"", b"  \n\t"], ids=["empty", "whitespace"])
def test_an_empty_file_is_refused(tmp_path: Path, data: bytes) -> None:
    _refused(_write(tmp_path, data), "the file is empty")


# -- hostile files --------------------------------------------------------------------

LONG_COMMENT = "<!--" + "x" * 70_000 + "-->\n"  # past the first 64 KiB the reader looks at
BOMB = ('<!DOCTYPE xliff [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;'
        '&c;">]>\n')
BOMB_UNIT = '<trans-unit id="&d;"><source>&d;&d;&d;</source></trans-unit>'
ENTITIES = {
    "billion-laughs": DECLARATION + BOMB + xliff12(BOMB_UNIT, declaration=""),
    "billion-laughs-late": DECLARATION + LONG_COMMENT + BOMB + xliff12(BOMB_UNIT,
                                                                      declaration=""),
    "external-file": (DECLARATION + '<!DOCTYPE xliff [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                      + xliff12('<trans-unit id="1"><source>&x;</source></trans-unit>',
                                declaration="")),
    "external-url": (DECLARATION + '<!DOCTYPE xliff [<!ENTITY x SYSTEM "http://127.0.0.1:9/x">]>'
                     + xliff12('<trans-unit id="1"><source>&x;</source></trans-unit>',
                               declaration="")),
    "parameter": (DECLARATION + '<!DOCTYPE xliff [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p">'
                  " %p;]>" + xliff12(PAIR, declaration="")),
    "declared-unused": DECLARATION + '<!DOCTYPE xliff [<!ENTITY x "y">]>' + xliff12(
        PAIR, declaration=""),
    "xliff-20": DECLARATION + BOMB + xliff20(
        '<unit id="1"><segment><source>&d;</source></segment></unit>', declaration=""),
}


@pytest.mark.parametrize("case", ENTITIES, ids=list(ENTITIES))
def test_entity_declarations_are_refused_before_any_unit(tmp_path: Path, case: str) -> None:
    reader = read_xliff(_write(tmp_path, ENTITIES[case]))
    with pytest.raises(FormatError, match="declares XML entities") as raised:
        next(reader.units())
    assert str(raised.value).startswith(str(tmp_path / "in.xlf"))


UNDECLARED = {
    "text": '<trans-unit id="1"><source>Привет,&nbsp;мир.</source></trans-unit>',
    "attribute": '<trans-unit id="a&nbsp;b"><source>Привет.</source></trans-unit>',
    "target": '<trans-unit id="1"><source>а</source><target>a&copy;</target></trans-unit>',
}


@pytest.mark.parametrize("case", UNDECLARED, ids=list(UNDECLARED))
@pytest.mark.parametrize("doctype", ['<!DOCTYPE xliff SYSTEM "xliff.dtd">\n', ""],
                         ids=["dtd-named", "no-doctype"])
def test_undeclared_entity_references_are_refused_not_dropped(tmp_path: Path, case: str,
                                                              doctype: str) -> None:
    # A DOCTYPE naming a DTD that is never loaded makes libxml2 keep &nbsp; in text as a
    # reference node and drop it from attributes; without one it is a fatal error.
    data = DECLARATION + doctype + xliff12(UNDECLARED[case], declaration="")
    entity = "&copy;" if case == "target" else "&nbsp;"
    line = 7 if doctype else 6
    _refused(_write(tmp_path, data), rf"line {line}: entity {entity} is not declared")


def test_an_undeclared_entity_after_the_last_unit_is_refused_at_the_end(
        tmp_path: Path) -> None:
    # Far enough (past what the parser reads ahead) that units are read before it is found.
    data = (DECLARATION + '<!DOCTYPE xliff SYSTEM "xliff.dtd">\n'
            + xliff12(pairs(3000), declaration="").replace("</xliff>", "<x>&nbsp;</x></xliff>"))
    read = []
    with pytest.raises(FormatError, match="entity &nbsp; is not declared"):
        for unit in read_xliff(_write(tmp_path, data)).units():
            read.append(unit)
    assert read


def test_a_doctype_naming_a_dtd_is_read_and_never_fetched(tmp_path: Path) -> None:
    data = (DECLARATION + '<!DOCTYPE xliff PUBLIC "-//XLIFF//DTD XLIFF//EN" '
            '"http://127.0.0.1:9/xliff.dtd">\n' + xliff12(PAIR, declaration=""))
    assert _texts(_write(tmp_path, data)) == [("Привет, мир.", "Hello, world.")]


# -- encodings --------------------------------------------------------------------------

@pytest.mark.parametrize("encode", [
    lambda s: codecs.BOM_UTF16_LE + s.replace("UTF-8", "UTF-16").encode("utf-16-le"),
    lambda s: codecs.BOM_UTF16_BE + s.replace("UTF-8", "UTF-16").encode("utf-16-be"),
    lambda s: codecs.BOM_UTF8 + s.encode("utf-8"),
    lambda s: s.replace("UTF-8", "UTF-16").encode("utf-16-le"),
    lambda s: s.replace("UTF-8", "windows-1251").encode("cp1251"),
    lambda s: s.replace('<?xml version="1.0" encoding="UTF-8"?>\n', "").encode("utf-8"),
], ids=["utf-16-le-bom", "utf-16-be-bom", "utf-8-bom", "utf-16-le-without-bom",
        "cp1251-declared", "no-declaration"])
def test_encodings_real_files_use(tmp_path: Path, encode) -> None:  # type: ignore[no-untyped-def]
    path = _write(tmp_path, encode(xliff12(PAIR)))
    assert _texts(path) == [("Привет, мир.", "Hello, world.")]


def test_a_declaration_contradicting_utf8_bytes_is_decided_from_the_bytes(
        tmp_path: Path) -> None:
    reader = read_xliff(_write(tmp_path, xliff12(PAIR).replace("UTF-8", "UTF-16")))
    assert [u.source for u in reader.units()] == ["Привет, мир."]
    assert reader.encoding == "utf-8" and reader.warnings


@pytest.mark.parametrize("data, match", [
    (xliff12(PAIR).encode("cp1251"), r"byte \d+ is not valid utf-8 \(the file declares UTF-8"),
    (xliff12(PAIR).replace('encoding="UTF-8"', 'encoding="klingon"').encode(),
     "unknown encoding 'klingon' declared"),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "NUL byte"),
], ids=["cp1251-declared-utf8", "unknown-encoding", "binary"])
def test_a_wrong_or_unknown_encoding_is_refused(tmp_path: Path, data: bytes, match: str) -> None:
    _refused(_write(tmp_path, data), match)


def test_invalid_utf8_past_the_start_is_reported_at_its_byte(tmp_path: Path) -> None:
    body = pairs(2000).encode()
    data = xliff12("@@").encode().replace(b"@@", body + b'<trans-unit id="z"><source>\xff'
                                          b"</source></trans-unit>")
    offset = data.index(b"\xff")
    _refused(_write(tmp_path, data), rf"byte {offset} is not valid utf-8")


# -- size and memory ----------------------------------------------------------------------

def test_a_file_over_the_size_limit_is_refused_before_parsing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path, xliff12(pairs(50)))
    _refused(path, rf"bytes is over the limit of 1,000 bytes for XLIFF files \({MAX_BYTES_ENV}\)",
             max_bytes=1000)
    monkeypatch.setenv(MAX_BYTES_ENV, "2000")
    _refused(path, "over the limit of 2,000 bytes")
    assert len(_units(path, max_bytes=10**6)) == 50  # the limit given wins


def test_a_file_within_the_limit_of_the_environment_is_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path, xliff12(PAIR))
    monkeypatch.setenv(MAX_BYTES_ENV, str(path.stat().st_size))
    assert len(_units(path)) == 1


def test_memory_stays_flat_over_a_large_file(tmp_path: Path) -> None:
    unit = ('<trans-unit id="u{n}" restype="x-sentence"><source>Депутаты Европарламента '
            "одобрили новый закон о защите персональных данных граждан.</source><target "
            'state="translated">MEPs approved a new law on the protection of citizens\' '
            "personal data.</target><note>n{n}</note></trans-unit>\n")
    body = '<group id="g">' + "".join(unit.format(n=n) for n in range(20_000)) + "</group>"
    path = _write(tmp_path, xliff12(body))
    size = path.stat().st_size
    tracemalloc.start()
    try:
        count = sum(1 for _ in read_xliff(path).units())
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 20_000
    assert peak < size / 4, (peak, size)


def test_the_tree_above_the_units_is_cleared_as_they_are_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The parser reads ahead a chunk at a time: the tree holds what one chunk holds, however
    # long the file, nested groups and all.
    held: list[int] = []  # elements in the tree after each clearing
    clear = xliff_reader._clear

    def counting(element, *, siblings):  # type: ignore[no-untyped-def]
        clear(element, siblings=siblings)
        held.append(sum(1 for _ in element.getroottree().iter()))

    monkeypatch.setattr(xliff_reader, "_clear", counting)
    most = []
    for groups in (40, 160):
        held.clear()
        units = [pairs(50).replace(' id="', f' id="{g}-') for g in range(groups)]
        body = "".join(f'<group id="{g}"><group id="{g}i">{group}</group></group>'
                       for g, group in enumerate(units))
        path = _write(tmp_path, xliff12(body), f"{groups}.xlf")
        assert len(_units(path)) == groups * 50
        most.append(max(held))
    assert most[1] <= most[0] + 50 and most[1] < 160 * 50 * 4 / 20
