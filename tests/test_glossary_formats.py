"""Glossary files: TBX v2 and v3, OmegaT's TSV and CSV read into entries, the format decided
from the content, written back losslessly, read by other tools, hostile files refused."""
from __future__ import annotations

import codecs
import io
import tracemalloc
from pathlib import Path

import pytest

from tests.components import require_module
from tm.errors import EncodingError, FormatError, InputError
from tm.formats.glossary import (
    MAX_BYTES_ENV,
    GlossaryEntry,
    TargetTerm,
    read_glossary,
    write_csv,
    write_tbx,
    write_tsv,
)
from tm.formats.glossary.delimited import join_terms, split_terms
from tm.messages import Message

DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


def _write(tmp_path: Path, data: str | bytes, name: str = "terms.tbx") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def _entries(path: Path, *, src: str = "ru", tgt: str = "en") -> list[GlossaryEntry]:
    return list(read_glossary(path, src=src, tgt=tgt).entries())


def _refused(path: Path, match: str, error: type[InputError] = FormatError,
             **options: object) -> str:
    """Read ``path``: it must be refused, in one message naming the file."""
    with pytest.raises(error, match=match) as raised:
        list(read_glossary(path, **options).entries())  # type: ignore[arg-type]
    assert str(raised.value).startswith(str(options.get("name", path)) + ":")
    assert "\n" not in str(raised.value)
    return str(raised.value)


def martif(body: str, *, declaration: str = DECLARATION, doctype: str = "") -> str:
    return (f'{declaration}{doctype}<martif type="TBX-Basic" xml:lang="en">\n'
            "<martifHeader><fileDesc><sourceDesc><p>test</p></sourceDesc></fileDesc>"
            f"</martifHeader>\n<text><body>\n{body}\n</body></text>\n</martif>\n")


PAIR = ('<termEntry id="c1"><langSet xml:lang="ru"><tig><term>ОДКБ</term></tig></langSet>'
        '<langSet xml:lang="en"><tig><term>CSTO</term></tig></langSet></termEntry>')


# -- TBX v2 ------------------------------------------------------------------------------

TBX2 = martif("""<termEntry id="c1">
  <descrip type="subjectField">politics</descrip>
  <note>Kazakhstan's, not Russia's</note>
  <langSet xml:lang="ru-RU">
    <tig>
      <term>МИД РК</term>
      <termNote type="partOfSpeech">noun</termNote>
      <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote>
      <descrip type="context">Об этом сообщили в МИД РК.</descrip>
    </tig>
    <tig>
      <term>Министерство иностранных дел Казахстана</term>
      <termNote type="administrativeStatus">admittedTerm-admn-sts</termNote>
    </tig>
  </langSet>
  <langSet xml:lang="en">
    <descrip type="definition">The foreign ministry of Kazakhstan.</descrip>
    <tig><term>Kazakh Foreign Ministry</term>
      <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></tig>
    <tig><term>Foreign Ministry of Kazakhstan</term>
      <termNote type="administrativeStatus">admittedTerm-admn-sts</termNote></tig>
    <ntig><termGrp><term>Kazakhstan MFA</term>
      <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></termGrp></ntig>
    <tig><term>MID RK</term>
      <termNote type="administrativeStatus">supersededTerm-admn-sts</termNote></tig>
  </langSet>
</termEntry>
<termEntry id="c2"><langSet xml:lang="de"><tig><term>OVKS</term></tig></langSet>
  <langSet xml:lang="en"><tig><term>CSTO</term></tig></langSet></termEntry>
<termEntry id="c3"><langSet xml:lang="ru"><tig><term>ОДКБ</term></tig></langSet></termEntry>""")
MFA_TARGETS = (TargetTerm("Kazakh Foreign Ministry", "preferred"),
               TargetTerm("Foreign Ministry of Kazakhstan", "admitted"),
               TargetTerm("Kazakhstan MFA", "forbidden"),
               TargetTerm("MID RK", "forbidden"))


