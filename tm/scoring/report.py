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


def _cell(row: Mapping[str, Any]) -> str:
    text = f"{row['score']:.{SCORE_DECIMALS}f}"
    if row.get("mean") is not None:
        text += f" ({row['mean']:.{SCORE_DECIMALS}f} ± {row['ci']:.{SCORE_DECIMALS}f})"
    if row.get("p_value") is not None:
        text += f" p={row['p_value']:.{P_DECIMALS}f}" + ("*" if row["significant"] else "")
    return text


def format_rows(rows: ScoreRows) -> list[str]:
    """Return a table of systems × metrics, document rows indented, then the signatures."""
    names = list(dict.fromkeys(r["name"] for r in rows))
    table: dict[tuple[str, str | None], dict[str, str]] = {}
    for row in rows:
        table.setdefault((row["system"], row.get("document")), {})[row["name"]] = _cell(row)
    labels = {key: key[0] if key[1] is None else f"  {key[1]}" for key in table}
    width = max(len("system"), *map(len, labels.values()))
    widths = {n: max(len(n), *(len(cells.get(n, "")) for cells in table.values()))
              for n in names}
    lines = ["  ".join(["system".ljust(width)] + [n.rjust(widths[n]) for n in names])]
    order = sorted(table, key=lambda k: (list(dict.fromkeys(r["system"] for r in rows))
                                         .index(k[0]), k[1] is not None))
    for key in order:
        lines.append("  ".join([labels[key].ljust(width)]
                               + [table[key].get(n, "").rjust(widths[n]) for n in names]))
    signatures = {r["name"]: r["signature"] for r in rows if r.get("document") is None}
    lines.append("")
    lines.extend(f"{name}: {signature}" for name, signature in signatures.items())
    if any(r.get("p_value") is not None for r in rows):
        lines.append("* p < 0.05 against the baseline (the row without a p-value)")
    return lines
