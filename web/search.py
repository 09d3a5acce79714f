"""JSON API of the memory lookup: fuzzy matches, matches for a segment, concordance.

* ``GET /api/search?q=&min=&limit=&memory=&src=&tgt=&before=&after=`` — fuzzy matches
* ``GET /api/segments/<id>/matches?min=&limit=&memory=`` — matches for a segment, its
  neighbours as context (a context match scores 101)
* ``GET /api/search/concordance?q=&target=1&page=&per_page=&memory=&exact=1`` — concordance
"""
from __future__ import annotations

import time

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue

from tm.documents import get_segment, segment_context
from tm.errors import InputError
from tm.lang import SOURCE_LANG, TARGET_LANG
from tm.models import Role
from tm.search import fuzzy
from tm.search.concordance import DEFAULT_PER_PAGE, concordance
from tm.search.fuzzy import DEFAULT_LIMIT, DEFAULT_MIN_SCORE
from web.access import requires
from web.db import get_session

bp = Blueprint("search", __name__)
# Longest query accepted: a sentence, not a document.
MAX_QUERY = 2000


def _query(name: str = "q") -> str:
    text = request.args.get(name, "").strip()
    if not text:
        raise InputError("search-text-param-missing", "give the text to look for as ?{name}=",
                         name=name)
    if len(text) > MAX_QUERY:
        raise InputError("search-text-too-long", "look for at most {max} characters",
                         max=MAX_QUERY)
    return text


def _memories() -> list[str] | None:
    return request.args.getlist("memory") or None


def _lookup(text: str, *, src: str, tgt: str, before: str | None,
            after: str | None) -> ResponseReturnValue:
    started = time.perf_counter()
    matches = fuzzy(get_session(), text, src=src, tgt=tgt, memories=_memories(),
                    min_score=request.args.get("min", DEFAULT_MIN_SCORE, type=int),
                    limit=min(50, request.args.get("limit", DEFAULT_LIMIT, type=int)),
                    before=before, after=after)
    return jsonify({"query": text, "ms": round((time.perf_counter() - started) * 1000, 2),
                    "matches": [m.as_dict() for m in matches]})


@bp.get("/api/search")
@requires(Role.VIEWER)
def api_search() -> ResponseReturnValue:
    """Return the best memory matches for ``?q=``."""
    return _lookup(_query(), src=request.args.get("src", SOURCE_LANG),
                   tgt=request.args.get("tgt", TARGET_LANG), before=request.args.get("before"),
                   after=request.args.get("after"))


@bp.get("/api/segments/<int:segment_id>/matches")
@requires(Role.VIEWER)
def api_segment_matches(segment_id: int) -> ResponseReturnValue:
    """Return the memory matches for a segment, with its neighbours as context."""
    session = get_session()
    segment = get_segment(session, segment_id)
    context = segment_context(session, segment)
    return _lookup(context.text, src=segment.document.src_lang, tgt=segment.document.tgt_lang,
                   before=context.before, after=context.after)


@bp.get("/api/search/concordance")
@requires(Role.VIEWER)
def api_concordance() -> ResponseReturnValue:
    """Return one page of concordance hits for ``?q=`` in sources (``target=1``: targets)."""
    page = concordance(get_session(), _query(), target=request.args.get("target") == "1",
                       src=request.args.get("src", SOURCE_LANG),
                       tgt=request.args.get("tgt", TARGET_LANG),
                       memories=_memories(), page=request.args.get("page", 1, type=int),
                       per_page=request.args.get("per_page", DEFAULT_PER_PAGE, type=int),
                       morphology=request.args.get("exact") != "1")
    return jsonify(page.as_dict())
