"""A document handed to a CAT tool as XLIFF 1.2/2.0 and taken back into a track."""
from __future__ import annotations

import re
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from click.testing import CliRunner
from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.components import require_module
from tests.conftest import import_seed
from tm.cli import cli
from tm.errors import ForbiddenError, InputError, ValidationError
from tm.formats.xliff.units import XLIFF_12_NS, XLIFF_20_NS
from tm.handoff import export_xliff, import_xliff
from tm.memory.tmx_import import import_tmx
from tm.models import Document, Origin, Role, Segment, SegmentKind, Status, Track, Translation
from tm.translations import edit_translation, get_track

NS12 = {"x": XLIFF_12_NS}
NS20 = {"x": XLIFF_20_NS, "mtc": "urn:oasis:names:tc:xliff:matches:2.0"}


def _seed(session: Session) -> Document:
    document = import_seed(session).document
    session.flush()
    return document


def _segments(session: Session, document: Document) -> list[Segment]:
    return list(session.scalars(select(Segment).where(Segment.document_id == document.id)
                                .order_by(Segment.position)))


def _track(session: Session, document: Document, name: str) -> dict[int, tuple[str, Status]]:
    return {t.segment_id: (t.text, t.status) for t in session.scalars(
        select(Translation).join(Track).join(Segment)
        .where(Segment.document_id == document.id, Track.name == name))}


def test_xliff_12_has_a_trans_unit_per_segment_in_order_with_stable_ids(
        session: Session, tmp_path: Path) -> None:
    document = _seed(session)
    out = tmp_path / "seed.xlf"
    report = export_xliff(session, out, document_id=document.id, track="human")
    root = etree.parse(str(out)).getroot()
    units = root.findall(".//x:trans-unit", NS12)
    segments = _segments(session, document)
    assert report.units == len(units) == len(segments) == 24
    assert [u.get("id") for u in units] == [str(s.id) for s in segments]
    assert [u.findtext("x:source", namespaces=NS12) for u in units] == [s.text for s in segments]
    assert all(u.get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"
               for u in units)
    file = root.find("x:file", NS12)
    assert (file.get("source-language"), file.get("target-language")) == ("ru", "en")
    headline = next(s for s in segments if s.kind is SegmentKind.HEADLINE)
    assert root.find(f".//x:trans-unit[@id='{headline.id}']", NS12).get("restype") == \
        "x-headline"
    groups = root.findall(".//x:group", NS12)
    assert len(groups) == len({s.paragraph_id for s in segments})
    again = tmp_path / "again.xlf"
    export_xliff(session, again, document_id=document.id, track="human")
    assert again.read_bytes() == out.read_bytes()


@pytest.mark.parametrize("status, state, approved", [
    (Status.DRAFT, "needs-translation", None), (Status.TRANSLATED, "translated", None),
    (Status.REVIEWED, "signed-off", None), (Status.APPROVED, "final", "yes"),
    (Status.REJECTED, "needs-review-translation", None),
])
def test_statuses_become_xliff_12_states(session: Session, tmp_path: Path, status: Status,
                                         state: str, approved: str | None) -> None:
    document = _seed(session)
    first = session.scalars(select(Translation).join(Segment).where(
        Segment.document_id == document.id).order_by(Segment.position)).first()
    assert first is not None
    edit_translation(session, first, author="anna", status=status)
    out = tmp_path / "seed.xlf"
    export_xliff(session, out, document_id=document.id, track="human", with_matches=False)
    unit = etree.parse(str(out)).getroot().find(f".//x:trans-unit[@id='{first.segment_id}']",
                                                NS12)
    assert unit.find("x:target", NS12).get("state") == state
    assert unit.get("approved") == approved


def test_an_untranslated_segment_has_no_target_by_default_and_the_source_for_omegat(
        session: Session, tmp_path: Path) -> None:
    document = _seed(session)
    default, omegat = tmp_path / "default.xlf", tmp_path / "omegat.xlf"
    export_xliff(session, default, document_id=document.id, track="agency")
    export_xliff(session, omegat, document_id=document.id, track="agency", flavour="omegat")
    assert not etree.parse(str(default)).getroot().findall(".//x:target", NS12)
    units = etree.parse(str(omegat)).getroot().findall(".//x:trans-unit", NS12)
    assert all(u.findtext("x:target", namespaces=NS12) == u.findtext("x:source",
                                                                      namespaces=NS12)
               and u.find("x:target", NS12).get("state") == "needs-translation" for u in units)
    with pytest.raises(ValidationError, match="1.2"):
        export_xliff(session, tmp_path / "x.xlf", document_id=document.id, track="human",
                     version="2.0", flavour="omegat")