def test_tbx_v2_gives_an_entry_per_source_term_sharing_the_targets(tmp_path: Path) -> None:
    reader = read_glossary(_write(tmp_path, TBX2))
    entries = list(reader.entries())
    assert reader.format == "tbx2"
    assert entries == [
        GlossaryEntry(source="МИД РК", targets=MFA_TARGETS, part_of_speech="noun",
                      definition="The foreign ministry of Kazakhstan.",
                      note="Kazakhstan's, not Russia's", example="Об этом сообщили в МИД РК.",
                      status="preferred"),
        GlossaryEntry(source="Министерство иностранных дел Казахстана", targets=MFA_TARGETS,
                      definition="The foreign ministry of Kazakhstan.",
                      note="Kazakhstan's, not Russia's", status="admitted"),
    ]
    assert [e.line for e in entries] == [9, 15]  # where each source term is
    assert entries[0].target == "Kazakh Foreign Ministry"


def test_tbx_entries_without_both_languages_are_skipped_with_a_reason(tmp_path: Path) -> None:
    reader = read_glossary(_write(tmp_path, TBX2))
    list(reader.entries())
    assert reader.read == 3
    assert reader.skipped == {Message("glossary-skip-no-term", "no {lang} term", lang="ru"): 1,
                              Message("glossary-skip-no-term", "no {lang} term", lang="en"): 1}
    assert sorted(map(str, reader.skipped)) == ["no en term", "no ru term"]


def test_tbx_languages_are_the_ones_asked_for(tmp_path: Path) -> None:
    entries = _entries(_write(tmp_path, TBX2), src="de", tgt="en-GB")
    assert [(e.source, e.target) for e in entries] == [("OVKS", "CSTO")]


def test_an_unknown_tbx_status_is_read_as_preferred_with_a_warning(tmp_path: Path) -> None:
    data = martif(PAIR.replace("<term>CSTO</term>", '<term>CSTO</term><termNote type='
                               '"administrativeStatus">maybeTerm</termNote>'))
    reader = read_glossary(_write(tmp_path, data))
    assert [e.targets for e in reader.entries()] == [(TargetTerm("CSTO", "preferred"),)]
    assert [str(w) for w in reader.warnings] == [
        "status 'maybeTerm' (first at line 5) is not known; read as preferred"]


# -- TBX v3 ------------------------------------------------------------------------------

def tbx3(body: str, *, style: str = "dca", namespaces: str = "", doctype: str = "") -> str:
    return (f'{DECLARATION}{doctype}<tbx style="{style}" type="TBX-Basic" xml:lang="en" '
            f'xmlns="urn:iso:std:iso:30042:ed-2"{namespaces}>\n'
            "<tbxHeader><fileDesc><sourceDesc><p>test</p></sourceDesc></fileDesc></tbxHeader>\n"
            f"<text><body>\n{body}\n</body></text>\n</tbx>\n")


TBX3_DCA = tbx3("""<conceptEntry id="c1">
  <descrip type="subjectField">politics</descrip>
  <langSec xml:lang="ru">
    <descripGrp><descrip type="definition">Парламент Европейского союза.</descrip>
      <admin type="source">Википедия</admin></descripGrp>
    <termSec>
      <term>Европарламент</term>
      <termNote type="partOfSpeech">noun</termNote>
      <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote>
      <descrip type="context">Европарламент принял резолюцию.</descrip>
      <note>the short form</note>
    </termSec>
  </langSec>
  <langSec xml:lang="en">
    <termSec><term>European Parliament</term></termSec>
    <termSec><term>Europarliament</term>
      <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></termSec>
  </langSec>
</conceptEntry>""")
TBX3_DCT = tbx3("""<conceptEntry id="c1">
  <langSec xml:lang="ru">
    <basic:definition>Парламент Европейского союза.</basic:definition>
    <termSec>
      <term>Европарламент</term>
      <basic:partOfSpeech>noun</basic:partOfSpeech>
      <basic:administrativeStatus>preferredTerm-admn-sts</basic:administrativeStatus>
      <basic:context>Европарламент принял резолюцию.</basic:context>
      <note>the short form</note>
    </termSec>
  </langSec>
  <langSec xml:lang="en">
    <termSec><term>European Parliament</term></termSec>
    <termSec><term>Europarliament</term>
      <basic:administrativeStatus>deprecatedTerm-admn-sts</basic:administrativeStatus>
    </termSec>
  </langSec>
</conceptEntry>""", style="dct", namespaces=' xmlns:basic="http://www.tbxinfo.net/ns/basic"')


