"""What the fuzz tests and ``bench/fuzz.py`` share: seed files, mutations, and the targets.

A target feeds one input to Sverka and returns normally when Sverka read it or refused it
with its own error (:class:`~tm.errors.SverkaError`); anything else escapes, and so does
:class:`Hang` when one input takes longer than :data:`PER_INPUT_SECONDS`.
"""
from __future__ import annotations

import codecs
import contextlib
import signal
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.tmx_samples import tmx, tu
from tm.errors import SverkaError
from tm.formats.tmx import read_tmx
from tm.ingest.readers import read_article_bytes
from tm.memory import import_tmx
from tm.models import Memory, MemoryUnit, SearchTerms
from tm.segment import split_sentences, split_units

# One input may take this long, on a loaded two-core machine, before it counts as a hang:
# the slowest seed (an HTML page through trafilatura) takes about 30 ms when idle.
PER_INPUT_SECONDS = 10.0

_BODY = (tu("Привет, мир.", "Hello, world.")
         + tu('Нажмите <bpt i="1">{\\b </bpt>OK<ept i="1">}</ept>.', "Press OK.",
              attrs=' tuid="2" changedate="20220121T083000Z"',
              inner='<prop type="x-client">ACME</prop><note>n</note>')
         + tu("<![CDATA[a < b]]> &#1055; 😀", "&amp; &lt;"))
_TMX = tmx(_BODY)
TMX_SEEDS: tuple[bytes, ...] = (
    _TMX.encode("utf-8"),
    codecs.BOM_UTF8 + _TMX.encode("utf-8"),
    codecs.BOM_UTF16_LE + _TMX.replace("UTF-8", "UTF-16LE").encode("utf-16-le"),
    _TMX.replace("UTF-8", "UTF-16").encode("utf-16-be"),
    _TMX.replace("UTF-8", "windows-1251").replace("😀", "").encode("cp1251"),
    _TMX.replace("<tmx ", '<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n<tmx ', 1).encode("utf-8"),
    tmx(tu("Один.", "One.", lang_attr="lang", ru_lang="RU-RU"), version="1.1").encode(),
)
_PARAGRAPH = "Депутаты Европарламента одобрили новый закон о защите данных граждан. "
ARTICLE_SEEDS: tuple[tuple[bytes, str], ...] = (
    (("<!doctype html><html><head><meta charset='utf-8'><title>Заголовок</title></head>"
      "<body><nav>Меню</nav><article><p>" + _PARAGRAPH * 3 + "</p><p>" + _PARAGRAPH
      + "</p></article><script>x()</script></body></html>").encode(), "page.html"),
    (("Заголовок\n\n" + _PARAGRAPH * 4 + "\n" + _PARAGRAPH).encode("utf-8"), "a.txt"),
    (("Заголовок\n" + _PARAGRAPH * 3).encode("cp1251"), "a.txt"),
    (codecs.BOM_UTF16_LE + ("Заголовок\n" + _PARAGRAPH).encode("utf-16-le"), "a.txt"),
)
# Pieces a mutation splices in: what hostile and broken files are made of.
TOKENS: tuple[bytes, ...] = (
    b'<!DOCTYPE tmx [<!ENTITY x "y">]>', b'<!DOCTYPE html [<!ENTITY x SYSTEM "/etc/passwd">]>',
    b"<!ENTITY % p SYSTEM 'http://127.0.0.1:9/'> %p;", b"&x;", b"&nbsp;", b"&#0;",
    b"&#x110000;", b"\x00", b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"<", b">",
    b"&", b"]]>", b"<![CDATA[", b"<!--", b"-->", b"<?xml version='1.0'?>",
    b'encoding="utf-16"', b'encoding="cp1251"', b'encoding="x-nope"', b"<tu>", b"</tu>",
    b"<seg>", b"</seg>", b'<tuv xml:lang="ru">', b"</tuv>", b"<body>", b"</tmx>",
    codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, b"\r\n", b"\x85", "\u2028".encode(),
    "\u0301\u200b\ufeff".encode(), b"x" * 70_000,
)
MAX_RANDOM_BYTES = 4096


class Hang(AssertionError):
    """One input took longer than :data:`PER_INPUT_SECONDS`."""