def test_memory_matches_go_with_a_unit_as_alt_trans_and_mtc_matches(
        session: Session, tmp_path: Path) -> None:
    document = _seed(session)
    segment = _segments(session, document)[3]
    memory = tmp_path / "desk.tmx"
    memory.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><tmx version="1.4"><header creationtool="t" '
        'creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" srclang="ru" '
        'datatype="plaintext"/><body><tu><tuv xml:lang="ru"><seg>'
        + segment.text.replace("&", "&amp;").replace("<", "&lt;")
        + '</seg></tuv><tuv xml:lang="en"><seg>From the archive.</seg></tuv></tu></body></tmx>',
        encoding="utf-8")
    import_tmx(session, memory, memory="desk")
    one, two = tmp_path / "one.xlf", tmp_path / "two.xlf"
    export_xliff(session, one, document_id=document.id, track="human")
    export_xliff(session, two, document_id=document.id, track="human", version="2.0")
    alt = etree.parse(str(one)).getroot().find(
        f".//x:trans-unit[@id='{segment.id}']/x:alt-trans", NS12)
    assert alt is not None and alt.get("origin") == "desk"
    assert alt.get("match-quality") == "100"
    assert alt.findtext("x:target", namespaces=NS12) == "From the archive."
    match = etree.parse(str(two)).getroot().find(
        f".//x:unit[@id='{segment.id}']/mtc:matches/mtc:match", NS20)
    assert match is not None and match.get("ref") == f"#s{segment.id}"
    assert float(match.get("matchQuality")) == 100.0


def test_xliff_20_has_a_unit_and_segment_per_segment_with_states(
        session: Session, tmp_path: Path) -> None:
    document = _seed(session)
    out = tmp_path / "seed.xlf"
    export_xliff(session, out, document_id=document.id, track="human", version="2.0",
                 with_matches=False)
    root = etree.parse(str(out)).getroot()
    assert (root.get("version"), root.get("srcLang"), root.get("trgLang")) == ("2.0", "ru",
                                                                               "en")
    segments = root.findall(".//x:segment", NS20)
    assert [s.get("id") for s in segments] == [f"s{s.id}" for s in _segments(session, document)]
    assert {s.get("state") for s in segments} == {"translated"}


@pytest.mark.parametrize("version", ["1.2", "2.0"])
def test_a_track_round_trips_through_xliff_into_a_new_track(
        session: Session, tmp_path: Path, version: str) -> None:
    document = _seed(session)
    out = tmp_path / "seed.xlf"
    export_xliff(session, out, document_id=document.id, track="human", version=version)
    report = import_xliff(session, out, document_id=document.id, track="copy", author="anna")
    assert (report.read, report.imported, report.untranslated) == (24, 24, 0)
    assert _track(session, document, "copy") == _track(session, document, "human")
    copy = get_track(session, "copy")
    assert {t.origin for t in session.scalars(select(Translation).where(
        Translation.track_id == copy.id))} == {Origin.HUMAN}
    again = import_xliff(session, out, document_id=document.id, track="copy", author="anna")
    assert (again.imported, again.updated, again.unchanged) == (0, 0, 24)


def test_an_edited_target_comes_back_as_a_revision_with_the_mapped_status(
        session: Session, tmp_path: Path) -> None:
    document = _seed(session)
    segment = _segments(session, document)[2]
    out = tmp_path / "seed.xlf"
    export_xliff(session, out, document_id=document.id, track="human", with_matches=False)
    text = out.read_text(encoding="utf-8")
    unit = re.search(rf'<trans-unit id="{segment.id}".*?</trans-unit>', text).group(0)
    edited = re.sub(r'<target state="translated">.*?</target>',
                    '<target state="signed-off">A better sentence.</target>', unit)
    out.write_text(text.replace(unit, edited), encoding="utf-8")
    report = import_xliff(session, out, document_id=document.id, track="human",
                          author="boris", role=Role.REVIEWER)
    assert (report.updated, report.unchanged) == (1, 23)
    translation = session.scalars(select(Translation).where(
        Translation.segment_id == segment.id)).one()
    assert (translation.text, translation.status, translation.author) == (
        "A better sentence.", Status.REVIEWED, "boris")
    assert len(translation.revisions) == 2


