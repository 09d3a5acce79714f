"""Charts as inline SVG, drawn on the server: no JavaScript, no CDN, readable without styles."""
from __future__ import annotations

from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

BAR_HEIGHT = 14  # px per bar: small enough for a hundred documents on one screen
BAR_GAP = 3
LABEL_WIDTH = 170  # px for document ids such as «ogirk.ru.18438#0»
CHART_WIDTH = 560
SCALE_MAX = 100.0  # BLEU, chrF and (mostly) TER are on a 0–100 scale
HISTOGRAM_BINS = 10  # one bin per 10 points of chrF
HISTOGRAM_HEIGHT = 140


def bars(items: Sequence[tuple[str, float]], *, fmt: Callable[[float], str],
         title: str, links: Sequence[str] | None = None) -> Markup:
    """Return horizontal bars, one per (label, value), on a 0–100 scale.

    With ``links`` (one URL per item) each bar and its label link there.
    """
    width = CHART_WIDTH - LABEL_WIDTH - 50
    height = len(items) * (BAR_HEIGHT + BAR_GAP) + BAR_GAP
    parts = [f'<svg class="chart" role="img" width="{CHART_WIDTH}" height="{height}" '
             f'viewBox="0 0 {CHART_WIDTH} {height}"><title>{escape(title)}</title>']
    for i, (label, value) in enumerate(items):
        y = BAR_GAP + i * (BAR_HEIGHT + BAR_GAP)
        length = max(0.0, min(value, SCALE_MAX)) / SCALE_MAX * width
        if links is not None:
            parts.append(f'<a href="{escape(links[i])}">')
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + BAR_HEIGHT - 3}" text-anchor="end">'
            f'{escape(label)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT}">'
            f'<title>{escape(label)}: {escape(fmt(value))}</title></rect>'
            f'<text x="{LABEL_WIDTH + length + 4:.1f}" y="{y + BAR_HEIGHT - 3}">'
            f'{escape(fmt(value))}</text>')
        if links is not None:
            parts.append("</a>")
    parts.append("</svg>")
    return Markup("".join(parts))


def histogram(values: Sequence[float], *, title: str) -> Markup:
    """Return a histogram of 0–100 scores in bins of ten points."""
    counts = [0] * HISTOGRAM_BINS
    for value in values:
        counts[min(HISTOGRAM_BINS - 1, max(0, int(value // (SCALE_MAX / HISTOGRAM_BINS))))] += 1
    top = max(counts) or 1
    column = (CHART_WIDTH - 40) / HISTOGRAM_BINS
    base = HISTOGRAM_HEIGHT - 20
    parts = [f'<svg class="chart" role="img" width="{CHART_WIDTH}" '
             f'height="{HISTOGRAM_HEIGHT}" viewBox="0 0 {CHART_WIDTH} {HISTOGRAM_HEIGHT}">'
             f'<title>{escape(title)}</title>']
    for i, count in enumerate(counts):
        x = 20 + i * column
        height = count / top * (base - 16)
        low = int(i * SCALE_MAX / HISTOGRAM_BINS)
        parts.append(
            f'<rect x="{x + 2:.1f}" y="{base - height:.1f}" width="{column - 4:.1f}" '
            f'height="{height:.1f}"><title>{low}–{low + 10}: {count}</title></rect>'
            f'<text x="{x + column / 2:.1f}" y="{base - height - 3:.1f}" '
            f'text-anchor="middle">{count}</text>'
            f'<text x="{x + 2:.1f}" y="{base + 14}">{low}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
