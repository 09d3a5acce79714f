"""Editing an alignment by hand: pure operations on links, each returning a new alignment.

An :class:`Alignment` holds the source and target sentences and the links between them;
links cover every sentence of both sides exactly once, in order. Operations never change
their argument, so undo and redo are a matter of keeping the earlier values. The browser
sends an alignment and one operation; :func:`apply` checks both and returns the result.

The browser does not send the whole alignment (≈1.5 MB at 5,000 links), only a *window*:
a run of links around the one the operation names, numbered from 0, as an alignment of its
own (:func:`window`). Every operation reads and writes only its link and the links
:data:`NEIGHBOURS` away on each side (a sentence-level one, only the sentence's link), so
its result on the window, put back in place (:func:`splice`), is its result on the whole
alignment; the tests check that for every operation. Operations that do not read the
sentences' texts may be sent their numbers instead (``"src": 3``), and get numbers back.

An alignment read from storage also carries ``src_keys``, the stored segment each source
sentence belongs to; splitting a source sentence gives both halves the same key, which is
how saving knows to split that segment (:func:`tm.align.store.save_alignment`).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from tm.errors import ValidationError

# A side of an alignment: its source or its target sentences.
Side = Literal["src", "tgt"]
SIDES: tuple[Side, Side] = ("src", "tgt")
# Links the aligner is at least this sure of are shown as confident and can be confirmed
# in bulk; below LOW_CONFIDENCE they are flagged for a look.
HIGH_CONFIDENCE = 0.9
LOW_CONFIDENCE = 0.6


@dataclass(frozen=True, slots=True)
class AlignLink:
    """Source sentences ↔ target sentences; ``score`` is None for a link made by hand."""

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float | None = None
    confirmed: bool = False

    def side(self, name: Side) -> tuple[int, ...]:
        """Return the sentence indices of side ``name`` (src or tgt)."""
        return self.src if name == "src" else self.tgt

    def with_side(self, name: Side, indices: tuple[int, ...]) -> AlignLink:
        """Return this link with side ``name`` replaced, as a manual, confirmed link."""
        changed = replace(self, src=indices) if name == "src" else replace(self, tgt=indices)
        return replace(changed, score=None, confirmed=True)


@dataclass(frozen=True, slots=True)
class Alignment:
    """Sentences of both sides and the links between them, in order.

    ``src_keys`` is empty or, per source sentence, the id of the stored segment it is (or,
    after a split, is part of).
    """

    src: tuple[str, ...]
    tgt: tuple[str, ...]
    links: tuple[AlignLink, ...]
    src_keys: tuple[int, ...] = ()

    def sentences(self, side: Side) -> tuple[str, ...]:
        """Return the sentences of side ``side``."""
        return self.src if side == "src" else self.tgt

    def with_sentences(self, side: Side, texts: tuple[str, ...]) -> Alignment:
        """Return this alignment with the sentences of ``side`` replaced."""
        return replace(self, src=texts) if side == "src" else replace(self, tgt=texts)

    def as_dict(self, *, texts: bool = True) -> dict[str, Any]:
        """Return a JSON-ready dict; without ``texts``, the numbers of sentences only."""
        return {"src": list(self.src) if texts else len(self.src),
                "tgt": list(self.tgt) if texts else len(self.tgt),
                "links": [{"src": list(x.src), "tgt": list(x.tgt), "score": x.score,
                           "confirmed": x.confirmed} for x in self.links],
                "src_keys": list(self.src_keys)}


def texts_sent(data: Any) -> bool:
    """Tell whether an alignment in JSON has its sentences' texts, not just their numbers."""
    return not (isinstance(data, dict) and isinstance(data.get("src"), int))


def _texts(value: Any) -> tuple[str, ...]:
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise ValueError("a number of sentences cannot be negative")
        return ("",) * value  # only their number was sent
    return tuple(str(s) for s in value)


def from_dict(data: Any) -> Alignment:
    """Build an alignment from JSON, refusing anything malformed.

    ``src`` and ``tgt`` are the sentences, or their numbers (the texts are then empty).
    """
    try:
        src, tgt = _texts(data["src"]), _texts(data["tgt"])
        links = tuple(AlignLink(src=tuple(int(i) for i in x["src"]),
                                tgt=tuple(int(j) for j in x["tgt"]),
                                score=None if x.get("score") is None else float(x["score"]),
                                confirmed=bool(x.get("confirmed", False)))
                      for x in data["links"])
        src_keys = tuple(int(k) for k in data.get("src_keys") or ())
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise ValidationError("alignment-invalid", "not an alignment: {reason}",
                              reason=str(error)) from error
    alignment = Alignment(src, tgt, links, src_keys)
    check(alignment)
    return alignment


