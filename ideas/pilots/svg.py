"""A measure's chart as SVG text: pure (an Analysis and its labels in, markup out; no Flask, no database).

Inline in a page the colours come from CSS classes (static/css/app.css; our CSP allows no style
attribute); the standalone file (`standalone=True`) carries the same colours as presentation
attributes from PALETTE, so it keeps them when copied into a report. Signal points differ by
shape (a diamond) as well as colour (WCAG 1.4.1).
"""
import math
from dataclasses import dataclass
from html import escape

from ideas.charts import Analysis
from ideas.charts.mdc import Summary

# Signals that single out points; the runs rule reads a whole phase and is told in words only.
POINT_RULES = frozenset({"shift", "trend", "astronomical", "beyond_limits", "two_of_three"})

# The standalone file's colours; static/css/app.css gives the inline chart the same (tested).
PALETTE = {
    "spc-text": {"fill": "#1f2d3d"},
    "spc-grid": {"stroke": "#e3e8ee"},
    "spc-frame": {"stroke": "#9aa5b1"},
    "spc-band": {"fill": "#eef2f6"},
    "spc-divider": {"stroke": "#52606d"},
    "spc-cycle": {"stroke": "#6b4fa0"},
    "spc-cycle-label": {"fill": "#4a3475"},
    "spc-centre": {"stroke": "#1d5f8c"},
    "spc-limit": {"stroke": "#b3261e"},
    "spc-target": {"stroke": "#2e7d32"},
    "spc-plan-baseline": {"stroke": "#7a4a00"},
    "spc-data": {"stroke": "#52606d"},
    "spc-point": {"fill": "#1d5f8c"},
    "spc-signal": {"fill": "#c25e00", "stroke": "#5c2d00"},
    "spc-note-mark": {"fill": "#1f2d3d"},
    "spc-icon-common": {"fill": "#7b8794"},
    "spc-icon-improving": {"fill": "#1d5f8c"},
    "spc-icon-concerning": {"fill": "#c25e00"},
    "spc-icon-neutral": {"fill": "#6b4fa0"},
    "spc-icon-letter": {"fill": "#ffffff"},
}


@dataclass(frozen=True)
class Frame:
    """The drawing's size in viewBox units and its type size: one for wide screens, one for phones."""

    width: int
    height: int
    font: int
    name: str


WIDE = Frame(880, 400, 13, "wide")
NARROW = Frame(420, 360, 14, "narrow")


@dataclass(frozen=True)
class Marker:
    """A PDSA cycle's start, drawn between points: `at` 3.5 lies between the 4th and 5th points."""

    at: float
    label: str


@dataclass(frozen=True)
class Labels:
    """What the drawing says besides the analysis: names, per-point dates, reference lines, markers."""

    title: str
    desc: str
    dates: tuple[str, ...]  # a short date per point, under the axis
    percent: bool = False  # proportions drawn as per cent
    target: float | None = None
    plan_baseline: float | None = None  # the pilot plan's baseline value
    cycles: tuple[Marker, ...] = ()
    notes: tuple[int, ...] = ()  # annotated points, numbered 1, 2, … in this order
    frozen: int | None = None  # points in a frozen baseline


class _Pen:
    """Writes elements: a class always; standalone, the class's colours as presentation attributes too."""

    def __init__(self, standalone: bool, font: int):
        self.standalone, self.font = standalone, font

    def attrs(self, cls: str, attributes: dict) -> str:
        pairs = {"class": cls, **{k.replace("_", "-"): v for k, v in attributes.items()}}
        if self.standalone:
            for name in cls.split():
                pairs.update(PALETTE.get(name, {}))
        return " ".join(f'{key}="{escape(str(value))}"' for key, value in pairs.items() if value is not None)

    def shape(self, tag: str, cls: str, tip: str | None = None, **attributes) -> str:
        """An empty element, or one holding a `<title>` (a tooltip) when `tip` is given."""
        if tip is None:
            return f"<{tag} {self.attrs(cls, attributes)}/>"
        return f"<{tag} {self.attrs(cls, attributes)}><title>{escape(tip)}</title></{tag}>"

    def text(self, words: str, x: float, y: float, cls: str = "spc-text", **attributes) -> str:
        return f"<text {self.attrs(cls, {'x': round(x, 1), 'y': round(y, 1), **attributes})}>{escape(words)}</text>"

    def line(self, cls: str, x1: float, y1: float, x2: float, y2: float, **attributes) -> str:
        return self.shape("line", cls, x1=round(x1, 1), y1=round(y1, 1), x2=round(x2, 1), y2=round(y2, 1),
                          **attributes)