def test_a_translator_cannot_bring_back_approved_units(session: Session,
                                                       tmp_path: Path) -> None:
    document = _seed(session)
    out = tmp_path / "seed.xlf"
    export_xliff(session, out, document_id=document.id, track="human", with_matches=False)
    out.write_text(out.read_text(encoding="utf-8").replace('state="translated"',
                                                           'state="final"'), encoding="utf-8")
    with pytest.raises(ForbiddenError, match="reviewer"):
        import_xliff(session, out, document_id=document.id, track="new",
                     role=Role.TRANSLATOR)


@pytest.mark.parametrize("change, reason", [
    (lambda text, s: text.replace(f"<source>{s.text}</source>",
                                  "<source>Другой текст.</source>", 1), "is not the segment's"),
    (lambda text, s: text.replace(f'id="{s.id}"', 'id="999999"', 1), "no such segment"),
    (lambda text, s: text.replace(f'id="{s.id}"', 'id="tu-7"', 1), "not one Sverka wrote"),
    (lambda text, s: text.replace('source-language="ru"', 'source-language="de"'),
     "the file is de→en"),
])
def test_a_file_that_does_not_fit_the_document_imports_nothing_and_says_which_unit(
        session: Session, tmp_path: Path, change: object, reason: str) -> None:
    document = _seed(session)
    segment = _segments(session, document)[5]
    out = tmp_path / "seed.xlf"
    export_xliff(session, out, document_id=document.id, track="human", with_matches=False)
    out.write_text(change(out.read_text(encoding="utf-8"), segment),  # type: ignore[operator]
                   encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(reason)) as refused:
        import_xliff(session, out, document_id=document.id, track="copy")
    assert "nothing imported" in str(refused.value)
    assert _track(session, document, "copy") == {}


def test_units_without_a_target_are_counted_and_change_nothing(session: Session,
                                                               tmp_path: Path) -> None:
    document = _seed(session)
    out = tmp_path / "seed.xlf"
    export_xliff(session, out, document_id=document.id, track="human", with_matches=False)
    text = re.sub(r'<target state="translated">[^<]*</target>', "", out.read_text("utf-8"),
                  count=4)
    out.write_text(text, encoding="utf-8")
    report = import_xliff(session, out, document_id=document.id, track="copy")
    assert (report.imported, report.untranslated) == (20, 4)


def test_translate_toolkit_reads_the_export_and_its_own_file_imports(
        session: Session, tmp_path: Path) -> None:
    require_module("translate")
    from translate.storage import xliff

    document = _seed(session)
    out = tmp_path / "seed.xlf"
    edit_translation(session, session.scalars(select(Translation).join(Segment).where(
        Segment.document_id == document.id).order_by(Segment.position)).first(),
                     author="anna", status=Status.APPROVED)
    export_xliff(session, out, document_id=document.id, track="human", with_matches=False)
    store = xliff.xlifffile.parsefile(str(out))
    units = [u for u in store.units if not u.isheader()]
    segments = _segments(session, document)
    assert [u.xmlelement.get("id") for u in units] == [str(s.id) for s in segments]
    assert [u.source for u in units] == [s.text for s in segments]
    human = _track(session, document, "human")
    assert [u.target for u in units] == [human[s.id][0] for s in segments]
    # translate-toolkit takes approved="yes" for done and anything else for needing review.
    assert units[0].isapproved() and units[0].get_state_n() == xliff.xliffunit.statemap["final"]
    assert {(u.isapproved(), u.get_state_n()) for u in units[1:]} == {
        (False, xliff.xliffunit.statemap["translated"])}

    theirs = xliff.xlifffile(sourcelanguage="ru", targetlanguage="en")
    for segment in segments[:3]:
        unit = theirs.addsourceunit(segment.text)
        unit.setid(str(segment.id))
        unit.target = f"Their translation of {segment.id}."
        unit.markapproved(False)
    written = tmp_path / "theirs.xlf"
    theirs.savefile(str(written))
    report = import_xliff(session, written, document_id=document.id, track="ttk")
    assert report.imported == 3
    assert [text for text, _ in _track(session, document, "ttk").values()] == [
        f"Their translation of {s.id}." for s in segments[:3]]