def check(alignment: Alignment) -> None:
    """Raise ValidationError unless links cover both sides once, in order, without gaps."""
    for side in SIDES:
        flat = [i for link in alignment.links for i in link.side(side)]
        if flat != list(range(len(alignment.sentences(side)))):
            raise ValidationError("alignment-links-uncovered",
                                  "the links do not cover the {side} sentences once, in order",
                                  side=side)
    if any(not link.src and not link.tgt for link in alignment.links):
        raise ValidationError("alignment-link-empty", "a link has no sentences")
    if alignment.src_keys and len(alignment.src_keys) != len(alignment.src):
        raise ValidationError("alignment-keys-incomplete",
                              "src_keys must name the segment of every source sentence")


def _link(alignment: Alignment, index: int) -> AlignLink:
    if not 0 <= index < len(alignment.links):
        raise ValidationError("alignment-link-missing", "no link {index}", index=index)
    return alignment.links[index]


def _side(side: str) -> Side:
    if side not in SIDES:
        raise ValidationError("alignment-side-invalid", "side must be src or tgt, not {side!r}",
                              side=side)
    return side


def _with_links(alignment: Alignment, links: Sequence[AlignLink]) -> Alignment:
    return replace(alignment, links=tuple(x for x in links if x.src or x.tgt))


def merge_next(alignment: Alignment, index: int) -> Alignment:
    """Join link ``index`` with the link after it."""
    first, second = _link(alignment, index), _link(alignment, index + 1)
    merged = AlignLink(first.src + second.src, first.tgt + second.tgt, None, True)
    links = list(alignment.links)
    links[index:index + 2] = [merged]
    return _with_links(alignment, links)


def merge_previous(alignment: Alignment, index: int) -> Alignment:
    """Join link ``index`` with the link before it."""
    if index <= 0:
        raise ValidationError("alignment-link-first", "the first link has no link before it")
    return merge_next(alignment, index - 1)


def shift_down(alignment: Alignment, index: int, side: Side) -> Alignment:
    """Move the last sentence of ``side`` in link ``index`` into the next link."""
    link, side = _link(alignment, index), _side(side)
    if not link.side(side):
        raise ValidationError("alignment-nothing-to-move",
                              "link {index} has no {side} sentence to move",
                              index=index, side=side)
    moved = link.side(side)[-1]
    links = list(alignment.links)
    links[index] = link.with_side(side, link.side(side)[:-1])
    if index + 1 < len(links):
        after = links[index + 1]
        links[index + 1] = after.with_side(side, (moved, *after.side(side)))
    else:
        links.append(AlignLink((moved,) if side == "src" else (),
                               (moved,) if side == "tgt" else (), None, True))
    return _with_links(alignment, links)


def shift_up(alignment: Alignment, index: int, side: Side) -> Alignment:
    """Move the first sentence of ``side`` in link ``index`` into the previous link."""
    link, side = _link(alignment, index), _side(side)
    if not link.side(side):
        raise ValidationError("alignment-nothing-to-move",
                              "link {index} has no {side} sentence to move",
                              index=index, side=side)
    moved = link.side(side)[0]
    links = list(alignment.links)
    links[index] = link.with_side(side, link.side(side)[1:])
    if index > 0:
        before = links[index - 1]
        links[index - 1] = before.with_side(side, (*before.side(side), moved))
    else:
        links.insert(0, AlignLink((moved,) if side == "src" else (),
                                  (moved,) if side == "tgt" else (), None, True))
    return _with_links(alignment, links)


def split_link(alignment: Alignment, index: int, src_count: int, tgt_count: int) -> Alignment:
    """Cut link ``index`` in two: its first ``src_count`` and ``tgt_count`` sentences, the rest."""
    link = _link(alignment, index)
    if not (0 <= src_count <= len(link.src) and 0 <= tgt_count <= len(link.tgt)):
        raise ValidationError("alignment-split-too-far", "link {index} has not that many sentences",
                              index=index)
    first = AlignLink(link.src[:src_count], link.tgt[:tgt_count], None, True)
    second = AlignLink(link.src[src_count:], link.tgt[tgt_count:], None, True)
    if not (first.src or first.tgt) or not (second.src or second.tgt):
        raise ValidationError("alignment-split-one-sided",
                              "cut between sentences, leaving some on each part")
    links = list(alignment.links)
    links[index:index + 1] = [first, second]
    return _with_links(alignment, links)