@pytest.mark.parametrize("data", [TBX3_DCA, TBX3_DCT], ids=["dca", "dct"])
def test_tbx_v3_basic_is_read_in_either_style(tmp_path: Path, data: str) -> None:
    reader = read_glossary(_write(tmp_path, data))
    assert reader.format == "tbx3"
    assert list(reader.entries()) == [GlossaryEntry(
        source="Европарламент",
        targets=(TargetTerm("European Parliament"), TargetTerm("Europarliament", "forbidden")),
        part_of_speech="noun", definition="Парламент Европейского союза.",
        note="the short form", example="Европарламент принял резолюцию.")]


def test_a_tbx_root_in_another_namespace_is_refused(tmp_path: Path) -> None:
    data = TBX3_DCA.replace("urn:iso:std:iso:30042:ed-2", "urn:example:other")
    with pytest.raises(FormatError, match="in the namespace urn:example:other"):
        read_glossary(_write(tmp_path, data))


# -- TSV ---------------------------------------------------------------------------------

TSV = ("# Глоссарий отдела новостей\n"
       "ОДКБ\tCSTO\tCollective Security Treaty Organization\r\n"
       "МИД РК\tKazakh Foreign Ministry\n"
       "\n"
       "#Европарламент\tEuropean Parliament\n"
       "\tno source\n"
       "Госдума\n"
       "Совфед\tFederation Council\tupper house\textra\n")


def test_tsv_is_omegat_source_target_comment_with_comment_lines_skipped(tmp_path: Path) -> None:
    reader = read_glossary(_write(tmp_path, TSV, "glossary.txt"))
    entries = list(reader.entries())
    assert reader.format == "tsv"
    assert entries == [
        GlossaryEntry("ОДКБ", (TargetTerm("CSTO"),),
                      note="Collective Security Treaty Organization"),
        GlossaryEntry("МИД РК", (TargetTerm("Kazakh Foreign Ministry"),)),
        GlossaryEntry("Совфед", (TargetTerm("Federation Council"),), note="upper house"),
    ]
    assert [e.line for e in entries] == [2, 3, 8]
    assert reader.read == 5
    assert sorted(map(str, reader.skipped.elements())) == ["empty source term",
                                                          "no target term"]


def test_a_tsv_whose_first_line_names_columns_is_read_by_name(tmp_path: Path) -> None:
    data = "Target\tSource\tNote\nCSTO; ODKB\tОДКБ\tабвг\n"
    assert _entries(_write(tmp_path, data, "g.tsv")) == [GlossaryEntry(
        "ОДКБ", (TargetTerm("CSTO"), TargetTerm("ODKB")), note="абвг")]


# -- CSV ---------------------------------------------------------------------------------

CSV_RUSSIAN = ('Термин,Перевод,Примечание,Часть речи,Не переводить,Статус перевода\r\n'
               '"МИД РК","Kazakh Foreign Ministry; Foreign Ministry of Kazakhstan",'
               '"Not ""MFA"", ever;\r\nnot in headlines either",noun,нет,\r\n'
               'Apple,,,proper noun,да,\r\n'
               ',Nothing,,,,\r\n'
               'Совбез,,,,нет,\r\n'
               'Европарламент,Europarliament,,,,запрещённый\r\n')


def test_csv_with_a_russian_header_and_quoted_fields(tmp_path: Path) -> None:
    reader = read_glossary(_write(tmp_path, CSV_RUSSIAN, "glossary.csv"))
    entries = list(reader.entries())
    assert reader.format == "csv"
    assert entries == [
        GlossaryEntry("МИД РК", (TargetTerm("Kazakh Foreign Ministry"),
                                 TargetTerm("Foreign Ministry of Kazakhstan")),
                      note='Not "MFA", ever;\r\nnot in headlines either',
                      part_of_speech="noun"),
        GlossaryEntry("Apple", (TargetTerm("Apple"),), part_of_speech="proper noun",
                      do_not_translate=True),
        GlossaryEntry("Европарламент", (TargetTerm("Europarliament", "forbidden"),)),
    ]
    assert [e.line for e in entries] == [2, 4, 7]
    assert sorted(map(str, reader.skipped.elements())) == ["empty source term",
                                                          "no target term"]
    assert reader.warnings == []


