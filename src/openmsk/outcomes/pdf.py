"""Multi-page PDF report via matplotlib's PdfPages: key numbers and definitions, then plots."""

import io
import textwrap

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from openmsk.outcomes.plots import all_figures
from openmsk.outcomes.render import format_value, key_metrics

_LINES_PER_PAGE = 62


def _text_lines(report: dict) -> list[str]:
    """The key numbers, cost estimate and definitions as wrapped text lines."""
    lines = ["OpenMSK program outcomes" + (" - SYNTHETIC DATA" if report["synthetic"] else ""),
             f"Definitions version {report['definitions_version']}; "
             f"minimum cell size {report['parameters']['min_cell_size']}", ""]
    if report.get("cohort"):
        lines += [f"Cohort {k}: {v or 'any'}" for k, v in report["cohort"].items()] + [""]
    for name, value, hidden in key_metrics(report):
        lines.append(f"{name}: {'suppressed' if hidden else format_value(value)}")
    cost = report.get("cost_estimate")
    if cost:
        lines += ["", f"Cost estimate - {cost['label']}"]
        lines += [f"  assumption {k}: {format_value(v)}" for k, v in cost["assumptions"].items()]
        lines.append(f"  estimated_avoided_cost: {format_value(cost['estimated_avoided_cost'])}")
    lines += ["", "Definitions"]
    for key, text in report["definitions"].items():
        lines += textwrap.wrap(f"{key}: {text}", 100, subsequent_indent="    ")
    return lines


def _text_page(lines: list[str]) -> Figure:
    """One A4 portrait page of monospaced text."""
    figure = Figure(figsize=(8.27, 11.69))
    FigureCanvasAgg(figure)
    figure.text(0.05, 0.97, "\n".join(lines), va="top", family="monospace", fontsize=7.5)
    return figure


def render_pdf(report: dict) -> bytes:
    """The report as a multi-page PDF (text pages first, then one page per plot)."""
    buffer = io.BytesIO()
    lines = _text_lines(report)
    with PdfPages(buffer) as pdf:
        for start in range(0, len(lines), _LINES_PER_PAGE):
            pdf.savefig(_text_page(lines[start : start + _LINES_PER_PAGE]))
        for figure in all_figures(report):
            pdf.savefig(figure)
    return buffer.getvalue()
