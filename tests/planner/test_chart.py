"""planner.chart: an accessible, deterministic SVG line chart."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from planner.chart import COLOURS, DASHES, MARKERS, format_value, line_chart, nice_max, style

NS = {"svg": "http://www.w3.org/2000/svg"}
MONTHS = ["2026-01", "2026-02", "2026-03", "2026-04"]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output


def two_series() -> dict[str, list[tuple[str, float | None]]]:
    return {
        "Maple Street": [(m, v) for m, v in zip(MONTHS, [0.5, 0.75, 0.8, 1.0], strict=True)],
        "Riverside": [(m, v) for m, v in zip(MONTHS, [0.4, None, 0.3, 0.35], strict=True)],
    }


def contrast(colour: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (luminance + 0.05)


def test_an_image_with_a_name_and_a_description_of_every_value() -> None:
    svg = line_chart(two_series(), title="Primary presence", y_label="Share", percent=True)
    root = parse(svg)
    assert root.get("role") == "img"
    title = root.find("svg:title", NS)
    desc = root.find("svg:desc", NS)
    assert title is not None and title.text == "Primary presence"
    assert desc is not None
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert desc.text == (
        "Share. Maple Street: 2026-01 50%, 2026-02 75%, 2026-03 80%, 2026-04 100%; "
        "Riverside: 2026-01 40%, 2026-02 —, 2026-03 30%, 2026-04 35%."
    )
    assert root.get("viewBox") == "0 0 640 320"


def test_one_path_per_series_broken_where_a_value_is_missing() -> None:
    root = parse(line_chart(two_series(), title="t", y_label="y", percent=True))
    groups = root.findall(".//svg:g[@class='series']", NS)
    assert [g.get("data-series") for g in groups] == ["Maple Street", "Riverside"]
    paths = [g.findall("svg:path", NS) for g in groups]
    assert [len(p) for p in paths] == [1, 1]
    maple, riverside = paths[0][0].get("d") or "", paths[1][0].get("d") or ""
    assert (maple.count("M"), maple.count("L")) == (1, 3)
    # 0.4, (none), 0.3, 0.35: the line stops at the gap and starts again
    assert (riverside.count("M"), riverside.count("L")) == (2, 1)
    # every value is marked by a point (4 + 3), with its value as a tooltip
    points = [g.findall("*[@class='point']", NS) for g in groups]
    assert [len(p) for p in points] == [4, 3]
    tooltip = points[1][0].find("svg:title", NS)
    assert tooltip is not None and tooltip.text == "Riverside, 2026-01: 40%"


def test_lines_differ_by_dash_and_marker_as_well_as_colour() -> None:
    names = [f"Group {i}" for i in range(8)]
    series = {
        name: [("2026-01", float(i)), ("2026-02", float(i + 1))] for i, name in enumerate(names)
    }
    root = parse(line_chart(series, title="t", y_label="y"))
    lines = [g.find("svg:path", NS) for g in root.findall(".//svg:g[@class='series']", NS)]
    looks = {(p.get("stroke"), p.get("stroke-dasharray")) for p in lines if p is not None}
    assert len(looks) == 8
    assert len({p.get("stroke-dasharray") for p in lines if p is not None}) == 8
    assert len(set(MARKERS)) == len(MARKERS) == len(DASHES) == len(COLOURS)
    for colour in COLOURS:
        assert contrast(colour) >= 3.0, colour
    assert style(8) == style(0)


def test_legend_and_axes_are_labelled() -> None:
    svg = line_chart(
        two_series(), title="t", y_label="Changes per child-year", x_label="Month", y_max=2
    )
    root = parse(svg)
    legend = root.find(".//svg:g[@class='legend']", NS)
    assert legend is not None
    texts = [t.text for t in legend.findall("svg:text", NS)]
    assert texts == ["Maple Street", "Riverside"]
    assert len(legend.findall("svg:line", NS)) == 2
    labels = [t.text for t in root.findall(".//svg:text[@class='axis-label']", NS)]
    assert labels == ["Changes per child-year", "Month"]
    x_ticks = [t.text for t in root.findall(".//svg:g[@class='x-axis']/svg:text", NS)]
    assert x_ticks[:4] == MONTHS
    y_ticks = [t.text for t in root.findall(".//svg:g[@class='y-axis']/svg:text", NS)]
    assert y_ticks[:-1] == ["0", "0.5", "1", "1.5", "2"]  # 0 to y_max in round steps


def test_percent_axis_and_automatic_maximum() -> None:
    root = parse(line_chart(two_series(), title="t", y_label="y", percent=True))
    y_ticks = [t.text for t in root.findall(".//svg:g[@class='y-axis']/svg:text", NS)]
    assert y_ticks[:-1] == ["0%", "20%", "40%", "60%", "80%", "100%"]
    root = parse(line_chart({"a": [("x", 7.3)]}, title="t", y_label="y"))
    y_ticks = [t.text for t in root.findall(".//svg:g[@class='y-axis']/svg:text", NS)]
    assert y_ticks[-2] == "10"
    assert nice_max(7.3) == 10 and nice_max(0.21) == 0.25 and nice_max(12) == 20
    assert nice_max(0) == 1


def test_text_is_escaped() -> None:
    svg = line_chart(
        {"<b>O'Brien & Co</b>": [("<m>", 1.0)]}, title='A "title" <script>', y_label="y&z"
    )
    root = parse(svg)  # well-formed XML
    assert "<script>" not in svg and "<b>" not in svg
    legend = root.find(".//svg:g[@class='legend']/svg:text", NS)
    assert legend is not None and legend.text == "<b>O'Brien & Co</b>"
    title = root.find("svg:title", NS)
    assert title is not None and title.text == 'A "title" <script>'


def test_deterministic_and_unique_ids() -> None:
    first = line_chart(two_series(), title="t", y_label="y")
    assert first == line_chart(two_series(), title="t", y_label="y")
    other = line_chart(two_series(), title="u", y_label="y")
    ids = set(re.findall(r'id="([^"]+)"', first))
    assert ids and not ids & set(re.findall(r'id="([^"]+)"', other))
    assert 'id="mine-title"' in line_chart(two_series(), title="t", y_label="y", chart_id="mine")


def test_empty_single_and_all_missing_series() -> None:
    parse(line_chart({}, title="t", y_label="y"))
    root = parse(line_chart({"a": [("2026-01", None)]}, title="t", y_label="y"))
    group = root.find(".//svg:g[@class='series']", NS)
    assert group is not None and group.find("svg:path", NS) is None
    root = parse(line_chart({"a": [("2026-01", 3.0)]}, title="t", y_label="y"))
    assert len(root.findall(".//svg:g[@class='series']/*[@class='point']", NS)) == 1


def test_a_custom_description_and_many_labels() -> None:
    months = [f"2025-{m:02d}" for m in range(1, 13)] + [f"2026-{m:02d}" for m in range(1, 13)]
    series = {"a": [(m, 1.0) for m in months]}
    root = parse(line_chart(series, title="t", y_label="y", description="Flat at one."))
    desc = root.find("svg:desc", NS)
    assert desc is not None and desc.text == "Flat at one."
    shown = [t.text for t in root.findall(".//svg:g[@class='x-axis']/svg:text", NS)]
    assert 2 <= len(shown) < 24  # thinned so they do not overlap
    assert shown[0] == "2025-01"


def test_format_value() -> None:
    assert format_value(None) == "—"
    assert format_value(0.456, percent=True) == "46%"
    assert format_value(2.0) == "2"
    assert format_value(1.25, decimals=1) == "1.2"
    assert format_value(12.345, decimals=2) == "12.35"
    assert format_value(1.5, decimal_mark=",") == "1,5"


def test_a_decimal_comma() -> None:
    svg = line_chart({"a": [("x", 1.5)]}, title="t", y_label="y", decimal_mark=",")
    desc = parse(svg).find("svg:desc", NS)
    assert desc is not None and desc.text == "y. a: x 1,5."
    assert ">0,5<" in svg  # a tick of the y axis
