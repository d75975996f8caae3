"""Small server-rendered SVG charts (pure string building, no JavaScript) for progress pages."""

from html import escape

from openmsk.outcomes.progress import Series

WIDTH, HEIGHT = 360, 180
LEFT, RIGHT, TOP, BOTTOM = 36, 10, 12, 28
COLOUR = "#0f6e6e"


def _fmt(value: float) -> str:
    """A short label for an axis or a point.

    >>> _fmt(3.0), _fmt(2.456)
    ('3', '2.5')
    """
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def chart_svg(series: Series, *, last_week: int = 12) -> str:
    """An accessible SVG line (or bar) chart of one series over program weeks 0..last_week."""
    last_week = max(last_week, max((w for w, _ in series.points), default=0))
    low, high = series.y_range
    high = high if high > low else low + 1.0
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(week: float) -> float:
        return LEFT + plot_w * week / max(last_week, 1)

    def y(value: float) -> float:
        clipped = min(max(value, low), high)
        return TOP + plot_h * (1 - (clipped - low) / (high - low))

    label = f"{series.title}: " + ", ".join(f"week {w} {_fmt(v)}" for w, v in series.points)
    parts = [f'<svg class="outcomes-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'aria-label="{escape(label)}" data-series="{escape(series.key)}">',
             f"<title>{escape(series.title)}</title>"]
    for tick in (low, (low + high) / 2, high):
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
                     'stroke="#d9e1ea"/>')
        parts.append(f'<text x="{LEFT - 4}" y="{y(tick) + 4:.1f}" font-size="10" text-anchor="end" '
                     f'fill="#5b6b7c">{_fmt(tick)}</text>')
    for week in range(0, last_week + 1, 2 if last_week > 8 else 1):
        parts.append(f'<text x="{x(week):.1f}" y="{HEIGHT - 12}" font-size="10" text-anchor="middle" '
                     f'fill="#5b6b7c">{week}</text>')
    parts.append(f'<text x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 1}" font-size="10" text-anchor="middle" '
                 'fill="#5b6b7c">program week</text>')
    if series.kind == "bar":
        bar = max(plot_w / (last_week + 1) * 0.6, 2)
        for week, value in series.points:
            top = y(value)
            parts.append(f'<rect x="{x(week) - bar / 2:.1f}" y="{top:.1f}" width="{bar:.1f}" '
                         f'height="{TOP + plot_h - top:.1f}" fill="{COLOUR}"><title>week {week}: '
                         f'{_fmt(value)}</title></rect>')
    else:
        path = " ".join(f"{x(w):.1f},{y(v):.1f}" for w, v in series.points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{COLOUR}" stroke-width="2"/>')
        for week, value in series.points:
            parts.append(f'<circle cx="{x(week):.1f}" cy="{y(value):.1f}" r="3.5" fill="{COLOUR}">'
                         f'<title>week {week}: {_fmt(value)}</title></circle>')
    parts.append("</svg>")
    return "".join(parts)