def unalign(alignment: Alignment, index: int) -> Alignment:
    """Break link ``index`` into unaligned sentences: each source, then each target, alone."""
    link = _link(alignment, index)
    alone = [AlignLink((i,), (), None, True) for i in link.src] + [
        AlignLink((), (j,), None, True) for j in link.tgt]
    links = list(alignment.links)
    links[index:index + 1] = alone
    return _with_links(alignment, links)


def edit(alignment: Alignment, side: Side, sentence: int, text: str) -> Alignment:
    """Replace the text of one sentence."""
    side = _side(side)
    texts = list(alignment.sentences(side))
    if not 0 <= sentence < len(texts):
        raise ValidationError("alignment-sentence-missing", "no {side} sentence {sentence}",
                              side=side, sentence=sentence)
    if not text.strip():
        raise ValidationError("alignment-sentence-empty",
                              "a sentence cannot be empty; mark it unaligned instead")
    texts[sentence] = text.strip()
    return alignment.with_sentences(side, tuple(texts))


def split(alignment: Alignment, side: Side, sentence: int, offset: int) -> Alignment:
    """Split a sentence in two at character ``offset``; both halves stay in its link.

    A split source sentence keeps its key on both halves: saving splits the stored segment.
    """
    side = _side(side)
    texts = list(alignment.sentences(side))
    if not 0 <= sentence < len(texts):
        raise ValidationError("alignment-sentence-missing", "no {side} sentence {sentence}",
                              side=side, sentence=sentence)
    head, tail = texts[sentence][:offset].strip(), texts[sentence][offset:].strip()
    if not head or not tail:
        raise ValidationError("alignment-split-at-edge",
                              "split inside the sentence, not at its start or end")
    texts[sentence:sentence + 1] = [head, tail]

    def renumber(indices: tuple[int, ...]) -> tuple[int, ...]:
        out: list[int] = []
        for i in indices:
            out.extend([i, i + 1] if i == sentence else [i + 1 if i > sentence else i])
        return tuple(out)

    def moved(link: AlignLink) -> AlignLink:
        indices = renumber(link.side(side))
        if sentence in link.side(side):
            return link.with_side(side, indices)  # the split link becomes a manual one
        return replace(link, src=indices) if side == "src" else replace(link, tgt=indices)

    links = tuple(moved(x) for x in alignment.links)
    keys = alignment.src_keys
    if side == "src" and keys:
        keys = (*keys[:sentence + 1], *keys[sentence:])
    return replace(alignment.with_sentences(side, tuple(texts)), links=links, src_keys=keys)


def confirm(alignment: Alignment, index: int, value: bool = True) -> Alignment:
    """Mark link ``index`` as checked by a person (or not)."""
    links = list(alignment.links)
    links[index] = replace(_link(alignment, index), confirmed=value)
    return replace(alignment, links=tuple(links))


def confirm_above(alignment: Alignment, threshold: float) -> Alignment:
    """Confirm every two-sided link the aligner scored at least ``threshold``."""
    return replace(alignment, links=tuple(
        replace(x, confirmed=True)
        if x.src and x.tgt and x.score is not None and x.score >= threshold else x
        for x in alignment.links))


OPERATIONS: dict[str, Callable[..., Alignment]] = {
    "merge_next": merge_next, "merge_previous": merge_previous, "shift_up": shift_up,
    "shift_down": shift_down, "split_link": split_link, "unalign": unalign, "edit": edit,
    "split": split, "confirm": confirm, "confirm_above": confirm_above,
}
# The arguments each operation takes from the request, and their types.
ARGUMENTS: dict[str, tuple[tuple[str, type], ...]] = {
    "merge_next": (("link", int),), "merge_previous": (("link", int),),
    "shift_up": (("link", int), ("side", str)), "shift_down": (("link", int), ("side", str)),
    "split_link": (("link", int), ("src_count", int), ("tgt_count", int)),
    "unalign": (("link", int),), "edit": (("side", str), ("sentence", int), ("text", str)),
    "split": (("side", str), ("sentence", int), ("offset", int)),
    "confirm": (("link", int), ("value", bool)), "confirm_above": (("threshold", float),),
}


