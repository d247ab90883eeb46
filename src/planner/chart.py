"""Accessible SVG line charts, server-rendered, without any dependency.

`line_chart` draws one line per series over shared x labels (months, say). The SVG is an
image with a name and a description (role="img", <title>, <desc> with every value in words),
a legend, labelled axes, and lines told apart by dash pattern and marker shape as well as by
colour (every colour has a contrast of at least 3:1 on white). A missing value (None) breaks
the line; every value is marked by a point, so a lone value still shows. Output is
deterministic: the same input gives the same text.

All text is escaped. The words inside the chart are the caller's (title, labels, series
names), so the caller translates them; the chart adds only numbers and punctuation.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

Series = dict[str, list[tuple[str, float | None]]]

# Colour, dash pattern and marker of each line, in order; a ninth series starts again.
# Contrast on white: 8.0, 6.1, 7.6, 7.8, 9.9, 6.6, 7.1, 8.2 (test_chart checks >= 3:1).
COLOURS = (
    "#0a4fa0",
    "#a34700",
    "#0f5e5a",
    "#a4161a",
    "#5b2a86",
    "#1d6b2f",
    "#4f5963",
    "#8f1f6b",
)
DASHES = ("", "8 4", "2 3", "10 3 2 3", "5 5", "12 4 2 4 2 4", "1 5", "16 4")
MARKERS = ("circle", "square", "triangle", "diamond", "circle-open", "square-open", "cross", "bar")
NO_VALUE = "—"

INK = "#1b1f24"
AXIS = "#4f5963"
GRID = "#cfd6dd"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
FONT_SIZE = 12
CHAR_WIDTH = 7  # an estimate of a character's width at FONT_SIZE, for the legend's layout


@dataclass(frozen=True)
class Style:
    colour: str
    dash: str
    marker: str


def style(index: int) -> Style:
    """The look of the series at `index` (0-based)."""
    return Style(
        COLOURS[index % len(COLOURS)], DASHES[index % len(DASHES)], MARKERS[index % len(MARKERS)]
    )


def _num(value: float) -> str:
    """A coordinate with at most one decimal, without a trailing .0."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def format_value(
    value: float | None, *, percent: bool = False, decimals: int = 1, decimal_mark: str = "."
) -> str:
    """A value as the chart writes it: "46%", "1.5" (or "1,5" with decimal_mark=",")."""
    if value is None:
        return NO_VALUE
    if percent:
        return f"{value * 100:.0f}%"
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    text = "0" if text == "-0" else text
    return text.replace(".", decimal_mark)