@pytest.mark.parametrize("header", ["ru,en", "RU-ru,en-GB", "Russian,English", "source,target",
                                    "Source Term,Translation", "русский,английский"])
def test_csv_columns_are_named_in_either_language_or_by_code(tmp_path: Path,
                                                             header: str) -> None:
    path = _write(tmp_path, f"{header}\nОДКБ,CSTO\n", "g.csv")
    assert _entries(path) == [GlossaryEntry("ОДКБ", (TargetTerm("CSTO"),))]


def test_csv_as_excel_writes_it_in_a_russian_locale(tmp_path: Path) -> None:
    # Semicolons between cells, Windows-1251 bytes.
    data = "Термин;Перевод;Комментарий\r\nОДКБ;CSTO;организация, военный блок\r\n"
    reader = read_glossary(_write(tmp_path, data.encode("cp1251"), "g.csv"))
    assert list(reader.entries()) == [GlossaryEntry(
        "ОДКБ", (TargetTerm("CSTO"),), note="организация, военный блок")]
    assert reader.encoding == "cp1251"
    assert [w.code for w in reader.warnings] == ["glossary-read-as-cp1251"]


def test_csv_values_not_understood_are_warned_about_once(tmp_path: Path) -> None:
    data = "source,target,status,case sensitive\nа,a,maybe,sometimes\nб,b,maybe,sometimes\n"
    reader = read_glossary(_write(tmp_path, data, "g.csv"))
    assert [(e.status, e.case_sensitive) for e in reader.entries()] == [("preferred", False)] * 2
    assert sorted(str(w) for w in reader.warnings) == [
        "case sensitive value 'sometimes' (first at line 2) is neither yes nor no; read as no",
        "status 'maybe' (first at line 2) is not known; read as preferred"]


def test_a_csv_without_a_header_naming_source_and_target_is_refused(tmp_path: Path) -> None:
    _refused(_write(tmp_path, "ОДКБ,CSTO\n", "g.csv"), "line 1: the header row names no "
             "source column")
    _refused(_write(tmp_path, "source,note\nОДКБ,x\n", "g.csv"), "names no target column")


@pytest.mark.parametrize("terms", [["CSTO"], ["a; b", "c"], ["back\\slash;", "x"]])
def test_several_terms_in_a_csv_cell(terms: list[str]) -> None:
    assert split_terms(join_terms(terms)) == terms


# -- the format is the content's ---------------------------------------------------------

@pytest.mark.parametrize("data, name, expected", [
    (TBX2, "glossary.txt", "tbx2"),
    (TBX3_DCA, "glossary.csv", "tbx3"),
    (TSV, "glossary.tbx", "tsv"),
    ("source,target\nОДКБ,CSTO\n", "glossary.tsv", "csv"),
    (codecs.BOM_UTF16_LE + TBX2.replace("UTF-8", "UTF-16").encode("utf-16-le"), "g", "tbx2"),
    (codecs.BOM_UTF8 + TSV.encode(), "g", "tsv"),
])
def test_the_format_is_decided_from_the_content_not_the_name(
        tmp_path: Path, data: str | bytes, name: str, expected: str) -> None:
    reader = read_glossary(_write(tmp_path, data, name))
    assert reader.format == expected
    assert list(reader.entries())


# -- writing and reading back ------------------------------------------------------------

ENTRIES = [
    GlossaryEntry("МИД РК", MFA_TARGETS, part_of_speech="noun",
                  definition="The foreign ministry of Kazakhstan.",
                  note='Not "MFA" <ever> & never;\nin headlines either',
                  example="Об этом сообщили в МИД РК.", status="admitted"),
    GlossaryEntry("ОДКБ", (TargetTerm("CSTO"), TargetTerm("C; S\\T; O", "admitted")),
                  case_sensitive=True),
    GlossaryEntry("Apple", (TargetTerm("Apple"),), part_of_speech="proper noun",
                  do_not_translate=True),
    GlossaryEntry("Европарламент", (TargetTerm("Europarliament", "forbidden"),),
                  status="forbidden"),
]


