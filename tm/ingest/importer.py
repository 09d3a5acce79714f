"""Store an article as a document with paragraphs and segments, and align a translation to it.

Everything happens in the caller's session and transaction: if anything fails, the caller
rolls back and nothing is written (imports are all-or-nothing). A long import reports its
progress, stage by stage, to an optional ``progress(stage, done, total)`` callback.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy.orm import Session

from tm.accounts.authorship import Author, author_user_id
from tm.align import Lexicon, Link, align_paragraphs
from tm.db import INSERT_BATCH_ROWS
from tm.errors import AlignmentError, InputError
from tm.ingest.readers import Article
from tm.ingest.script import script_mismatch, script_name
from tm.ingest.structure import Piece, iter_analysed
from tm.lang import SOURCE_LANG, TARGET_LANG, language_pair
from tm.messages import Message
from tm.models import Document, Origin, Paragraph, Segment, SegmentKind, Status
from tm.segment import split_units
from tm.translations import add_translation, get_or_create_track

# English news runs about as long as its Russian source in characters (0.9–1.2 on WMT
# news). A translation under half or over two and a half times the source is almost
# surely a different or a partial text, so the import is refused instead of misaligned.
MIN_LENGTH_RATIO = 0.5
MAX_LENGTH_RATIO = 2.5
TITLE_MAX = 500
# A title made from the text is its headline or first sentence, cut at a word near this many
# characters (what a list of documents shows on one line).
TITLE_CHARS = 120

# The stages of an import, in order, as progress reports name them: paragraphs split into
# segments, a translation's sentences aligned, its aligned translations stored (the long
# part: each one is a translation with its first revision).
STAGE_SEGMENT = "segment"
STAGE_ALIGN = "align"
STAGE_TRANSLATE = "translate"
ImportProgress = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)`` while an import runs."""


def _no_progress(_stage: str, _done: int, _total: int) -> None:
    pass

# The status an imported translation starts in, by origin: a person's or an agency's
# finished text counts as translated; machine output is a draft until someone edits it.
IMPORT_STATUS: dict[Origin, Status] = {
    Origin.HUMAN: Status.TRANSLATED,
    Origin.SUPPLIED: Status.TRANSLATED,
    Origin.MACHINE: Status.DRAFT,
    Origin.TM: Status.DRAFT,
}


@dataclass(frozen=True, slots=True)
class TranslationInput:
    """An English translation to align and store with a source article."""

    article: Article
    track: str = "human"
    origin: Origin = Origin.HUMAN
    author: Author = None  # a user who translated it in Sverka, or a name from elsewhere
    status: Status | None = None


@dataclass(slots=True)
class ImportResult:
    """What an import stored, for reports and ``--json``."""

    document: Document
    paragraphs: int = 0
    segments: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    translations: int = 0
    links: list[Link] = field(default_factory=list)
    warnings: list[Message] = field(default_factory=list)  # texts not in their script


def create_document(session: Session, article: Article, *, src_lang: str = SOURCE_LANG,
                    tgt_lang: str = TARGET_LANG, title: str | None = None, url: str | None = None,
                    published_on: dt.date | None = None, corpus_key: str | None = None,
                    author: Author = None,
                    progress: ImportProgress | None = None) -> ImportResult:
    """Store ``article`` as a new document with its paragraphs and typed segments.

    ``author`` is who imported it: a user is kept as the document's ``author_id`` (a
    document has no author text, so a plain name is not kept).
    """
    src_lang, tgt_lang = language_pair(src_lang, tgt_lang)
    report = progress or _no_progress
    paragraphs = list(article.paragraphs)
    pieces: list[list[Piece]] = []
    report(STAGE_SEGMENT, 0, len(paragraphs))
    for done, paragraph_pieces in enumerate(iter_analysed(paragraphs, src_lang), 1):
        pieces.append(paragraph_pieces)
        report(STAGE_SEGMENT, done, len(paragraphs))
    document = Document(
        title=(title or article.title or _default_title(pieces, article))[:TITLE_MAX],
        src_lang=src_lang, tgt_lang=tgt_lang, url=url or article.url,
        published_on=published_on or article.published_on,
        source_format=article.source_format, source_name=article.source_name,
        corpus_key=corpus_key, author_id=author_user_id(author))
    session.add(document)
    result = ImportResult(document=document, paragraphs=len(pieces))
    position = 0
    for par_position, (text, par_pieces) in enumerate(zip(article.paragraphs, pieces,
                                                          strict=True)):
        paragraph = Paragraph(document=document, position=par_position, text=text)
        for piece in par_pieces:
            document.segments.append(Segment(
                paragraph=paragraph, position=position, kind=piece.kind, text=piece.span.text,
                start=piece.span.start, end=piece.span.end))
            result.kinds[piece.kind.value] = result.kinds.get(piece.kind.value, 0) + 1
            position += 1
    if position == 0:
        raise InputError("article-no-sentences", "{name}: no sentences found",
                         name=article.source_name)
    result.segments = position
    session.flush()
    return result


