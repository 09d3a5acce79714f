"""TER's edit statistic: sacrebleu's algorithm (``lib_ter``) step for step, in fewer Python steps.

sacrebleu's TER re-implements Tercom in pure Python, and its beam edit distance is nine
tenths of a scoring run. This module runs the same algorithm — the same beam around the
diagonal, the same shift candidates in the same order, the same limits (shift size and
distance, 1,000 candidates) and the same preferences between equal edits — so every segment
gets exactly sacrebleu's number of edits, with less work per step:

- words are compared as small integers;
- the matrix keeps costs only; the operation of a cell (which sacrebleu stores in every
  cell) follows from the costs around it by sacrebleu's own preference order, so it is
  worked out only along the one path a trace follows, and only when a trace is needed
  (once per shift round, not for each of the candidates);
- shift candidates are found from where each hypothesis word occurs in the reference
  instead of by comparing every pair of positions.

Why the costs are sacrebleu's: a sacrebleu cell starts at infinity (1e16) and takes each of
(match or substitution, deletion, insertion) that is strictly cheaper, so its value is the
minimum of infinity and the three; here it is the minimum of the three. Cells outside the
beam are infinite in both, a finite value only ever comes from finite neighbours, so by
induction over the matrix every finite cell is equal and every other cell is at least
infinity in both. The operation sacrebleu stores is the first strictly cheaper candidate
in that order, which ``trace`` recomputes from the same (equal) neighbours; the trace only
visits finite cells. Shift candidates compare (gain, length, -start, -target) and then the
shifted words, which those four determine, so dropping the words changes no choice.

Anything the fast path does not expect (the final cell left unreached by the beam) is
handed to sacrebleu's own code. ``tests/test_scoring_ter.py`` checks equality on every
segment of the WMT21 ru-en test set, for all ten systems.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from sacrebleu.metrics import lib_ter as sacrebleu_ter
from sacrebleu.metrics.ter import TER

# sacrebleu's limits and costs, taken from it so the two cannot drift apart.
BEAM_WIDTH: int = sacrebleu_ter._BEAM_WIDTH
MAX_SHIFT_SIZE: int = sacrebleu_ter._MAX_SHIFT_SIZE
MAX_SHIFT_DIST: int = sacrebleu_ter._MAX_SHIFT_DIST
MAX_SHIFT_CANDIDATES: int = sacrebleu_ter._MAX_SHIFT_CANDIDATES
MAX_CACHE_SIZE: int = sacrebleu_ter._MAX_CACHE_SIZE
INFINITY: int = sacrebleu_ter._INT_INFINITY
OP_NOP, OP_SUB = sacrebleu_ter._OP_NOP, sacrebleu_ter._OP_SUB
OP_INS, OP_DEL = sacrebleu_ter._OP_INS, sacrebleu_ter._OP_DEL
assert (sacrebleu_ter._COST_INS, sacrebleu_ter._COST_DEL, sacrebleu_ter._COST_SUB) == (1, 1, 1), \
    "the cost rows below assume sacrebleu's unit costs"


class _Unexpected(Exception):
    """The beam left the final cell unreached: sacrebleu's own code decides what happens."""


