"""Scores as plain rows for ``--json`` and as a text table for the terminal."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tm.scoring.evaluation import MetricScores
from tm.scoring.significance import PairedResult

ScoreRows = list[dict[str, Any]]
# Decimals shown in the terminal: two as WMT tables print scores, four for p-values as
# sacrebleu prints them.
SCORE_DECIMALS = 2
P_DECIMALS = 4


def score_rows(scores: Sequence[MetricScores],
               paired: Mapping[tuple[str, str], PairedResult] | None = None, *,
               documents: Mapping[Any, str] | None = None) -> ScoreRows:
    """Return one JSON-ready row per system and metric (and per document if ``documents``)."""
    paired = paired or {}
    rows: ScoreRows = []
    for s in scores:
        row: dict[str, Any] = {"system": s.system, "metric": s.metric, "name": s.name,
                               "score": s.score, "signature": s.signature}
        result = paired.get((s.system, s.metric))
        if result is not None:
            row.update({"signature": result.signature, "mean": result.mean, "ci": result.ci,
                        "p_value": result.p_value, "baseline": result.p_value is None,
                        "significant": result.significant})
        rows.append(row)
    if documents is not None:
        for s in scores:
            rows.extend({"system": s.system, "metric": s.metric, "name": s.name,
                         "document": documents.get(group, str(group)), "score": value,
                         "signature": s.signature}
                        for group, value in s.groups.items())
    return rows


def _parts(row: Mapping[str, Any]) -> tuple[str, str, str]:
    """Return a cell's score, ``(mean ± ci)`` and ``p=…`` (``*`` when significant)."""
    spread = p = ""
    if row.get("mean") is not None:
        spread = f"({row['mean']:.{SCORE_DECIMALS}f} ± {row['ci']:.{SCORE_DECIMALS}f})"
    if row.get("p_value") is not None:
        p = f"p={row['p_value']:.{P_DECIMALS}f}" + ("*" if row["significant"] else " ")
    return f"{row['score']:.{SCORE_DECIMALS}f}", spread, p


def format_rows(rows: ScoreRows) -> list[str]:
    """Return a table of systems × metrics, document rows indented, then the signatures.

    A cell's parts (score, mean ± CI, p-value) are each aligned down its column, so a
    significance mark never shifts a row; a paired test's baseline is named above.
    """
    names = list(dict.fromkeys(r["name"] for r in rows))
    table: dict[tuple[str, str | None], dict[str, tuple[str, str, str]]] = {}
    for row in rows:
        table.setdefault((row["system"], row.get("document")), {})[row["name"]] = _parts(row)
    labels = {key: key[0] if key[1] is None else f"  {key[1]}" for key in table}
    width = max(len("system"), *map(len, labels.values()))
    part_widths = {n: [max(len(cells[n][i]) for cells in table.values() if n in cells)
                       for i in range(3)] for n in names}

    def cell(name: str, parts: tuple[str, str, str] | None) -> str:
        score_w, spread_w, p_w = part_widths[name]
        score, spread, p = parts or ("", "", "")
        text = score.rjust(score_w)
        if spread_w:
            text += " " + spread.rjust(spread_w)
        if p_w:
            text += " " + p.ljust(p_w)
        return text

    widths = {n: max(len(n), len(cell(n, None))) for n in names}
    lines = []
    baseline = next((r["system"] for r in rows if r.get("baseline")), None)
    if baseline is not None:
        lines.append(f"baseline of the paired test: {baseline}")
    lines.append("  ".join(["system".ljust(width)] + [n.rjust(widths[n]) for n in names]))
    systems = list(dict.fromkeys(r["system"] for r in rows))
    order = sorted(table, key=lambda k: (systems.index(k[0]), k[1] is not None))
    for key in order:
        lines.append("  ".join([labels[key].ljust(width)]
                               + [cell(n, table[key].get(n)).rjust(widths[n]) for n in names])
                     .rstrip())
    signatures = {r["name"]: r["signature"] for r in rows if r.get("document") is None}
    lines.append("")
    lines.extend(f"{name}: {signature}" for name, signature in signatures.items())
    if baseline is not None:
        lines.append(f"* p < 0.05 against the baseline, {baseline}")
    return lines