def nice_max(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 times a power of ten that is at least `value`."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value * (1 - 1e-12):
            return float(step * power)
    return float(10 * power)  # pragma: no cover - the loop always returns


def _ticks(top: float) -> list[float]:
    """0 … top in 3 to 6 equal steps, each a round number when possible."""
    for n in (5, 4, 6, 3):
        step = top / n
        power = 10 ** math.floor(math.log10(step)) if step > 0 else 1
        if any(math.isclose(step, m * power) for m in (1, 2, 2.5, 5)):
            return [step * i for i in range(n + 1)]
    return [top * i / 4 for i in range(5)]


def _marker(kind: str, x: float, y: float, colour: str, note: str) -> str:
    title = f"<title>{escape(note)}</title>"
    filled = f'fill="{colour}" stroke="{colour}"'
    hollow = f'fill="#ffffff" stroke="{colour}" stroke-width="2"'
    if kind in ("circle", "circle-open"):
        paint = filled if kind == "circle" else hollow
        return f'<circle class="point" cx="{_num(x)}" cy="{_num(y)}" r="4" {paint}>{title}</circle>'
    if kind in ("square", "square-open"):
        paint = filled if kind == "square" else hollow
        return (
            f'<rect class="point" x="{_num(x - 3.5)}" y="{_num(y - 3.5)}" width="7" height="7" '
            f"{paint}>{title}</rect>"
        )
    if kind == "triangle":
        points = f"{_num(x)},{_num(y - 5)} {_num(x + 4.5)},{_num(y + 3.5)} {_num(x - 4.5)},{_num(y + 3.5)}"
    elif kind == "diamond":
        points = f"{_num(x)},{_num(y - 5)} {_num(x + 5)},{_num(y)} {_num(x)},{_num(y + 5)} {_num(x - 5)},{_num(y)}"
    elif kind == "cross":
        d = (
            f"M{_num(x - 4)} {_num(y - 4)}L{_num(x + 4)} {_num(y + 4)}"
            f"M{_num(x - 4)} {_num(y + 4)}L{_num(x + 4)} {_num(y - 4)}"
        )
        return f'<path class="point" d="{d}" stroke="{colour}" stroke-width="2.5">{title}</path>'
    else:  # bar: a short horizontal bar
        return (
            f'<rect class="point" x="{_num(x - 5)}" y="{_num(y - 2)}" width="10" height="4" '
            f"{filled}>{title}</rect>"
        )
    return f'<polygon class="point" points="{points}" {filled}>{title}</polygon>'


def _x_labels(series: Series) -> list[str]:
    seen: dict[str, None] = {}
    for points in series.values():
        for label, _value in points:
            seen.setdefault(label, None)
    return list(seen)


def _summary(series: Series, y_label: str, fmt: Callable[[float | None], str]) -> str:
    parts = []
    for name, points in series.items():
        values = ", ".join(f"{label} {fmt(v)}" for label, v in points)
        parts.append(f"{name}: {values}")
    return f"{y_label}. " + "; ".join(parts) + "." if parts else f"{y_label}."


def _legend_rows(names: Sequence[str], width: float) -> list[list[tuple[int, str]]]:
    rows: list[list[tuple[int, str]]] = [[]]
    used = 0.0
    for index, name in enumerate(names):
        item = 44 + CHAR_WIDTH * len(name) + 16
        if rows[-1] and used + item > width:
            rows.append([])
            used = 0.0
        rows[-1].append((index, name))
        used += item
    return rows if rows[0] else []


def line_chart(
    series: Series,
    *,
    title: str,
    y_label: str,
    y_max: float | None = None,
    width: int = 640,
    height: int = 320,
    percent: bool = False,
    x_label: str = "",
    description: str | None = None,
    decimals: int = 1,
    decimal_mark: str = ".",
    chart_id: str | None = None,
) -> str:
    """An SVG line chart: one line per series, in the order given, over the x labels in the
    order they first appear.

    `percent`: values are shares between 0 and 1, shown as percentages (the y axis goes to
    100% unless `y_max` says otherwise). `description` replaces the generated text summary
    (every value of every series). Values are written with `decimals` decimals and
    `decimal_mark` ("," for Spanish, say). `chart_id` makes the ids of the title and description
    unique when a page shows two charts with the same title.
    """
    ident = (
        chart_id or "chart-" + hashlib.sha1(title.encode(), usedforsecurity=False).hexdigest()[:8]
    )
    labels = _x_labels(series)
    values = [v for points in series.values() for _l, v in points if v is not None]
    top = y_max if y_max is not None else (1.0 if percent else nice_max(max(values, default=0)))
    top = top if top > 0 else 1.0
    ticks = _ticks(top)
    tick_texts = [
        format_value(t, percent=percent, decimals=2, decimal_mark=decimal_mark) for t in ticks
    ]

    def fmt(value: float | None) -> str:
        return format_value(value, percent=percent, decimals=decimals, decimal_mark=decimal_mark)

    left = 28 + CHAR_WIDTH * max((len(t) for t in tick_texts), default=1) + 8
    widest = max((len(label) for label in labels), default=1) * CHAR_WIDTH + 8
    right = max(16, widest // 2)  # room for the last x label, centred on its tick
    legend = _legend_rows(list(series), width - left - right)
    top_margin = 36
    bottom = 30 + (18 if x_label else 0) + 22 * len(legend) + (8 if legend else 0)
    plot_w = max(width - left - right, 40)
    plot_h = max(height - top_margin - bottom, 40)
    x0, y0 = left, top_margin + plot_h  # the origin, bottom left of the plot

    def xpos(i: int) -> float:
        if len(labels) == 1:
            return x0 + plot_w / 2
        return x0 + plot_w * i / (len(labels) - 1)

    def ypos(v: float) -> float:
        return y0 - plot_h * min(max(v, 0.0), top) / top

    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{ident}-title {ident}-desc" font-family="{FONT}" '
        f'font-size="{FONT_SIZE}">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">'
        f"{escape(description if description is not None else _summary(series, y_label, fmt))}"
        f"</desc>",
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text class="chart-title" x="{left}" y="20" fill="{INK}" font-weight="600" '
        f'font-size="{FONT_SIZE + 2}">{escape(title)}</text>',
    ]
    # y axis: grid, ticks, label
    out.append('<g class="y-axis">')
    for value, text in zip(ticks, tick_texts, strict=True):
        tick_y = _num(ypos(value))
        out.append(
            f'<line x1="{x0}" x2="{_num(x0 + plot_w)}" y1="{tick_y}" y2="{tick_y}" '
            f'stroke="{GRID}"/><text x="{x0 - 6}" y="{tick_y}" dy="4" text-anchor="end" '
            f'fill="{INK}">{escape(text)}</text>'
        )
    mid = _num(top_margin + plot_h / 2)
    out.append(
        f'<text class="axis-label" transform="translate(14 {mid}) rotate(-90)" '
        f'text-anchor="middle" fill="{INK}">{escape(y_label)}</text>'
    )
    out.append(f'<line x1="{x0}" x2="{x0}" y1="{top_margin}" y2="{y0}" stroke="{AXIS}"/>')
    out.append("</g>")
    # x axis: ticks and labels (every label while they fit, else every k-th)
    out.append('<g class="x-axis">')
    out.append(f'<line x1="{x0}" x2="{_num(x0 + plot_w)}" y1="{y0}" y2="{y0}" stroke="{AXIS}"/>')
    every = max(1, math.ceil(widest * len(labels) / plot_w)) if labels else 1
    for i, label in enumerate(labels):
        tick_x = _num(xpos(i))
        out.append(f'<line x1="{tick_x}" x2="{tick_x}" y1="{y0}" y2="{y0 + 4}" stroke="{AXIS}"/>')
        if i % every == 0:
            out.append(
                f'<text x="{tick_x}" y="{y0 + 18}" text-anchor="middle" fill="{INK}">'
                f"{escape(label)}</text>"
            )
    if x_label:
        out.append(
            f'<text class="axis-label" x="{_num(x0 + plot_w / 2)}" y="{y0 + 36}" '
            f'text-anchor="middle" fill="{INK}">{escape(x_label)}</text>'
        )
    out.append("</g>")
    # the lines, each with its points
    index_of = {label: i for i, label in enumerate(labels)}
    for n, (name, points) in enumerate(series.items()):
        look = style(n)
        d: list[str] = []
        pen_down = False
        marks: list[str] = []
        for label, point in sorted(points, key=lambda p: index_of[p[0]]):
            if point is None:
                pen_down = False
                continue
            x, y = xpos(index_of[label]), ypos(point)
            d.append(f"{'L' if pen_down else 'M'}{_num(x)} {_num(y)}")
            pen_down = True
            note = f"{name}, {label}: {fmt(point)}"
            marks.append(_marker(look.marker, x, y, look.colour, note))
        dash = f' stroke-dasharray="{look.dash}"' if look.dash else ""
        out.append(f'<g class="series" data-series="{escape(name)}">')
        if d:
            out.append(
                f'<path d="{"".join(d)}" fill="none" stroke="{look.colour}" stroke-width="2.5"'
                f'{dash} stroke-linejoin="round"/>'
            )
        out.extend(marks)
        out.append("</g>")
    # the legend, under the x axis
    if legend:
        out.append('<g class="legend">')
        row_y = float(y0 + 30 + (18 if x_label else 0) + 8)
        for row in legend:
            x = float(left)
            for index, name in row:
                look = style(index)
                dash = f' stroke-dasharray="{look.dash}"' if look.dash else ""
                out.append(
                    f'<line x1="{_num(x)}" x2="{_num(x + 32)}" y1="{_num(row_y)}" '
                    f'y2="{_num(row_y)}" stroke="{look.colour}" stroke-width="2.5"{dash}/>'
                )
                out.append(_marker(look.marker, x + 16, row_y, look.colour, name))
                out.append(
                    f'<text x="{_num(x + 40)}" y="{_num(row_y)}" dy="4" fill="{INK}">'
                    f"{escape(name)}</text>"
                )
                x += 44 + CHAR_WIDTH * len(name) + 16
            row_y += 22
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)
