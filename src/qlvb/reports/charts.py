"""Bar charts drawn on the server as SVG (no script, no CDN): the geometry is computed here, the template
``reports/_chart.html`` writes it out with a ``<title>`` and a ``<desc>`` that say every number in words;
the same numbers stand in a table under the chart, each a link to the list behind it.

Colours have at least 3:1 contrast on white (WCAG 1.4.11) and every series is also named in the legend
and the table, so colour is never the only carrier of meaning."""

from __future__ import annotations

from dataclasses import dataclass, field

COLOURS = {
    "on_time": "#146c43",
    "late": "#9a4d00",
    "overdue": "#b02a37",
    "not_due": "#6c757d",
    "incoming": "#0a58ca",
    "outgoing": "#59359a",
    "documents": "#0a58ca",
    "tasks": "#9a4d00",
}
WIDTH = 440
LABEL_W = 150
BAR_H = 22
GAP = 10
TOP = 8


@dataclass(frozen=True)
class Segment:
    series: str
    value: int
    x: float
    width: float
    colour: str


@dataclass(frozen=True)
class Bar:
    label: str
    y: float
    text_y: float
    total: int
    total_x: float
    segments: list[Segment] = field(default_factory=list)


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    desc: str
    height: int
    bars: list[Bar]
    legend: list[tuple[str, str]]  # (label, colour)
    width: int = WIDTH
    label_w: int = LABEL_W


def _short(label: str, limit: int = 20) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def stacked(
    *, id: str, title: str, rows: list[dict[str, object]], series: list[tuple[str, str]], limit: int = 12
) -> Chart:
    """Horizontal stacked bars: one per row (``row["label"]``), one segment per series present."""
    rows = rows[:limit]
    top = max((sum(int(r[s] or 0) for s, _l in series) for r in rows), default=0)  # type: ignore[call-overload]
    plot = WIDTH - LABEL_W - 40
    scale = plot / top if top else 0.0
    bars = []
    descs = []
    for i, row in enumerate(rows):
        y = TOP + i * (BAR_H + GAP)
        x = float(LABEL_W)
        segments = []
        parts = []
        for name, label in series:
            value = int(row[name] or 0)  # type: ignore[call-overload]
            if value:
                segments.append(Segment(name, value, round(x, 1), round(max(value * scale, 2.0), 1), COLOURS[name]))
                x += max(value * scale, 2.0)
            parts.append(f"{label} {value}")
        total = sum(s.value for s in segments)
        bars.append(Bar(_short(str(row["label"])), y, y + BAR_H * 0.7, total, round(x + 6, 1), segments))
        descs.append(f"{row['label']}: " + ", ".join(parts))
    height = TOP * 2 + max(len(rows), 1) * (BAR_H + GAP)
    desc = "; ".join(descs) if descs else "Không có số liệu."
    return Chart(id, title, desc, height, bars, [(label, COLOURS[name]) for name, label in series])