def number(value: float, percent: bool) -> str:
    """An axis or tooltip value: per cent for proportions, else up to four significant figures."""
    if percent:
        return f"{value * 100:.3g}%"
    return f"{value:.4g}"


def ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round values that span low..high, about `count` of them."""
    if not high > low:
        low, high = low - max(abs(low) * 0.1, 1), high + max(abs(high) * 0.1, 1)
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first, last = math.floor(low / step), math.ceil(high / step)
    return [round(k * step, 12) for k in range(first, last + 1)]


class _Plot:
    """Scales from points and values to the frame's coordinates."""

    def __init__(self, frame: Frame, n: int, low: float, high: float, top: float):
        self.left, self.right = frame.font * 3.6, frame.width - frame.font * 5.2
        self.top, self.bottom = top, frame.height - frame.font * 2.6
        self.n, self.low, self.high = max(n, 1), low, high

    def x(self, at: float) -> float:
        return round(self.left + (at + 0.5) * (self.right - self.left) / self.n, 1)

    def y(self, value: float) -> float:
        share = (self.high - value) / (self.high - self.low)
        return round(self.top + share * (self.bottom - self.top), 1)


def _extent(analysis: Analysis, labels: Labels) -> list[float]:
    found = list(analysis.series.values)
    for point in analysis.points():
        found += [v for v in (point["centre"], point["lower"], point["upper"]) if v is not None]
    found += [v for v in (labels.target, labels.plan_baseline) if v is not None]
    return [v for v in found if math.isfinite(v)]


def _legend(analysis: Analysis, labels: Labels, frame: Frame, pen: _Pen) -> tuple[list[str], float]:
    """The key across the top, wrapping to the frame; returns its markup and the height it takes."""
    control = analysis.kind != "run"
    items = [("line", "spc-centre", "mean" if analysis.kind == "xmr" else "centre line" if control else "median"),
             ("diamond", "spc-signal", "signal")]
    if control:
        items.insert(1, ("dash", "spc-limit", "control limits"))
    if labels.target is not None:
        items.append(("dash", "spc-target", "target"))
    if labels.plan_baseline is not None:
        items.append(("dot", "spc-plan-baseline", "plan baseline"))
    if labels.cycles:
        items.append(("dash", "spc-cycle", "PDSA cycle start"))
    f, x, y, out = frame.font, frame.font * 0.5, frame.font * 1.2, []
    for shape, cls, words in items:
        width = f * 2.2 + len(words) * f * 0.55
        if x + width > frame.width:
            x, y = f * 0.5, y + f * 1.5
        mid = y - f * 0.35
        if shape == "diamond":
            out.append(pen.shape("path", f"{cls} spc-key", d=_diamond(x + f * 0.7, mid, f * 0.45)))
        else:
            dash = {"line": None, "dash": "6 4", "dot": "2 3"}[shape]
            out.append(pen.line(f"{cls} spc-key", x, mid, x + f * 1.6, mid, stroke_width=2, stroke_dasharray=dash))
        out.append(pen.text(words, x + f * 2, y))
        x += width + f
    return out, y + f * 0.9


def _diamond(x: float, y: float, r: float) -> str:
    return f"M{x:.1f} {y - r:.1f}L{x + r:.1f} {y:.1f}L{x:.1f} {y + r:.1f}L{x - r:.1f} {y:.1f}Z"