class _BeamEditDistance:
    """sacrebleu's ``BeamEditDistance`` for hypotheses of one length, costs only.

    Rows of the matrix are cached in a trie keyed by hypothesis words, as sacrebleu does:
    a shifted hypothesis recomputes only the rows after its first changed word.
    """

    __slots__ = ("_ref", "_m", "_bounds", "_initial", "_cache", "_cache_size")

    def __init__(self, ref: list[int], n_hyp: int) -> None:
        self._ref = ref
        m = self._m = len(ref)
        # The beam exactly as sacrebleu computes it (the same float arithmetic).
        length_ratio = m / n_hyp if n_hyp else 1
        width = (math.ceil(length_ratio / 2 + BEAM_WIDTH) if BEAM_WIDTH < length_ratio / 2
                 else BEAM_WIDTH)
        bounds = [(0, 0)]
        for i in range(1, n_hyp + 1):
            diagonal = math.floor(i * length_ratio)
            high = m + 1 if i == n_hyp else min(m + 1, diagonal + width)
            bounds.append((max(0, diagonal - width), high))
        self._bounds = bounds
        self._initial = list(range(m + 1))  # row 0: one insertion per reference word
        self._cache: dict[int, tuple[dict[int, Any], list[int]]] = {}
        self._cache_size = 0

    def rows(self, hyp: Sequence[int]) -> list[list[int]]:
        """Return the cost matrix of ``hyp`` (row i: after i hypothesis words)."""
        rows = [self._initial]
        node = self._cache
        for word in hyp:
            entry = node.get(word)
            if entry is None:
                break
            node, row = entry
            rows.append(row)
        cache = self._cache_size < MAX_CACHE_SIZE
        ref, bounds, m = self._ref, self._bounds, self._m
        prev = rows[-1]
        for i in range(len(rows), len(hyp) + 1):
            word = hyp[i - 1]
            low, high = bounds[i]
            cur = [INFINITY] * (m + 1)
            if low == 0:
                cur[0] = prev[0] + 1
                low = 1
            left = cur[low - 1]
            j = low
            for ref_word, diagonal, up in zip(ref[low - 1:high - 1], prev[low - 1:high - 1],
                                              prev[low:high], strict=True):
                # min(match or substitution, deletion, insertion): sacrebleu's value.
                if up < diagonal:
                    diagonal = up + 1
                elif ref_word != word:
                    diagonal += 1
                if diagonal <= left:
                    left = diagonal
                else:
                    left += 1
                cur[j] = left
                j += 1
            rows.append(cur)
            prev = cur
            if cache:
                child: dict[int, Any] = {}
                node[word] = (child, cur)
                node = child
                self._cache_size += 1
        return rows

    def distance(self, hyp: Sequence[int]) -> int:
        """Return the edit distance of ``hyp`` to the reference."""
        cost = self.rows(hyp)[-1][self._m]
        if cost >= INFINITY:
            raise _Unexpected
        return cost

    def trace(self, hyp: Sequence[int]) -> tuple[int, str]:
        """Return the edit distance and sacrebleu's trace of operations.

        A cell's operation is the first of (match or substitution, deletion, insertion) that
        is strictly cheaper than what came before it, starting from infinity — the order in
        which sacrebleu tries them — so it follows from the costs of the three neighbours.
        """
        rows = self.rows(hyp)
        ref = self._ref
        i, j = len(hyp), self._m
        if rows[i][j] >= INFINITY:
            raise _Unexpected
        ops = []
        while i > 0 or j > 0:
            if i == 0:
                op = OP_INS
            elif j == 0:
                op = OP_DEL
            else:
                prev = rows[i - 1]
                best = prev[j - 1]
                if hyp[i - 1] == ref[j - 1]:
                    op = OP_NOP
                else:
                    best += 1
                    op = OP_SUB
                if best >= INFINITY:
                    best, op = INFINITY, ""
                if prev[j] + 1 < best:
                    best, op = prev[j] + 1, OP_DEL
                if rows[i][j - 1] + 1 < best:
                    op = OP_INS
                if not op:
                    raise _Unexpected
            ops.append(op)
            if op == OP_INS:
                j -= 1
            elif op == OP_DEL:
                i -= 1
            else:
                i -= 1
                j -= 1
        ops.reverse()
        return rows[-1][self._m], "".join(ops)


def _shifted_pairs(hyp: Sequence[int], ref: Sequence[int],
                   positions: dict[int, list[int]]) -> Any:
    """Yield (hyp start, ref start, length) of matching runs, in sacrebleu's order."""
    n_hyp, n_ref = len(hyp), len(ref)
    for start_h in range(n_hyp):
        for start_r in positions.get(hyp[start_h], ()):
            if abs(start_r - start_h) > MAX_SHIFT_DIST:
                continue
            length = 0
            while hyp[start_h + length] == ref[start_r + length] and length < MAX_SHIFT_SIZE:
                length += 1
                yield start_h, start_r, length
                if n_hyp == start_h + length or n_ref == start_r + length:
                    break


def _perform_shift(words: list[int], start: int, length: int, target: int) -> list[int]:
    """Move ``length`` words at ``start`` to before ``target``: sacrebleu's ``_perform_shift``."""
    if target < start:
        return (words[:target] + words[start:start + length] + words[target:start]
                + words[start + length:])
    if target > start + length:
        return (words[:start] + words[start + length:target] + words[start:start + length]
                + words[target:])
    return (words[:start] + words[start + length:length + target]
            + words[start:start + length] + words[length + target:])


