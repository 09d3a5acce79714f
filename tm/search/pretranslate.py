"""Pre-translation: fill a track of a document from the memories, and count match bands.

Every source segment is looked up with its neighbours as context (boilerplate too: the
memory keeps it, and it is the text that repeats most across a desk's articles); the
best match at or above ``min_score`` becomes the segment's translation in the track (origin
``tm``, the score in ``Translation.tm_score``, numbers substituted as placeables). Every
segment, filled or not, is counted in the band its best match falls in — the bands
translators are paid by — by segments and by words.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from tm.accounts.authorship import Author
from tm.documents import get_document
from tm.errors import ValidationError
from tm.models import Origin, RevisionAction, Segment, Status, Translation
from tm.search.fuzzy import fuzzy
from tm.search.normalize import tokenize, word_tokens
from tm.search.score import CONTEXT_MATCH, EXACT_MATCH
from tm.translations import add_translation, edit_translation, get_or_create_track

DEFAULT_MIN_SCORE = 90
DEFAULT_TRACK = "tm"
# The stage a pre-translation's progress names: segments looked up in the memories.
STAGE_MATCH = "match-segments"
# The bands of a CAT analysis, best first: (name, lowest score, highest score).
BANDS: tuple[tuple[str, int, int], ...] = (
    ("101%", CONTEXT_MATCH, CONTEXT_MATCH),
    ("100%", EXACT_MATCH, EXACT_MATCH),
    ("95–99%", 95, 99),
    ("85–94%", 85, 94),
    ("75–84%", 75, 84),
    ("50–74%", 50, 74),
)
NO_MATCH = "no match"
LOWEST_BAND = BANDS[-1][1]
# An exact or context match is taken as translated (still to be reviewed); a fuzzy one is a
# draft the translator must edit.
EXACT_STATUS, FUZZY_STATUS = Status.TRANSLATED, Status.DRAFT


def band(score: int | None) -> str:
    """Return the name of the band ``score`` falls in."""
    for name, low, high in BANDS:
        if score is not None and low <= score <= high:
            return name
    return NO_MATCH


def _counter() -> dict[str, int]:
    return {name: 0 for name in [*(b[0] for b in BANDS), NO_MATCH]}


@dataclass
class PretranslateReport:
    """What a pre-translation filled, and the analysis of the document by match band."""

    document_id: int
    track: str
    min_score: int
    segments: dict[str, int] = field(default_factory=_counter)
    words: dict[str, int] = field(default_factory=_counter)
    filled: int = 0
    kept: int = 0  # segments that already had a translation in the track
    boilerplate: int = 0  # of the segments counted, how many are boilerplate
    seconds: float = 0.0

    def as_dict(self) -> dict[str, object]:
        """Return a JSON-ready dict."""
        return {"document_id": self.document_id, "track": self.track,
                "min_score": self.min_score, "segments": self.segments, "words": self.words,
                "filled": self.filled, "kept": self.kept, "boilerplate": self.boilerplate,
                "seconds": round(self.seconds, 3)}


def pretranslate(session: Session, document_id: int, *, track: str = DEFAULT_TRACK,
                 min_score: int = DEFAULT_MIN_SCORE, memories: Iterable[str] | None = None,
                 author: Author = None, overwrite: bool = False,
                 progress: Callable[[str, int, int], None] | None = None
                 ) -> PretranslateReport:
    """Fill ``track`` of a document from the memories; return the band analysis.

    ``progress(STAGE_MATCH, done, total)`` is told how many segments have been looked up.
    """
    started = time.perf_counter()
    if not 1 <= min_score <= CONTEXT_MATCH:
        raise ValidationError("min-score-invalid", "minimum score {score} out of range: use "
                              "1–{max}", score=min_score, max=CONTEXT_MATCH)
    document = get_document(session, document_id)
    target = get_or_create_track(session, track, origin=Origin.TM)
    report = PretranslateReport(document.id, target.name, min_score)
    segments = list(session.scalars(select(Segment).where(Segment.document_id == document.id)
                                    .order_by(Segment.position)))
    existing = {t.segment_id: t for t in session.scalars(select(Translation).where(
        Translation.track_id == target.id,
        Translation.segment_id.in_([s.id for s in segments])))}
    names = list(memories) if memories is not None else None
    for at, segment in enumerate(segments):
        if progress is not None:
            progress(STAGE_MATCH, at, len(segments))
        report.boilerplate += segment.is_boilerplate
        before = segments[at - 1].text if at else None
        after = segments[at + 1].text if at + 1 < len(segments) else None
        matches = fuzzy(session, segment.text, src=document.src_lang, tgt=document.tgt_lang,
                        memories=names, min_score=min(min_score, LOWEST_BAND), limit=1,
                        before=before, after=after)
        best = matches[0] if matches else None
        name = band(best.score if best else None)
        report.segments[name] += 1
        report.words[name] += len(word_tokens(tokenize(segment.text)))
        if best is None or best.score < min_score:
            continue
        status = EXACT_STATUS if best.score >= EXACT_MATCH else FUZZY_STATUS
        current = existing.get(segment.id)
        if current is not None and not overwrite:
            report.kept += 1
            continue
        if current is not None:  # overwritten, the earlier text stays in its history
            edit_translation(session, current, author=author, text=best.suggestion,
                             status=status, action=RevisionAction.TM)
            current.origin, current.tm_score = Origin.TM, best.score
        else:
            translation = add_translation(session, segment, target, best.suggestion,
                                          lang=document.tgt_lang, status=status,
                                          origin=Origin.TM, author=author)
            translation.tm_score = best.score
        report.filled += 1
    session.flush()
    if progress is not None:
        progress(STAGE_MATCH, len(segments), len(segments))
    report.seconds = time.perf_counter() - started
    return report