def _limit_path(plot: _Plot, start: int, values: list[float]) -> str:
    """A stepped line: each point's limit held for half a step either side (p-chart limits vary)."""
    parts = []
    for k, value in enumerate(values):
        at, y = start + k, plot.y(value)
        parts.append(f"{'M' if k == 0 else 'L'}{plot.x(at - 0.45)} {y}L{plot.x(at + 0.45)} {y}")
    return "".join(parts)


def _phases(analysis: Analysis, plot: _Plot, pen: _Pen) -> list[str]:
    """Each phase's centre line and limits, drawn apart; a divider where a new phase starts."""
    out, points = [], analysis.points()
    for result in analysis.phases:
        phase = result.phase
        if phase.start:
            x = plot.x(phase.start - 0.5)
            out.append(pen.line("spc-divider", x, plot.top, x, plot.bottom, stroke_width=1.5))
        y = plot.y(result.centre)
        out.append(pen.line("spc-centre", plot.x(phase.start - 0.45), y, plot.x(phase.stop - 0.55), y, stroke_width=2))
        rows = points[phase.start:phase.stop]
        for side in ("lower", "upper"):
            if rows[0][side] is not None:
                d = _limit_path(plot, phase.start, [row[side] for row in rows])
                out.append(pen.shape("path", "spc-limit", d=d, fill="none", stroke_width=1.5, stroke_dasharray="6 4"))
    return out


def _reference(plot: _Plot, value: float | None, cls: str, words: str, dash: str, pen: _Pen) -> list[str]:
    """A horizontal line across the plot at a plan value (target, baseline), named at its right end."""
    if value is None:
        return []
    y = plot.y(value)
    return [pen.line(cls, plot.left, y, plot.right, y, stroke_width=1.5, stroke_dasharray=dash),
            pen.text(words, plot.right + 4, y + pen.font * 0.35)]


