"""Report figures drawn with matplotlib's Agg canvas (no pyplot, no global state)."""

import base64
import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

_COLOURS = ("#2b6cb0", "#dd6b20", "#38a169")


def _figure() -> Figure:
    """A new figure attached to an Agg canvas."""
    figure = Figure(figsize=(7.0, 3.6), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def pain_trajectory_figure(report: dict) -> Figure:
    """Mean pain by week (enrolled members observed that week) with its 95% CI band."""
    figure = _figure()
    axes = figure.add_subplot()
    shown = [e for e in report["pain_by_week"] if not e["suppressed"] and e["mean"] is not None]
    weeks = [e["week"] for e in shown]
    axes.plot(weeks, [e["mean"] for e in shown], marker="o", color=_COLOURS[0], label="mean pain")
    banded = [e for e in shown if e["ci95"][0] is not None]
    axes.fill_between([e["week"] for e in banded], [e["ci95"][0] for e in banded],
                      [e["ci95"][1] for e in banded], alpha=0.25, color=_COLOURS[0], label="95% CI")
    axes.set(xlabel="program week", ylabel="pain (0-10)", ylim=(0, 10), xlim=(-0.5, 12.5),
             title="Pain trajectory (weeks with fewer than the minimum cell size omitted)")
    axes.legend(loc="upper right")
    return figure


def responder_figure(report: dict) -> Figure:
    """Responder shares (>=30%, >=50%, >=2 points) for completers and intention to treat."""
    figure = _figure()
    axes = figure.add_subplot()
    labels = (">=30% reduction", ">=50% reduction", ">=2 points")
    keys = ("responders_30pct", "responders_50pct", "responders_2points")
    for offset, (view, colour) in enumerate((("completers", _COLOURS[0]), ("itt", _COLOURS[1]))):
        shares = [report.get(f"{view}_{k}") for k in keys]
        positions = [i + (offset - 0.5) * 0.38 for i in range(len(keys))]
        heights = [s * 100 if s is not None else 0 for s in shares]
        bars = axes.bar(positions, heights, width=0.36, color=colour,
                        label="completers" if view == "completers" else "intention to treat")
        for bar, share in zip(bars, shares):
            text = "suppressed" if share is None else f"{share:.0%}"
            axes.annotate(text, (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                          ha="center", va="bottom", fontsize=8)
    axes.set_xticks(range(len(keys)), labels)
    axes.set(ylabel="% of members", ylim=(0, 105), title="Pain responders")
    axes.legend(loc="upper right")
    return figure


def engagement_figure(report: dict) -> Figure:
    """Engagement funnel: share of enrolled members retained at each week."""
    figure = _figure()
    axes = figure.add_subplot()
    entries = report["engagement"]["retention_by_week"]
    weeks = [e["week"] for e in entries]
    shares = [e["share"] * 100 if e["share"] is not None else 0 for e in entries]
    axes.bar(weeks, shares, color=_COLOURS[2])
    for entry in entries:
        if entry["suppressed"]:
            axes.annotate("suppressed", (entry["week"], 1), ha="center", rotation=90, fontsize=7)
    axes.set(xlabel="program week", ylabel="% of enrolled with data at or after week",
             ylim=(0, 105), title="Engagement funnel (retention by week)")
    return figure


def all_figures(report: dict) -> list[Figure]:
    """Every report figure, in report order."""
    return [pain_trajectory_figure(report), responder_figure(report), engagement_figure(report)]


def figure_png_base64(figure: Figure) -> str:
    """A figure as a base64-encoded PNG (for embedding in self-contained HTML)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return base64.b64encode(buffer.getvalue()).decode("ascii")
