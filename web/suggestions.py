"""The editor's memory matches: fuzzy matches for a unit, explained for the side panel.

The lookup is :func:`tm.search.fuzzy`; this module only chooses what to ask (the unit's
source, its neighbours as context) and adds what the panel shows in the UI language: the
memory source marked against the segment, the date and placeable notes.
"""
from __future__ import annotations

from typing import Any

from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from tm.diff import changes
from tm.documents import segment_context
from tm.models import Segment
from tm.search import Match, fuzzy
from tm.search.placeables import Placeable
from tm.search.score import CONTEXT_MATCH
from web.labels import status_label

# Enough for a side panel; more is noise a translator will not read.
PANEL_LIMIT = 5
IDENTICAL = 100
# The most segments of a unit a lookup reads (``?count=``; more are clamped): a unit that
# long is kilobytes of text no memory unit matches, and a request cannot ask for more work.
MAX_UNIT_SEGMENTS = 100


def score_label(score: int) -> str:
    """Return what kind of match a percentage is, in the UI language."""
    if score >= CONTEXT_MATCH:
        return str(_("context match: identical, and so are the sentences around it"))
    if score == IDENTICAL:
        return str(_("exact match"))
    return str(_("fuzzy match: check the marked words"))


def placeable_note(placeable: Placeable) -> str:
    """Return what became of a differing number, in the UI language."""
    if placeable.substituted:
        return str(_("number %(old)s replaced with %(new)s", old=placeable.source,
                     new=placeable.query))
    return str(_("number %(old)s differs from %(new)s and was not replaced: check it",
                 old=placeable.source, new=placeable.query))


def match_json(match: Match, text: str) -> dict[str, Any]:
    """Return a match as the panel shows it, ``source_diff`` marking the memory source.

    ``source_diff`` is the match's own diff (``match.diff``) as runs of text: ``delete`` marks
    words only the memory source has and ``insert`` words only the segment has, the edit
    that turns the remembered sentence into this one. It replaces ``diff``: one diff a match.
    """
    provenance = match.provenance
    fields = {k: v for k, v in match.as_dict().items() if k != "diff"}
    marked = changes(match.diff, query=text, source=match.source)
    return {**fields, "score_label": score_label(match.score),
            "source_diff": [c.as_dict() for c in marked],
            "date_label": format_datetime(provenance.date, "short") if provenance.date else None,
            "status_label": status_label(provenance.status.value) if provenance.status else None,
            "notes": [{"text": placeable_note(p), "detail": p.note,
                       "substituted": p.substituted} for p in match.placeables]}


def suggestions(session: Session, segment: Segment, *, count: int = 1,
                exclude_translation: int | None = None,
                limit: int = PANEL_LIMIT) -> list[dict[str, Any]]:
    """Return the best memory matches for a unit, its own translation left out."""
    document = segment.document
    context = segment_context(session, segment, count=max(1, min(count, MAX_UNIT_SEGMENTS)))
    # One more than shown: the unit's own translation, once approved, is in the memory too.
    matches = fuzzy(session, context.text, src=document.src_lang, tgt=document.tgt_lang,
                    limit=limit + 1, before=context.before, after=context.after)
    kept = [m for m in matches if exclude_translation is None
            or m.provenance.translation_id != exclude_translation]
    return [match_json(m, context.text) for m in kept[:limit]]
