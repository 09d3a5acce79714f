"""Editing alignments by hand: each operation as a case table in link notation.

Notation: links separated by spaces, each ``src-tgt`` with comma-separated sentence indices,
either side may be empty (``2-`` is an unaligned source sentence, ``-3`` a target one).
"""
from __future__ import annotations

from typing import Any

import pytest

from tm.align.editing import (
    AlignLink,
    Alignment,
    apply,
    bounds,
    check,
    confirm_above,
    from_dict,
    splice,
    texts_sent,
    window,
)
from tm.errors import ValidationError

SRC = ("А.", "Б.", "В.", "Г.")
TGT = ("A.", "B.", "C.", "D.")


def parse(notation: str, score: float | None = 0.95) -> tuple[AlignLink, ...]:
    links = []
    for item in notation.split():
        src, tgt = item.split("-")
        links.append(AlignLink(tuple(int(i) for i in src.split(",") if i),
                               tuple(int(j) for j in tgt.split(",") if j), score))
    return tuple(links)


def show(alignment: Alignment) -> str:
    return " ".join(",".join(map(str, x.src)) + "-" + ",".join(map(str, x.tgt))
                    for x in alignment.links)


def make(notation: str) -> Alignment:
    alignment = Alignment(SRC, TGT, parse(notation))
    check(alignment)
    return alignment


@pytest.mark.parametrize("before, operation, after", [
    ("0-0 1-1 2-2 3-3", {"op": "merge_next", "link": 1}, "0-0 1,2-1,2 3-3"),
    ("0-0 1-1 2-2 3-3", {"op": "merge_previous", "link": 1}, "0,1-0,1 2-2 3-3"),
    ("0-0 1- -1 2-2 3-3", {"op": "merge_next", "link": 1}, "0-0 1-1 2-2 3-3"),
    ("0-0,1 1-2 2- 3-3", {"op": "shift_down", "link": 0, "side": "tgt"}, "0-0 1-1,2 2- 3-3"),
    ("0-0 1-1,2 2- 3-3", {"op": "shift_down", "link": 1, "side": "tgt"}, "0-0 1-1 2-2 3-3"),
    ("0-0 1-1 2-2,3 3-", {"op": "shift_up", "link": 3, "side": "src"}, "0-0 1-1 2,3-2,3"),
    ("0-0 1-1 2-2 3-3", {"op": "shift_up", "link": 2, "side": "tgt"}, "0-0 1-1,2 2- 3-3"),
    ("0-0 1-1 2-2 3-3", {"op": "shift_down", "link": 3, "side": "src"}, "0-0 1-1 2-2 -3 3-"),
    ("0-0 1-1 2-2 3-3", {"op": "shift_up", "link": 0, "side": "tgt"}, "-0 0- 1-1 2-2 3-3"),
    ("0-0 1,2-1,2 3-3", {"op": "unalign", "link": 1}, "0-0 1- 2- -1 -2 3-3"),
    ("0-0 1,2-1,2 3-3", {"op": "split_link", "link": 1, "src_count": 1, "tgt_count": 2},
     "0-0 1-1,2 2- 3-3"),
])
def test_operations(before: str, operation: dict[str, Any], after: str) -> None:
    assert show(apply(make(before), operation)) == after


def test_operations_leave_their_argument_alone() -> None:
    before = make("0-0 1-1 2-2 3-3")
    apply(before, {"op": "merge_next", "link": 0})
    assert show(before) == "0-0 1-1 2-2 3-3"


def test_changed_links_are_manual_and_confirmed() -> None:
    after = apply(make("0-0 1-1 2-2 3-3"), {"op": "merge_next", "link": 1})
    assert [(x.score, x.confirmed) for x in after.links] == [
        (0.95, False), (None, True), (0.95, False)]


def test_split_a_target_sentence_and_shift_its_half_down() -> None:
    alignment = Alignment(SRC, ("A.", "B. C.", "D."), parse("0-0 1,2-1 3-2"))
    split = apply(alignment, {"op": "split", "side": "tgt", "sentence": 1, "offset": 2})
    assert split.tgt == ("A.", "B.", "C.", "D.") and show(split) == "0-0 1,2-1,2 3-3"
    fixed = apply(split, {"op": "split_link", "link": 1, "src_count": 1, "tgt_count": 1})
    assert show(fixed) == "0-0 1-1 2-2 3-3"


def test_a_split_source_sentence_keeps_its_segment_key_on_both_halves() -> None:
    alignment = Alignment(("А.", "Б. В.", "Г."), TGT[:3], parse("0-0 1-1 2-2"), (10, 11, 12))
    split = apply(alignment, {"op": "split", "side": "src", "sentence": 1, "offset": 2})
    assert split.src == ("А.", "Б.", "В.", "Г.") and show(split) == "0-0 1,2-1 3-2"
    assert split.src_keys == (10, 11, 11, 12)
    assert from_dict(split.as_dict()) == split  # the keys travel through the browser
    fixed = apply(split, {"op": "shift_down", "link": 1, "side": "src"})
    assert show(fixed) == "0-0 1-1 2,3-2"


def test_edit_changes_one_sentence() -> None:
    edited = apply(make("0-0 1-1 2-2 3-3"), {"op": "edit", "side": "tgt", "sentence": 2,
                                            "text": " See. "})
    assert edited.tgt == ("A.", "B.", "See.", "D.")


def test_confirm_above_threshold_takes_two_sided_confident_links() -> None:
    links = (AlignLink((0,), (0,), 0.99), AlignLink((1,), (1,), 0.5),
             AlignLink((2,), (), 0.99), AlignLink((3,), (2, 3), None))
    result = confirm_above(Alignment(SRC, TGT, links), 0.9)
    assert [x.confirmed for x in result.links] == [True, False, False, False]