def _default_title(pieces: list[list[Piece]], article: Article) -> str:
    """Return the headline, else the first sentence of the text, shortened to about
    ``TITLE_CHARS`` at a word; else the file's name (a headline run into the body, as in
    WMT's files, gives a sentence, not the first paragraph)."""
    sentences = [str(piece.span.text) for par in pieces for piece in par
                 if piece.kind.value in ("headline", "body")]
    headline = next((str(piece.span.text) for par in pieces for piece in par
                     if piece.kind.value == "headline"), None)
    title = shorten(headline or (sentences[0] if sentences else ""), TITLE_CHARS)
    name = Path(article.source_name).stem if article.source_name not in ("", "-") else ""
    return title or name or shorten(article.paragraphs[0], TITLE_CHARS)


def shorten(text: str, limit: int) -> str:
    """Return ``text`` cut to at most ``limit`` characters at a word, with "…" if cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    if cut < limit // 2:  # one long word: cut inside it
        cut = limit - 1
    return text[:cut].rstrip(" ,;:—–-") + "…"


def _check_lengths(source: Sequence[str], target: Sequence[str], name: str) -> None:
    src_chars, tgt_chars = sum(map(len, source)), sum(map(len, target))
    ratio = tgt_chars / src_chars
    if ratio < MIN_LENGTH_RATIO:
        raise AlignmentError("translation-too-short", "{name}: the translation is much shorter "
                             "than the source ({target} vs {source} characters); is it "
                             "complete?", name=name, target=tgt_chars, source=src_chars)
    if ratio > MAX_LENGTH_RATIO:
        raise AlignmentError("translation-too-long", "{name}: the translation is much longer "
                             "than the source ({target} vs {source} characters); is it the "
                             "same text?", name=name, target=tgt_chars, source=src_chars)


def add_aligned_translation(session: Session, result: ImportResult,
                            translation: TranslationInput, *,
                            progress: ImportProgress | None = None,
                            lexicon: Lexicon | None = None) -> ImportResult:
    """Segment ``translation``, align it to the document's segments and store the links.

    ``lexicon`` is the aligner's word translations (default: the seed lexicon), e.g.
    ``seed_lexicon().merge(memory_lexicon(session))`` to use what a memory knows.
    """
    report = progress or _no_progress
    document = result.document
    segments = document.segments
    tgt_lang = document.tgt_lang
    by_paragraph: dict[int, list[Segment]] = {}
    for segment in segments:
        by_paragraph.setdefault(segment.paragraph.position, []).append(segment)
    src_pars = [[s.text for s in by_paragraph[p]] for p in sorted(by_paragraph)]
    tgt_pars = [[s.text for s in split_units(p, tgt_lang)] for p in translation.article.paragraphs]
    tgt_pars = [p for p in tgt_pars if p]
    tgt_sentences = [s for p in tgt_pars for s in p]
    if not tgt_sentences:
        raise InputError("translation-file-empty", "{name}: the translation is empty",
                         name=translation.article.source_name)
    _check_lengths([s.text for s in segments], tgt_sentences, translation.article.source_name)

    report(STAGE_ALIGN, 0, len(tgt_sentences))
    links = align_paragraphs(src_pars, tgt_pars, src_lang=document.src_lang, tgt_lang=tgt_lang,
                             lexicon=lexicon)
    report(STAGE_ALIGN, len(tgt_sentences), len(tgt_sentences))
    track = get_or_create_track(session, translation.track, origin=translation.origin)
    status = translation.status or IMPORT_STATUS[Origin(translation.origin)]
    groups = link_groups(links, tgt_sentences)
    report(STAGE_TRANSLATE, 0, len(groups))
    for done, (src, text, score) in enumerate(groups, 1):
        add_translation(session, segments[src[0]], track, text, lang=tgt_lang, status=status,
                        origin=translation.origin, author=translation.author,
                        segment_count=len(src), align_score=round(score, 4))
        report(STAGE_TRANSLATE, done, len(groups))
    result.translations += len(groups)
    result.links = links
    session.flush()
    return result


def link_groups(links: Sequence[Link], tgt_sentences: Sequence[str]
                ) -> list[tuple[tuple[int, ...], str, float]]:
    """Turn links into (source indices, target text, score); unlinked English joins a neighbour."""
    groups: list[tuple[tuple[int, ...], list[str], float]] = []
    orphans: list[str] = []  # English sentences before the first linked Russian one
    for link in links:
        texts = [tgt_sentences[i] for i in link.tgt]
        if link.src:
            if link.tgt:
                groups.append((link.src, orphans + texts, link.score))
                orphans = []
        elif groups:
            src, previous, score = groups[-1]
            groups[-1] = (src, previous + texts, min(score, link.score))
        else:
            orphans.extend(texts)
    return [(src, " ".join(texts), score) for src, texts, score in groups]


def import_article(session: Session, article: Article, *,
                   translations: Sequence[TranslationInput] = (), src_lang: str = SOURCE_LANG,
                   tgt_lang: str = TARGET_LANG, title: str | None = None, url: str | None = None,
                   published_on: dt.date | None = None, corpus_key: str | None = None,
                   author: Author = None, progress: ImportProgress | None = None,
                   lexicon: Lexicon | None = None, strict: bool = False) -> ImportResult:
    """Store ``article`` and align and store each of its ``translations``.

    ``author`` is the user who imports it (:func:`create_document`); each translation
    keeps its own author. ``progress(stage, done, total)`` is told how far each stage
    (``STAGE_*``) has come; ``lexicon`` goes to the aligner (:func:`add_aligned_translation`).
    A text that does not look like its language (:func:`language_warnings`) is a warning
    of the result, or with ``strict`` an InputError before anything is stored.
    """
    warnings = language_warnings(article, [t.article for t in translations],
                                 src_lang=src_lang, tgt_lang=tgt_lang)
    if strict and warnings:
        raise InputError("import-refused", "refused: {reason}", reason=warnings[0])
    result = create_document(session, article, src_lang=src_lang, tgt_lang=tgt_lang,
                             title=title, url=url, published_on=published_on,
                             corpus_key=corpus_key, author=author, progress=progress)
    for translation in translations:
        add_aligned_translation(session, result, translation, progress=progress,
                                lexicon=lexicon)
    result.warnings = warnings
    return result


def language_warnings(article: Article, translations: Sequence[Article], *,
                      src_lang: str = SOURCE_LANG, tgt_lang: str = TARGET_LANG
                      ) -> list[Message]:
    """Say which of the article (in ``src_lang``) and its translations (in ``tgt_lang``) are
    written in another script than their language's: English given as the Russian article,
    or the two files swapped."""
    source = script_mismatch(article.paragraphs, src_lang)
    targets = [(t, script_mismatch(t.paragraphs, tgt_lang)) for t in translations]
    if source is not None and any(m is not None and m.found == source.expected
                                  and source.found == m.expected for _, m in targets):
        return [Message("language-swapped", "the article ({file}) and its translation look "
                        "swapped: the article is written in {found}, the translation in "
                        "{expected}", file=article.source_name,
                        found=script_name(source.found), expected=script_name(source.expected))]
    warnings = [source.message(Message("language-article", "the article ({file})",
                                       file=article.source_name))] if source else []
    warnings += [m.message(Message("language-translation", "the translation ({file})",
                                   file=t.source_name)) for t, m in targets if m]
    return warnings


def create_line_documents(session: Session, documents: Sequence[tuple[str, int]],
                          lines: Sequence[str], *, src_lang: str, tgt_lang: str,
                          source_format: str, source_name: str) -> tuple[list[Document], list[int]]:
    """Store documents whose segments are the given lines, untouched (a test set's).

    Each (title, count) of ``documents`` in turn takes the next ``count`` lines, a paragraph
    of one segment each; return the documents and the segment ids in line order. Lines go in
    a few statements: a test set brings tens of thousands.
    """
    stored = [Document(title=title, src_lang=src_lang, tgt_lang=tgt_lang,
                       source_format=source_format, source_name=source_name)
              for title, _ in documents]
    session.add_all(stored)
    session.flush()
    runs = [(document.id, count) for document, (_, count) in zip(stored, documents, strict=True)]
    return stored, _store_lines(session, runs, lines)


def _store_lines(session: Session, runs: Sequence[tuple[int, int]],
                 source: Sequence[str]) -> list[int]:
    """Insert one paragraph and one segment per line; return the segment ids in line order."""
    placed = [(document_id, position) for document_id, count in runs
              for position in range(count)]
    segment_ids: list[int] = []
    for start in range(0, len(source), INSERT_BATCH_ROWS):
        lines = source[start:start + INSERT_BATCH_ROWS]
        where = placed[start:start + INSERT_BATCH_ROWS]
        paragraph_ids = session.scalars(
            insert(Paragraph).returning(Paragraph.id, sort_by_parameter_order=True),
            [{"document_id": d, "position": p, "text": text}
             for (d, p), text in zip(where, lines, strict=True)])
        segment_ids.extend(session.scalars(
            insert(Segment).returning(Segment.id, sort_by_parameter_order=True),
            [{"document_id": d, "paragraph_id": paragraph_id, "position": p,
              "kind": SegmentKind.BODY, "text": text, "start": 0, "end": len(text)}
             for (d, p), paragraph_id, text in zip(where, paragraph_ids, lines, strict=True)]))
    return segment_ids