# How many links on each side of its link an operation may read or change: merging and
# shifting reach the next or the previous link, nothing reaches further.
NEIGHBOURS = 1
# Operations that read or change the sentences' texts (the others see only their numbers).
TEXT_OPERATIONS = frozenset({"edit", "split"})


def bounds(alignment: Alignment, operation: dict[str, Any]) -> tuple[int, int]:
    """Return the run of links ``[start, stop)`` that ``operation`` reads and changes."""
    count = len(alignment.links)
    if operation.get("op") == "confirm_above":
        return 0, count
    if operation.get("op") in TEXT_OPERATIONS:
        side, sentence = _side(str(operation.get("side"))), operation.get("sentence")
        at = next((i for i, x in enumerate(alignment.links) if sentence in x.side(side)), None)
        if at is None:
            raise ValidationError("alignment-sentence-missing", "no {side} sentence {sentence}",
                                  side=side, sentence=sentence)
        return at, at + 1
    link = operation.get("link")
    if not isinstance(link, int) or isinstance(link, bool):
        raise ValidationError("alignment-argument-invalid", "{operation} needs {argument} ({kind})",
                              operation=operation.get("op"), argument="link", kind="int")
    return max(0, link - NEIGHBOURS), min(count, link + NEIGHBOURS + 1)


def window(alignment: Alignment, start: int, stop: int) -> tuple[Alignment, int, int]:
    """Return links ``[start, stop)`` as an alignment of their own, sentences numbered from 0.

    Also return where its source and target sentences start in ``alignment``: links cover
    the sentences in order, so a run of links covers a run of sentences.
    """
    links = alignment.links[start:stop]
    src0 = sum(len(x.src) for x in alignment.links[:start])
    tgt0 = sum(len(x.tgt) for x in alignment.links[:start])
    src1 = src0 + sum(len(x.src) for x in links)
    tgt1 = tgt0 + sum(len(x.tgt) for x in links)
    return Alignment(alignment.src[src0:src1], alignment.tgt[tgt0:tgt1],
                     tuple(_moved(x, -src0, -tgt0) for x in links),
                     alignment.src_keys[src0:src1]), src0, tgt0


def splice(alignment: Alignment, start: int, stop: int, result: Alignment) -> Alignment:
    """Put ``result``, an operation's result on :func:`window` ``(start, stop)``, in place."""
    part, src0, tgt0 = window(alignment, start, stop)
    grown_src, grown_tgt = len(result.src) - len(part.src), len(result.tgt) - len(part.tgt)
    links = (*alignment.links[:start], *(_moved(x, src0, tgt0) for x in result.links),
             *(_moved(x, grown_src, grown_tgt) for x in alignment.links[stop:]))
    src1, tgt1 = src0 + len(part.src), tgt0 + len(part.tgt)
    keys = alignment.src_keys and (
        *alignment.src_keys[:src0], *result.src_keys, *alignment.src_keys[src1:])
    return Alignment((*alignment.src[:src0], *result.src, *alignment.src[src1:]),
                     (*alignment.tgt[:tgt0], *result.tgt, *alignment.tgt[tgt1:]),
                     links, tuple(keys))


def _moved(link: AlignLink, by_src: int, by_tgt: int) -> AlignLink:
    if not by_src and not by_tgt:
        return link
    return replace(link, src=tuple(i + by_src for i in link.src),
                   tgt=tuple(j + by_tgt for j in link.tgt))


def apply(alignment: Alignment, operation: dict[str, Any]) -> Alignment:
    """Apply one operation given as ``{"op": name, …arguments}``; the result is checked."""
    name = operation.get("op")
    if name not in OPERATIONS:
        raise ValidationError("alignment-operation-unknown", "unknown operation {name!r}",
                              name=name)
    args = []
    for key, kind in ARGUMENTS[name]:
        value = operation.get(key)
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ValidationError("alignment-argument-invalid",
                                  "{operation} needs {argument} ({kind})",
                                  operation=name, argument=key, kind=kind.__name__)
        args.append(value)
    result = OPERATIONS[name](alignment, *args)
    check(result)
    return result