@pytest.mark.parametrize("operation, message", [
    ({"op": "merge_next", "link": 3}, "no link 4"),
    ({"op": "merge_previous", "link": 0}, "no link before"),
    ({"op": "shift_down", "link": 0, "side": "both"}, "side must be"),
    ({"op": "split", "side": "tgt", "sentence": 0, "offset": 0}, "inside the sentence"),
    ({"op": "edit", "side": "tgt", "sentence": 0, "text": " "}, "cannot be empty"),
    ({"op": "drop_table"}, "unknown operation"),
    ({"op": "split_link", "link": 1, "src_count": 1, "tgt_count": 1}, "leaving some"),
    ({"op": "merge_next", "link": "1"}, "needs link"),
    ({"op": "merge_next", "link": True}, "needs link"),
])
def test_bad_operations_are_refused(operation: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        apply(make("0-0 1-1 2-2 3-3"), operation)


@pytest.mark.parametrize("links", [
    [{"src": [0], "tgt": [0]}, {"src": [2], "tgt": [1]}],  # a gap
    [{"src": [1], "tgt": [0]}, {"src": [0], "tgt": [1]}],  # out of order
    [{"src": [], "tgt": []}, {"src": [0, 1], "tgt": [0, 1]}],  # an empty link
    [{"src": [0, 1]}],  # no tgt
])
def test_malformed_alignments_are_refused(links: list[dict[str, Any]]) -> None:
    with pytest.raises(ValidationError):
        from_dict({"src": ["А.", "Б."], "tgt": ["A.", "B."], "links": links})


def test_source_keys_must_name_every_source_sentence() -> None:
    with pytest.raises(ValidationError, match="src_keys"):
        from_dict({"src": ["А.", "Б."], "tgt": ["A."], "src_keys": [7],
                   "links": [{"src": [0, 1], "tgt": [0]}]})


def test_round_trip_through_json() -> None:
    alignment = make("0-0 1,2-1 -2 3-3")
    assert from_dict(alignment.as_dict()) == alignment


# Every kind of link beside every other: n-1, 0-1, 1-0, 1-n, with segment keys.
MIXED = Alignment(("Аа.", "Бб.", "Вв.", "Гг.", "Дд.", "Ее."),
                  ("Aa.", "Bb.", "Cc.", "Dd.", "Ee.", "Ff."),
                  parse("0-0 1,2-1 -2 3- 4-3,4 5-5"), (10, 11, 12, 13, 14, 15))


def _link_operations(alignment: Alignment) -> list[dict[str, Any]]:
    operations: list[dict[str, Any]] = []
    for i, link in enumerate(alignment.links):
        operations += [{"op": "merge_next", "link": i}, {"op": "merge_previous", "link": i},
                       {"op": "unalign", "link": i}, {"op": "confirm", "link": i, "value": True},
                       {"op": "split_link", "link": i, "src_count": min(1, len(link.src)),
                        "tgt_count": min(1, len(link.tgt))}]
        operations += [{"op": op, "link": i, "side": side}
                       for op in ("shift_up", "shift_down") for side in ("src", "tgt")]
    return operations


def _text_operations(alignment: Alignment) -> list[dict[str, Any]]:
    return [operation for side in ("src", "tgt")
            for sentence in range(len(alignment.sentences(side)))
            for operation in ({"op": "edit", "side": side, "sentence": sentence, "text": "Новое."},
                              {"op": "split", "side": side, "sentence": sentence, "offset": 1})]


def _on_window(alignment: Alignment, operation: dict[str, Any]) -> Alignment:
    """Apply ``operation`` as the browser does: to a window, spliced back in place."""
    start, stop = bounds(alignment, operation)
    part, src0, _tgt0 = window(alignment, start, stop)
    local = dict(operation)
    if "link" in local:
        local["link"] -= start
    if "sentence" in local:
        local["sentence"] -= src0 if local["side"] == "src" else _tgt0
    return splice(alignment, start, stop, apply(part, local))


@pytest.mark.parametrize("operation", [
    *_link_operations(MIXED), *_text_operations(MIXED),
    {"op": "confirm_above", "threshold": 0.9}], ids=str)
def test_an_operation_on_a_window_spliced_back_is_the_operation_on_the_whole(
        operation: dict[str, Any]) -> None:
    try:
        expected: Alignment | str = apply(MIXED, operation)
    except ValidationError as error:
        expected = str(error).split()[0]
    try:
        got: Alignment | str = _on_window(MIXED, operation)
    except ValidationError as error:
        got = str(error).split()[0]
    assert got == expected


@pytest.mark.parametrize("start, stop", [(0, 1), (1, 4), (4, 6), (0, 6), (3, 3)])
def test_a_window_spliced_back_unchanged_is_the_same_alignment(start: int, stop: int) -> None:
    part, _src0, _tgt0 = window(MIXED, start, stop)
    check(part)
    assert splice(MIXED, start, stop, part) == MIXED


def test_sentences_may_be_sent_as_their_numbers() -> None:
    data = {**MIXED.as_dict(texts=False), "src_keys": []}
    assert (data["src"], data["tgt"]) == (6, 6) and not texts_sent(data)
    merged = apply(from_dict(data), {"op": "merge_next", "link": 1})
    assert merged.links == apply(MIXED, {"op": "merge_next", "link": 1}).links
    assert merged.as_dict(texts=False)["src"] == 6