def _shift(hyp: list[int], ref: list[int], positions: dict[int, list[int]],
           edit: _BeamEditDistance, checked: int) -> tuple[int, list[int], int]:
    """sacrebleu's ``_shift``: the shift that lowers the edit distance most, and candidates seen."""
    pre_score, inv_trace = edit.trace(hyp)
    align, ref_err, hyp_err = sacrebleu_ter.trace_to_alignment(
        sacrebleu_ter._flip_trace(inv_trace))
    hyp_errors = [0]
    for error in hyp_err:
        hyp_errors.append(hyp_errors[-1] + error)
    ref_errors = [0]
    for error in ref_err:
        ref_errors.append(ref_errors[-1] + error)
    best: tuple[int, int, int, int] | None = None
    best_words = hyp
    for start_h, start_r, length in _shifted_pairs(hyp, ref, positions):
        # Only where the hypothesis is wrong and the reference is not matched there.
        # (Runs lie inside both sequences, and the error lists are as long as them.)
        if hyp_errors[start_h + length] == hyp_errors[start_h]:
            continue
        if ref_errors[start_r + length] == ref_errors[start_r]:
            continue
        if start_h <= align[start_r] < start_h + length:
            continue
        prev_idx = -1
        for offset in range(-1, length):
            if start_r + offset == -1:
                idx = 0
            elif start_r + offset in align:
                idx = align[start_r + offset] + 1
            else:
                break
            if idx == prev_idx:
                continue
            prev_idx = idx
            shifted = _perform_shift(hyp, start_h, length, idx)
            # sacrebleu ranks (gain, length, -start, -target, words); equal keys mean the
            # same shift and so the same words, so the words never decide.
            candidate = (pre_score - edit.distance(shifted), length, -start_h, -idx)
            checked += 1
            if best is None or candidate > best:
                best, best_words = candidate, shifted
        if checked >= MAX_SHIFT_CANDIDATES:
            break
    if best is None:
        return 0, hyp, checked
    return best[0], best_words, checked


def _edit_rate(hyp: list[int], ref: list[int]) -> tuple[int, int]:
    edit = _BeamEditDistance(ref, len(hyp))
    positions: dict[int, list[int]] = {}
    for position, word in enumerate(ref):
        positions.setdefault(word, []).append(position)
    shifts = 0
    words = hyp
    checked = 0
    while True:
        delta, shifted, checked = _shift(words, ref, positions, edit, checked)
        if checked >= MAX_SHIFT_CANDIDATES or delta <= 0:
            break
        shifts += 1
        words = shifted
    return shifts + edit.distance(words), len(ref)


def translation_edit_rate(words_hyp: Sequence[str], words_ref: Sequence[str]
                          ) -> tuple[int, int]:
    """Return (number of edits, reference length), as ``sacrebleu...lib_ter`` does."""
    if not words_ref:
        return len(words_hyp), 0
    ids: dict[str, int] = {}
    ref = [ids.setdefault(word, len(ids)) for word in words_ref]
    hyp = [ids.setdefault(word, len(ids)) for word in words_hyp]
    try:
        return _edit_rate(hyp, ref)
    except _Unexpected:
        return sacrebleu_ter.translation_edit_rate(list(words_hyp), list(words_ref))


class FastTER(TER):
    """sacrebleu's TER metric (same options, signature and scores), with the faster statistic."""

    def _compute_segment_statistics(self, hypothesis: str,
                                    ref_kwargs: dict[str, Any]) -> list[float]:
        # sacrebleu's method, with this module's translation_edit_rate.
        ref_lengths = 0
        best_num_edits = INFINITY
        words_hyp = hypothesis.split()
        ref_words = ref_kwargs["ref_words"]
        for words_ref in ref_words:
            num_edits, ref_len = translation_edit_rate(words_hyp, words_ref)
            ref_lengths += ref_len
            if num_edits < best_num_edits:
                best_num_edits = num_edits
        return [best_num_edits, ref_lengths / len(ref_words)]
