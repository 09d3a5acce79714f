"""``sverka align``: pair the sentences of an article and its translation, with confidence."""
from __future__ import annotations

import io
import json
from collections.abc import Sequence

import click

from tm.align import Link, align_paragraphs
from tm.formats.tmx import Meta, TmxUnit, TmxWriter, Variant
from tm.ingest import read_article
from tm.lang import normalize_lang
from tm.segment import split_units

FORMATS = ("tsv", "json", "tmx")


def _paragraphs(path: str, lang: str) -> list[list[str]]:
    """Sentences of each paragraph of the article in ``path``."""
    article = read_article(path)
    paragraphs = [[s.text for s in split_units(p, lang)] for p in article.paragraphs]
    return [p for p in paragraphs if p]


def _texts(sentences: Sequence[str], indices: Sequence[int]) -> str:
    return " ".join(sentences[i] for i in indices)


def _tsv(links: list[Link], src: list[str], tgt: list[str]) -> str:
    lines = []
    for link in links:
        cells = (f"{link.score:.3f}", _texts(src, link.src), _texts(tgt, link.tgt))
        lines.append("\t".join(c.replace("\t", " ") for c in cells))
    return "\n".join(lines)


def _json(links: list[Link], src: list[str], tgt: list[str], src_lang: str,
          tgt_lang: str) -> str:
    data = {
        "src_lang": src_lang,
        "tgt_lang": tgt_lang,
        "links": [{"src": list(x.src), "tgt": list(x.tgt), "score": round(x.score, 4),
                   "src_text": _texts(src, x.src), "tgt_text": _texts(tgt, x.tgt)}
                  for x in links],
    }
    return json.dumps(data, ensure_ascii=False, indent=1)


def _tmx(links: list[Link], src: list[str], tgt: list[str], src_lang: str,
         tgt_lang: str) -> str:
    """Links with sentences on both sides as TMX units (the score as a prop)."""
    out = io.BytesIO()
    with TmxWriter(out, srclang=src_lang) as writer:
        for link in links:
            if not link.src or not link.tgt:
                continue
            writer.write(TmxUnit(
                variants=(Variant(lang=src_lang, raw_lang=src_lang, text=_texts(src, link.src)),
                          Variant(lang=tgt_lang, raw_lang=tgt_lang, text=_texts(tgt, link.tgt))),
                meta=(Meta(kind="prop", type="x-align-score", text=f"{link.score:.4f}"),)))
    return out.getvalue().decode("utf-8")


@click.command("align")
@click.argument("ru_file", metavar="RU_FILE")
@click.argument("en_file", metavar="EN_FILE")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="tsv", show_default=True,
              help="tsv: score, source, target per link; json: one object; tmx: 1-1 and "
                   "merged links as translation units.")
@click.option("--src-lang", default="ru", show_default=True, help="Language of RU_FILE.")
@click.option("--tgt-lang", default="en", show_default=True, help="Language of EN_FILE.")
def align_command(ru_file: str, en_file: str, fmt: str, src_lang: str, tgt_lang: str) -> None:
    """Align the sentences of RU_FILE and its translation EN_FILE and print the links.

    Every sentence of both files appears in exactly one link, in order; a link
    with one side empty is a sentence without counterpart. The score (0-1) is
    the aligner's confidence in the link.
    """
    src_lang, tgt_lang = normalize_lang(src_lang), normalize_lang(tgt_lang)
    src_pars = _paragraphs(ru_file, src_lang)
    tgt_pars = _paragraphs(en_file, tgt_lang)
    links = align_paragraphs(src_pars, tgt_pars, src_lang=src_lang, tgt_lang=tgt_lang)
    src = [s for p in src_pars for s in p]
    tgt = [t for p in tgt_pars for t in p]
    if fmt == "tsv":
        text = _tsv(links, src, tgt)
    elif fmt == "json":
        text = _json(links, src, tgt, src_lang, tgt_lang)
    else:
        text = _tmx(links, src, tgt, src_lang, tgt_lang)
    click.echo(text, nl=not text.endswith("\n"))


COMMANDS = [align_command]