def test_the_command_line_exports_and_imports_with_json(tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["--data-dir", str(tmp_path / "data")]
    seed = Path(__file__).resolve().parent.parent / "corpora"
    assert runner.invoke(cli, [*base, "load-corpora", str(seed)]).exit_code == 0
    out = tmp_path / "doc.xlf"
    exported = runner.invoke(cli, [*base, "export-xliff", "1", str(out), "--track", "human",
                                   "--version", "2.0", "--json"])
    assert exported.exit_code == 0, exported.output
    assert '"units": 24' in exported.output and out.exists()
    imported = runner.invoke(cli, [*base, "import-xliff", str(out), "--document", "1",
                                   "--track", "back", "--json"])
    assert imported.exit_code == 0, imported.output
    assert '"imported": 24' in imported.output
    broken = tmp_path / "broken.xlf"
    broken.write_bytes(out.read_bytes()[:300])
    failed = runner.invoke(cli, [*base, "import-xliff", str(broken), "--document", "1",
                                 "--track", "back2"])
    assert failed.exit_code == 2 and len(failed.output.strip().splitlines()) == 1
    assert "Traceback" not in failed.output
    missing = runner.invoke(cli, [*base, "import-xliff", str(out), "--document", "999",
                                  "--track", "x"])
    assert missing.exit_code == 2 and "no document with id 999" in missing.output


def test_a_file_far_larger_than_the_document_is_refused_while_it_is_read(
        session: Session, tmp_path: Path) -> None:
    document = _seed(session)
    units = "".join(f'<trans-unit id="u{n}"><source>Текст {n}.</source></trans-unit>'
                    for n in range(24 * 4 + 101))
    out = tmp_path / "huge.xlf"
    out.write_text(f'<?xml version="1.0" encoding="UTF-8"?><xliff version="1.2" '
                   f'xmlns="{XLIFF_12_NS}"><file original="x" source-language="ru" '
                   f'target-language="en" datatype="plaintext"><body>{units}</body></file>'
                   "</xliff>", encoding="utf-8")
    with pytest.raises(InputError, match="more units than document"):
        import_xliff(session, out, document_id=document.id, track="copy")


def test_a_trados_sdlxliff_comes_back_with_its_confirmation_levels(session: Session,
                                                                    tmp_path: Path) -> None:
    document = _seed(session)
    first, second = _segments(session, document)[3:5]
    sdl = "http://sdl.com/FileTypes/SdlXliff/1.0"

    def unit(segment: Segment, target: str, conf: str) -> str:
        # Trados split the unit's text into two segments of its own (mrk mid 1 and 2).
        head, _, tail = map(escape, segment.text.partition(" "))
        return (f'<trans-unit id="{segment.id}"><source>{escape(segment.text)}</source>'
                f'<seg-source><mrk mtype="seg" mid="1">{head}</mrk> '
                f'<mrk mtype="seg" mid="2">{tail}</mrk>'
                f'</seg-source><target><mrk mtype="seg" mid="1">{target}</mrk> '
                f'<mrk mtype="seg" mid="2">(end)</mrk></target><sdl:seg-defs>'
                f'<sdl:seg id="1" conf="{conf}"/><sdl:seg id="2" conf="{conf}"/>'
                "</sdl:seg-defs></trans-unit>")

    out = tmp_path / "seed.sdlxliff"
    out.write_text(f'<?xml version="1.0" encoding="UTF-8"?><xliff version="1.2" '
                   f'xmlns="{XLIFF_12_NS}" xmlns:sdl="{sdl}"><file original="seed.xlf" '
                   'source-language="ru-RU" target-language="en-US" '
                   'datatype="x-sdlfilterframework2">'
                   f'<body>{unit(first, "Signed off.", "ApprovedSignOff")}'
                   f'{unit(second, "Drafted.", "Draft")}</body></file></xliff>',
                   encoding="utf-8")
    report = import_xliff(session, out, document_id=document.id, track="trados")
    assert report.imported == 2
    assert _track(session, document, "trados") == {
        first.id: ("Signed off. (end)", Status.APPROVED),
        second.id: ("Drafted. (end)", Status.DRAFT)}
