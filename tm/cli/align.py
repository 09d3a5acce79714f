"""``sverka align``: pair the sentences of an article and its translation, with confidence."""
from __future__ import annotations

import io

import click

from tm.align import align_paragraphs
from tm.formats import LINK_FORMATS, TextLink
from tm.ingest import read_article
from tm.lang import SOURCE_LANG, TARGET_LANG, language_pair
from tm.segment import split_units


def _paragraphs(path: str, lang: str) -> list[list[str]]:
    """Sentences of each paragraph of the article in ``path``."""
    article = read_article(path)
    paragraphs = [[s.text for s in split_units(p, lang)] for p in article.paragraphs]
    return [p for p in paragraphs if p]


@click.command("align")
@click.argument("ru_file", metavar="RU_FILE")
@click.argument("en_file", metavar="EN_FILE")
@click.option("--format", "fmt", type=click.Choice(list(LINK_FORMATS)), default="tsv",
              show_default=True,
              help="tsv: score, source, target per link; json: one object; tmx: 1-1 and "
                   "merged links as translation units.")
@click.option("--src-lang", default=SOURCE_LANG, show_default=True,
              help="Language of RU_FILE.")
@click.option("--tgt-lang", default=TARGET_LANG, show_default=True,
              help="Language of EN_FILE.")
def align_command(ru_file: str, en_file: str, fmt: str, src_lang: str, tgt_lang: str) -> None:
    """Align the sentences of RU_FILE and its translation EN_FILE and print the links.

    Every sentence of both files appears in exactly one link, in order; a link
    with one side empty is a sentence without counterpart. The score (0-1) is
    the aligner's confidence in the link.
    """
    src_lang, tgt_lang = language_pair(src_lang, tgt_lang)
    src_pars = _paragraphs(ru_file, src_lang)
    tgt_pars = _paragraphs(en_file, tgt_lang)
    links = align_paragraphs(src_pars, tgt_pars, src_lang=src_lang, tgt_lang=tgt_lang)
    src = [s for p in src_pars for s in p]
    tgt = [t for p in tgt_pars for t in p]
    out = io.BytesIO()
    LINK_FORMATS[fmt](out, (TextLink.of(link, src, tgt) for link in links),
                      src_lang=src_lang, tgt_lang=tgt_lang)
    text = out.getvalue().decode("utf-8")
    click.echo(text, nl=not text.endswith("\n"))


COMMANDS = [align_command]