@contextlib.contextmanager
def bounded(seconds: float = PER_INPUT_SECONDS) -> Iterator[None]:
    """Raise :class:`Hang` inside the block if it runs longer than ``seconds``."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signals reach the main thread only; Hypothesis's deadline still applies
        return

    def expire(_signum: int, _frame: FrameType | None) -> None:
        raise Hang(f"one input took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@st.composite
def mutated(draw: st.DrawFn, seeds: tuple[bytes, ...]) -> bytes:
    """A seed with a few random edits: bytes flipped, spliced, deleted, repeated, cut."""
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(("flip", "bytes", "token", "delete", "repeat", "cut")))
        at = draw(st.integers(0, len(data)))
        if kind == "flip" and at < len(data):
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "bytes":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif kind == "token":
            data[at:at] = draw(st.sampled_from(TOKENS))
        elif kind == "delete":
            del data[at:at + draw(st.integers(1, 64))]
        elif kind == "repeat":
            data[at:at] = data[at:at + draw(st.integers(1, 64))] * draw(st.integers(2, 50))
        elif kind == "cut":
            del data[at:]
    return bytes(data)


def tmx_inputs() -> st.SearchStrategy[bytes]:
    """Arbitrary bytes and mutated TMX files."""
    return st.one_of(st.binary(max_size=MAX_RANDOM_BYTES), mutated(TMX_SEEDS))


def article_inputs() -> st.SearchStrategy[tuple[bytes, str]]:
    """Arbitrary bytes and mutated articles, each with the name of its file."""
    names = st.sampled_from(("a.txt", "page.html"))
    seeds = tuple(data for data, _name in ARTICLE_SEEDS)
    return st.tuples(st.one_of(st.binary(max_size=MAX_RANDOM_BYTES), mutated(seeds)), names)


def texts() -> st.SearchStrategy[str]:
    """Arbitrary text, and article text with random characters spliced in."""
    spliced = st.tuples(st.text(max_size=40), st.sampled_from(ARTICLE_SEEDS[1:2]),
                        st.integers(0, 400)).map(
        lambda t: (lambda s: s[:t[2]] + t[0] + s[t[2]:])(t[1][0].decode("utf-8")))
    return st.one_of(st.text(max_size=2000), spliced)


def read_tmx_bytes(data: bytes) -> None:
    """Read every unit of a TMX file holding ``data``; Sverka's refusal is fine."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.tmx"
        path.write_bytes(data)
        with bounded():
            for errors in ("strict", "replace"):
                try:
                    for unit in read_tmx(path, errors=errors).units():
                        assert all(isinstance(v.text, str) for v in unit.variants)
                except SverkaError:
                    pass


def read_article(data: bytes, name: str) -> None:
    """Read an article from ``data``; Sverka's refusal is fine, and so is no text."""
    with bounded():
        try:
            article = read_article_bytes(data, name)
        except SverkaError:
            return
    assert all(p and p == p.strip() for p in article.paragraphs)


def segment(text: str) -> None:
    """Segment ``text`` as an import does; every span is an exact, trimmed slice."""
    with bounded():
        for lang in ("ru", "en", "de"):
            for spans in (split_sentences(text, lang), split_units(text, lang)):
                end = 0
                for span in spans:
                    assert end <= span.start < span.end <= len(text)
                    assert text[span.start:span.end] == span.text == span.text.strip()
                    end = span.end


def counts(session: Session) -> tuple[int, int, int]:
    """Return the numbers of memories, units and search terms stored."""
    return tuple(session.scalar(select(func.count()).select_from(model)) or 0  # type: ignore[return-value]
                 for model in (Memory, MemoryUnit, SearchTerms))


def import_refused_changes_nothing(session: Session, data: bytes) -> bool:
    """Import ``data`` as TMX in a savepoint; if refused, check nothing changed; undo it
    either way. Return whether the file was refused."""
    before = counts(session)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.tmx"
        path.write_bytes(data)
        nested = session.begin_nested()
        refused = False
        try:
            with bounded():
                import_tmx(session, path, memory="fuzz", parallel=False)
        except SverkaError:
            refused = True
        finally:
            nested.rollback()
        assert sorted(p.name for p in Path(folder).iterdir()) == ["in.tmx"]
    assert counts(session) == before
    return refused
