"""The chart renderer, pure: an Analysis and labels in, SVG text out. Points, lines at the right height,
title and description, no style attribute, the standalone file's colours, the Making Data Count icons."""
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ideas.charts import analyse, series_of_proportions, series_of_values
from ideas.charts.mdc import Summary
from ideas.pilots.svg import NARROW, PALETTE, WIDE, Labels, Marker, icon, render, ticks

NS = {"svg": "http://www.w3.org/2000/svg"}
LEVEL = [10, 11, 9, 10, 12, 8, 10, 11, 9, 10, 12, 8]
SHIFTED = LEVEL + [16, 17, 15, 16, 18, 17, 16, 15]
CSS = (Path(__file__).resolve().parents[1] / "static" / "css" / "app.css").read_text()


def labels_for(n: int, **extra) -> Labels:
    return Labels(title="Run chart: Night-time falls", desc="20 observations.",
                  dates=tuple(f"{i + 1} Jan" for i in range(n)), **extra)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg.removeprefix('<?xml version="1.0" encoding="UTF-8"?>\n'))


def having(root: ET.Element, cls: str) -> list[ET.Element]:
    return [e for e in root.iter() if cls in (e.get("class") or "").split() and "spc-key" not in e.get("class")]


def centres(root: ET.Element) -> list[tuple[float, float]]:
    """Each data point's centre: a circle's (cx, cy), or a diamond's (top corner x, right corner y)."""
    found = []
    for e in having(root, "spc-point"):
        if e.tag.endswith("circle"):
            found.append((float(e.get("cx")), float(e.get("cy"))))
        else:
            numbers = [float(n) for n in re.findall(r"-?\d+\.?\d*", e.get("d"))]
            found.append((numbers[0], numbers[3]))
    return found


def point_ys(root: ET.Element) -> list[float]:
    return [y for _, y in centres(root)]


def y_of(value: float, values, ys) -> float:
    """Where a value belongs, read off the lowest and highest points (the scale is linear)."""
    low, high = values.index(min(values)), values.index(max(values))
    return ys[low] + (value - values[low]) * (ys[high] - ys[low]) / (values[high] - values[low])


@pytest.mark.parametrize("frame", [WIDE, NARROW])
def test_one_point_a_observation_and_diamonds_for_the_signals(frame):
    analysis = analyse(series_of_values(SHIFTED), kind="run")
    root = parse(render(analysis, labels_for(20), frame))
    flagged = {i for s in analysis.signals if s.rule in {"shift", "trend", "astronomical"} for i in s.points}
    assert len(having(root, "spc-point")) == 20
    assert len(having(root, "spc-signal")) == len(flagged) == 8
    assert all(e.tag.endswith("path") for e in having(root, "spc-signal"))
    assert root.get("viewBox") == f"0 0 {frame.width} {frame.height}"


def test_the_title_and_description_name_the_image():
    svg = render(analyse(series_of_values(LEVEL), kind="run"), labels_for(12))
    root = parse(svg)
    assert root.get("role") == "img"
    title, desc = root.find("svg:title", NS), root.find("svg:desc", NS)
    assert title.text == "Run chart: Night-time falls" and desc.text == "20 observations."
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert "style" not in svg


def test_the_median_target_and_plan_baseline_lie_at_their_values():
    analysis = analyse(series_of_values(LEVEL), kind="run")
    root = parse(render(analysis, labels_for(12, target=8.5, plan_baseline=11.5)))
    ys = point_ys(root)
    for cls, value in (("spc-centre", 10), ("spc-target", 8.5), ("spc-plan-baseline", 11.5)):
        (line,) = having(root, cls)
        assert line.get("y1") == line.get("y2")
        assert float(line.get("y1")) == pytest.approx(y_of(value, LEVEL, ys), abs=0.2)


def test_each_phase_has_its_own_centre_line_and_limits_and_a_divider():
    analysis = analyse(series_of_values(SHIFTED * 2), kind="xmr", phase_at=[20])
    root = parse(render(analysis, labels_for(40)))
    ys = point_ys(root)
    centres = having(root, "spc-centre")
    assert len(centres) == 2 and len(having(root, "spc-limit")) == 4 and len(having(root, "spc-divider")) == 1
    for line, result in zip(centres, analysis.phases, strict=True):
        assert float(line.get("y1")) == pytest.approx(y_of(result.centre, SHIFTED * 2, ys), abs=0.2)
    upper = having(root, "spc-limit")[1]
    limit_y = float(re.findall(r"-?\d+\.?\d*", upper.get("d"))[1])
    assert limit_y == pytest.approx(y_of(analysis.phases[0].limits.upper(0), SHIFTED * 2, ys), abs=0.2)