def _axes(plot: _Plot, values: list[float], labels: Labels, pen: _Pen) -> list[str]:
    f = pen.font
    out = [pen.shape("rect", "spc-frame", x=plot.left, y=plot.top, width=round(plot.right - plot.left, 1),
                     height=round(plot.bottom - plot.top, 1), fill="none")]
    for value in values:
        y = plot.y(value)
        out.append(pen.line("spc-grid", plot.left, y, plot.right, y))
        out.append(pen.text(number(value, labels.percent), plot.left - 4, y + f * 0.35, text_anchor="end"))
    room = max(1, int((plot.right - plot.left) // (f * 4.5)))
    every = max(1, math.ceil(plot.n / room))
    for i in range(0, len(labels.dates), every):
        out.append(pen.text(labels.dates[i], plot.x(i), plot.bottom + f * 1.4, text_anchor="middle"))
    return out


def _points(analysis: Analysis, plot: _Plot, labels: Labels, pen: _Pen) -> list[str]:
    """The data line, a circle a point or a diamond where a signal flags it, and the notes' numbers."""
    values = analysis.series.values
    flagged: dict[int, list[str]] = {}
    for signal in analysis.signals:
        if signal.rule in POINT_RULES:
            for i in signal.points:
                flagged.setdefault(i, []).append(signal.rule.replace("_", " "))
    line = " ".join(f"{plot.x(i)},{plot.y(v)}" for i, v in enumerate(values))
    out = [pen.shape("polyline", "spc-data", points=line, fill="none", stroke_width=1.5)]
    radius = pen.font * 0.32
    for i, value in enumerate(values):
        x, y = plot.x(i), plot.y(value)
        tip = f"{labels.dates[i]}: {number(value, labels.percent)}"
        if i in flagged:
            tip += " (signal: " + ", ".join(dict.fromkeys(flagged[i])) + ")"
            out.append(pen.shape("path", "spc-point spc-signal", tip, d=_diamond(x, y, radius * 1.9), stroke_width=1))
        else:
            out.append(pen.shape("circle", "spc-point", tip, cx=x, cy=y, r=round(radius, 1)))
    for n, i in enumerate(labels.notes, start=1):
        out.append(pen.text(str(n), plot.x(i), plot.y(values[i]) - pen.font * 0.9, "spc-note-mark",
                            text_anchor="middle", font_weight="bold"))
    return out


def _band(plot: _Plot, labels: Labels, pen: _Pen) -> list[str]:
    """The frozen baseline, shaded under the grid."""
    if not labels.frozen:
        return []
    x1, x2 = plot.x(-0.5), plot.x(labels.frozen - 0.5)
    return [pen.shape("rect", "spc-band", x=x1, y=plot.top, width=round(x2 - x1, 1),
                      height=round(plot.bottom - plot.top, 1)),
            pen.text("frozen baseline", x1 + 4, plot.bottom - 6)]


def _cycles(plot: _Plot, labels: Labels, pen: _Pen) -> list[str]:
    """A dashed line where each PDSA cycle started, named above the plot."""
    out, f = [], pen.font
    for marker in labels.cycles:
        x = plot.x(marker.at)
        out.append(pen.line("spc-cycle", x, plot.top - f * 0.3, x, plot.bottom, stroke_width=1.5,
                            stroke_dasharray="3 3"))
        out.append(pen.text(marker.label, x + 3, plot.top - f * 0.45, "spc-cycle-label"))
    return out


def render(analysis: Analysis, labels: Labels, frame: Frame = WIDE, *, standalone: bool = False) -> str:
    """The chart as an `<svg role="img">` with its title and description; standalone, a complete file."""
    pen, ident = _Pen(standalone, frame.font), f"spc-{analysis.kind}-{frame.name}"
    legend, legend_height = _legend(analysis, labels, frame, pen)
    extent = _extent(analysis, labels)
    y_ticks = ticks(min(extent), max(extent))
    plot = _Plot(frame, len(analysis.series.values), y_ticks[0], y_ticks[-1], legend_height + frame.font * 1.4)
    body = [*legend, *_band(plot, labels, pen), *_axes(plot, y_ticks, labels, pen), *_cycles(plot, labels, pen)]
    body += _reference(plot, labels.target, "spc-target", "target", "8 4", pen)
    body += _reference(plot, labels.plan_baseline, "spc-plan-baseline", "baseline", "2 3", pen)
    body += _phases(analysis, plot, pen)
    body += _points(analysis, plot, labels, pen)
    sizing = f'width="{frame.width}" height="{frame.height}" font-family="system-ui, sans-serif" ' if standalone else ""
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" {sizing}viewBox="0 0 {frame.width} {frame.height}" '
           f'font-size="{frame.font}" role="img" class="spc-chart spc-{frame.name}" '
           f'aria-labelledby="{ident}-title {ident}-desc">'
           f'<title id="{ident}-title">{escape(labels.title)}</title>'
           f'<desc id="{ident}-desc">{escape(labels.desc)}</desc>'
           + "".join(body) + "</svg>")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + svg + "\n" if standalone else svg


ICON_LETTERS = {"common_cause": "~", "consistently_met": "P", "consistently_failed": "F", "inconsistent": "?"}


def _letter(code: str, direction: str | None) -> str:
    """H or L for special cause (high or low), P, F or ? for assurance, ~ for common cause."""
    if code.startswith("special_cause_neutral_"):
        return "H" if code.endswith("high") else "L"
    if code in ("special_cause_improving", "special_cause_concerning"):
        return "H" if code.endswith("improving") == (direction == "up") else "L"
    return ICON_LETTERS[code]


def icon(summary: Summary, ident: str, direction: str | None) -> str:
    """A Making Data Count icon: a coloured disc with its letter, its words as the text alternative."""
    code = summary.code
    tone = ("improving" if code in ("special_cause_improving", "consistently_met") else
            "concerning" if code in ("special_cause_concerning", "consistently_failed") else
            "neutral" if code.startswith("special_cause_neutral") else "common")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40" class="spc-icon" role="img" '
            f'aria-labelledby="{ident}-title"><title id="{ident}-title">{escape(summary.text)}</title>'
            f'<circle cx="20" cy="20" r="18" class="spc-icon-{tone}"/>'
            f'<text x="20" y="27" text-anchor="middle" font-size="20" font-weight="bold" class="spc-icon-letter">'
            f'{escape(_letter(code, direction))}</text></svg>')
