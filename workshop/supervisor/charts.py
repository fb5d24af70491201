"""Bar charts as inline SVG, drawn on the server: no JavaScript library, readable without one.

Labels and titles are escaped; the result is ``Markup`` ready for a template.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

__all__ = ["bar_chart"]

# LEFT leaves room for the first label, which is turned to read along the slope
BAR_W, GAP, PLOT_H, LABEL_H, TOP, LEFT = 36, 12, 120, 56, 18, 40
NO_VALUE = "—"


def bar_chart(bars: Sequence[tuple[str, float | None]], *, title: str,
              value_format: str = "{:g}") -> Markup:
    """Vertical bars, one per ``(label, value)``; values must be finite and not negative.
    ``None`` (nothing to measure) draws no bar and says so, unlike a true zero."""
    for label, value in bars:
        if value is not None and not value >= 0:  # also refuses NaN
            raise ValueError(f"bar {label!r}: value must be >= 0, not {value!r}")
    width = LEFT + max(len(bars), 1) * (BAR_W + GAP) + GAP
    height = TOP + PLOT_H + LABEL_H
    top = max((v for _, v in bars if v is not None), default=0) or 1
    parts = [f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" '
             f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
             f"<title>{escape(title)}</title>",
             f'<line x1="0" y1="{TOP + PLOT_H}" x2="{width}" y2="{TOP + PLOT_H}" class="axis"/>']
    for i, (label, value) in enumerate(bars):
        parts.append(_bar(i, label, value, top, value_format))
    parts.append("</svg>")
    return Markup("".join(parts))


def _bar(i: int, label: str, value: float | None, top: float, value_format: str) -> str:
    x = LEFT + GAP + i * (BAR_W + GAP)
    h = round(PLOT_H * value / top, 2) if value is not None else 0
    y = TOP + PLOT_H - h
    text = escape(value_format.format(value)) if value is not None else NO_VALUE
    mid = x + BAR_W / 2
    return (f'<g class="bar"><rect x="{x}" y="{y}" width="{BAR_W}" height="{h}">'
            f"<title>{escape(label)}: {text}</title></rect>"
            f'<text x="{mid}" y="{y - 4}" text-anchor="middle" class="value">{text}</text>'
            f'<text x="{mid}" y="{TOP + PLOT_H + 14}" text-anchor="end" class="label" '
            f'transform="rotate(-35 {mid} {TOP + PLOT_H + 14})">{escape(label)}</text></g>')