def test_p_chart_limits_step_with_each_denominator():
    series = series_of_proportions([5, 12, 7, 30] * 5, [10, 20, 14, 50] * 5)
    root = parse(render(analyse(series, kind="p"), labels_for(20, percent=True)))
    lower = having(root, "spc-limit")[0]
    heights = set(re.findall(r"L[\d.]+ ([\d.]+)", lower.get("d")))
    assert len(heights) == 4  # one limit per denominator: 10, 14, 20 and 50
    assert any(t.text == "100%" for t in root.iter("{http://www.w3.org/2000/svg}text"))


def test_cycles_notes_and_a_frozen_baseline_are_drawn():
    analysis = analyse(series_of_values(SHIFTED), kind="run", baseline=12)
    root = parse(render(analysis, labels_for(20, cycles=(Marker(11.5, "PDSA 1"),), notes=(3, 12), frozen=12)))
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "PDSA 1" in texts and "frozen baseline" in texts and texts.count("1") >= 1 and "2" in texts
    (cycle,) = having(root, "spc-cycle")
    xs = [x for x, _ in centres(root)]
    assert len(having(root, "spc-band")) == 1 and len(having(root, "spc-note-mark")) == 2
    assert cycle.get("x1") == cycle.get("x2") and xs[11] < float(cycle.get("x1")) < xs[12]


def test_user_text_is_escaped():
    svg = render(analyse(series_of_values(LEVEL), kind="run"),
                 Labels(title="<script>alert(1)</script>", desc='"&', dates=tuple("<b>" for _ in LEVEL)))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "<b>" not in svg
    parse(svg)


def test_inline_has_classes_only_and_the_standalone_file_carries_its_colours():
    analysis = analyse(series_of_values(SHIFTED), kind="xmr")
    inline, standalone = render(analysis, labels_for(20)), render(analysis, labels_for(20), standalone=True)
    assert not re.search(r'(fill|stroke)="#', inline) and "style" not in inline
    assert standalone.startswith('<?xml version="1.0" encoding="UTF-8"?>') and "style" not in standalone
    root = parse(standalone)
    assert root.get("width") == str(WIDE.width) and root.get("font-family")
    assert having(root, "spc-signal")[0].get("fill") == PALETTE["spc-signal"]["fill"]
    assert having(root, "spc-limit")[0].get("stroke") == PALETTE["spc-limit"]["stroke"]


@pytest.mark.parametrize("cls", sorted(PALETTE))
def test_the_page_colours_match_the_standalone_palette(cls):
    rule = re.search(rf"\.{cls} \{{([^}}]*)\}}", CSS)
    assert rule, f".{cls} is missing from app.css"
    for prop, colour in PALETTE[cls].items():
        assert f"{prop}: {colour}" in rule.group(1)


@pytest.mark.parametrize(("low", "high", "expected"), [(3.9, 7.4, [3, 4, 5, 6, 7, 8]), (0, 1, [0, 0.2, 0.4, 0.6, 0.8, 1]),
                                                      (5, 5, [4, 4.5, 5, 5.5, 6]), (-12, 40, [-20, 0, 20, 40])])
def test_ticks_are_round_and_cover_the_values(low, high, expected):
    assert ticks(low, high) == expected


@pytest.mark.parametrize(("summary", "direction", "letter", "tone"), [
    (Summary("common_cause", "common cause variation"), "down", "~", "common"),
    (Summary("special_cause_improving", "special cause variation, improving: shift"), "down", "L", "improving"),
    (Summary("special_cause_improving", "special cause variation, improving: shift"), "up", "H", "improving"),
    (Summary("special_cause_concerning", "concerning"), "up", "L", "concerning"),
    (Summary("special_cause_neutral_high", "high"), None, "H", "neutral"),
    (Summary("consistently_met", "met"), "up", "P", "improving"),
    (Summary("consistently_failed", "failed"), "up", "F", "concerning"),
    (Summary("inconsistent", "hit and miss"), "up", "?", "common"),
])
def test_a_making_data_count_icon_has_its_letter_colour_and_words(summary, direction, letter, tone):
    root = parse(icon(summary, "icon-x", direction))
    assert root.get("role") == "img" and root.find("svg:title", NS).text == summary.text
    assert root.find("svg:text", NS).text == letter and root.find("svg:circle", NS).get("class") == f"spc-icon-{tone}"