@pytest.mark.parametrize("write", [
    lambda out, entries: write_tbx(out, entries, src="ru", tgt="en"), write_csv],
    ids=["tbx", "csv"])
def test_tbx_and_csv_round_trip_every_field(tmp_path: Path, write) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "out"
    assert write(path, ENTRIES) == len(ENTRIES)
    reader = read_glossary(path)
    assert list(reader.entries()) == ENTRIES
    assert reader.warnings == [] and not reader.skipped


def test_tsv_round_trips_the_target_to_use_and_the_comment(tmp_path: Path) -> None:
    path = tmp_path / "out.utf8"
    assert write_tsv(path, ENTRIES) == 3  # the last one has only a forbidden target
    assert _entries(path) == [
        GlossaryEntry("МИД РК", (TargetTerm("Kazakh Foreign Ministry"),),
                      note='Not "MFA" <ever> & never; in headlines either'),
        GlossaryEntry("ОДКБ", (TargetTerm("CSTO"),)),
        GlossaryEntry("Apple", (TargetTerm("Apple"),)),
    ]
    assert path.read_text(encoding="utf-8").splitlines()[1] == "ОДКБ\tCSTO"


def test_writers_write_to_a_stream_and_leave_it_open() -> None:
    out = io.BytesIO()
    write_tsv(out, ENTRIES[1:2])
    assert not out.closed and out.getvalue() == "ОДКБ\tCSTO\n".encode()


def test_translate_toolkit_reads_the_written_tbx(tmp_path: Path) -> None:
    require_module("translate")
    from translate.storage.tbx import tbxfile

    path = tmp_path / "out.tbx"
    write_tbx(path, ENTRIES, src="ru", tgt="en")
    with open(path, "rb") as handle:
        store = tbxfile.parsefile(handle)  # type: ignore[no-untyped-call]
    assert [(u.source, u.target) for u in store.units] == [
        (e.source, e.targets[0].text) for e in ENTRIES]
    assert [[t.text for t in u.get_target_terms()] for u in store.units] == [
        [t.text for t in e.targets] for e in ENTRIES]


def test_tbx_is_written_and_read_as_a_stream(tmp_path: Path) -> None:
    path = tmp_path / "big.tbx"
    write_tbx(path, (GlossaryEntry(f"термин {n}", (TargetTerm(f"term {n}"),), note="x" * 200)
                     for n in range(3000)), src="ru", tgt="en")
    tracemalloc.start()
    try:
        count = sum(1 for _ in read_glossary(path).entries())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 3000
    assert peak < path.stat().st_size / 4


# -- hostile files ------------------------------------------------------------------------

BOMB = ('<!DOCTYPE martif [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;'
        '&c;">]>\n')
BOMB_ENTRY = PAIR.replace("CSTO", "&d;&d;&d;")
LONG_COMMENT = "<!--" + "x" * 70_000 + "-->\n"  # past the first 64 KiB the reader looks at
ENTITIES = {
    "billion-laughs": martif(BOMB_ENTRY, doctype=BOMB),
    "billion-laughs-late": martif(BOMB_ENTRY, doctype=LONG_COMMENT + BOMB),
    "external-file": martif(PAIR.replace("CSTO", "&x;"), doctype=(
        '<!DOCTYPE martif [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n')),
    "external-url": martif(PAIR.replace("CSTO", "&x;"), doctype=(
        '<!DOCTYPE martif [<!ENTITY x SYSTEM "http://127.0.0.1:9/x">]>\n')),
    "parameter": martif(PAIR, doctype=(
        '<!DOCTYPE martif [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p"> %p;]>\n')),
    "tbx3": tbx3('<conceptEntry id="c1"><langSec xml:lang="ru"><termSec><term>&d;'
                 "</term></termSec></langSec></conceptEntry>", doctype=BOMB.replace(
                     "martif", "tbx")),
}


@pytest.mark.parametrize("case", ENTITIES, ids=list(ENTITIES))
def test_entity_declarations_are_refused(tmp_path: Path, case: str) -> None:
    path = _write(tmp_path, ENTITIES[case])
    with pytest.raises(FormatError, match="declares XML entities") as raised:
        list(read_glossary(path).entries())
    assert str(raised.value).startswith(f"{path}:")


@pytest.mark.parametrize("doctype", ['<!DOCTYPE martif SYSTEM "TBXcoreStructV02.dtd">\n', ""],
                         ids=["dtd-named", "no-doctype"])
@pytest.mark.parametrize("where", ["<term>&nbsp;CSTO</term>", '<tig id="&nbsp;">'],
                         ids=["text", "attribute"])
def test_undeclared_entities_are_refused_not_dropped(tmp_path: Path, doctype: str,
                                                     where: str) -> None:
    entry = PAIR.replace("<term>CSTO</term>", where) if "term" in where else PAIR.replace(
        "<tig>", where, 1)
    _refused(_write(tmp_path, martif(entry, doctype=doctype)), "entity &nbsp; is not declared")


def test_a_doctype_naming_a_dtd_is_read_and_never_fetched(tmp_path: Path) -> None:
    data = martif(PAIR, doctype='<!DOCTYPE martif SYSTEM "http://127.0.0.1:9/tbx.dtd">\n')
    assert [e.target for e in _entries(_write(tmp_path, data))] == ["CSTO"]


@pytest.mark.parametrize("data, line", [
    (martif(PAIR)[:-40], 5),
    (martif(PAIR).replace("</tig></langSet>", "</langSet>", 1), 5),
    (DECLARATION + "<martif><<<", 2),
], ids=["truncated", "mismatched", "broken-at-the-root"])
def test_broken_xml_is_one_line_naming_the_file_and_the_line(tmp_path: Path, data: str,
                                                            line: int) -> None:
    _refused(_write(tmp_path, data), rf"not well-formed XML at line {line}: ")


def test_xml_that_is_not_tbx_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match=r"not a TBX file \(root element <tmx>\)"):
        read_glossary(_write(tmp_path, DECLARATION + '<tmx version="1.4"><body/></tmx>'))


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path, martif(PAIR))
    with pytest.raises(FormatError, match=r"over the limit of 100 bytes.*"
                       + MAX_BYTES_ENV) as raised:
        read_glossary(path, max_bytes=100)
    assert str(raised.value).startswith(f"{path}:")
    monkeypatch.setenv(MAX_BYTES_ENV, "100")
    with pytest.raises(FormatError, match="over the limit"):
        read_glossary(path)


@pytest.mark.parametrize("data, match", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "looks like a binary file"),
    (b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)), "a ZIP archive"),
    (b"", "the file is empty"),
    (b"source,target\n" + "ОДКБ,CSTO\n".encode("koi8-r"), "cannot tell the encoding"),
    (martif(PAIR).encode("utf-8").replace("ОДКБ".encode(), "ОДКБ".encode("cp1251")),
     r"byte \d+ is not valid utf-8 \(the file declares UTF-8"),
    (martif(PAIR, declaration='<?xml version="1.0" encoding="klingon"?>\n').encode(),
     "unknown encoding 'klingon' declared"),
    (b"source,target\n" + b"a,b\n" * 40_000 + "ОДКБ,CSTO\n".encode("cp1251"),
     r"byte 160014 is not valid utf-8"),
], ids=["binary", "xlsx", "empty", "koi8-r", "cp1251-declared-utf8", "unknown-encoding",
        "invalid-utf8-late"])
def test_binary_files_and_wrong_encodings_are_refused(tmp_path: Path, data: bytes,
                                                      match: str) -> None:
    path = _write(tmp_path, data, "upload.tmp")
    with pytest.raises(InputError, match=match) as raised:
        list(read_glossary(path, name="terms.csv").entries())
    assert str(raised.value).startswith("terms.csv:")


def test_an_undecidable_encoding_is_an_encoding_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "термин,перевод\nОДКБ,CSTO\n".encode("koi8-r"), "g.csv")
    with pytest.raises(EncodingError):
        read_glossary(path)


def test_a_missing_file_is_an_input_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_glossary(tmp_path / "nothing.tbx")
