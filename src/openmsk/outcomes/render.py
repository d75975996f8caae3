"""Render a computed report as CSV (key and subgroup tables) or self-contained HTML."""

import csv
import io
from html import escape

from openmsk.outcomes.plots import all_figures, figure_png_base64

KEY_METRICS = (
    "enrolled", "enrolled_baseline_zero_excluded", "completers", "completers_n_analysed",
    "completers_pain_change_pct_mean", "completers_pain_change_pct_median",
    "completers_pain_change_pct_ci95", "completers_pain_change_pct_median_ci95",
    "completers_cohort_mean_pain_change_pct", "completers_responders_30pct",
    "completers_responders_50pct", "completers_responders_2points",
    "itt_members", "itt_n_analysed", "itt_pain_change_pct_mean", "itt_pain_change_pct_median",
    "itt_pain_change_pct_ci95", "itt_responders_30pct", "itt_responders_50pct", "itt_responders_2points",
    "observed_only_n_analysed", "observed_only_pain_change_pct_mean",
)
SECONDARY = (("phq9_elevated", "n_paired", "mean_change"), ("gad7_elevated", "n_paired", "mean_change"),
             ("surgery_intent", "n_paired", "mean_change"))


def key_metrics(report: dict) -> list[tuple[str, object, bool]]:
    """The headline table as (metric, value, suppressed) rows."""
    suppressed = set(report["suppressed_fields"])
    rows = []
    for name in KEY_METRICS:
        value, hidden = report[name], name in suppressed
        if isinstance(value, list) or (hidden and name.endswith("ci95")):
            low, high = value if value else (None, None)
            rows += [(f"{name}_low", low, hidden), (f"{name}_high", high, hidden)]
        else:
            rows.append((name, value, hidden))
    for section, n_key, value_key in SECONDARY:
        part = report[section]
        # A None count was withheld as a small cell (openmsk.outcomes.disclosure).
        rows.append((f"{section}_n", part[n_key], part[n_key] is None))
        rows.append((f"{section}_{value_key}", part[value_key], part["suppressed"]))
    opioids = report["opioid_use"]
    for label in ("baseline", "week12"):
        share, n = opioids[f"{label}_share"], opioids[f"{label}_n"]
        hidden = opioids[f"{label}_suppressed"] or (share is None and n != 0)
        rows.append((f"opioid_use_{label}_share", share, hidden))
    engagement = report["engagement"]
    rows.append(("sessions_per_active_week_mean", engagement["sessions_per_active_week_mean"], False))
    return rows


def format_value(value) -> str:
    """A value as report text: lists as 'low to high', floats to 4 significant decimals."""
    if value is None:
        return ""
    if isinstance(value, list):
        return " to ".join(format_value(v) for v in value)
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1 else f"{value:.2f}"
    return str(value)


def subgroup_rows(report: dict):
    """Yield (dimension, level, column, value, suppressed) for every subgroup cell."""
    for dimension, rows in report["subgroups"].items():
        for row in rows:
            for column, cell in row.items():
                if column != "level":
                    yield dimension, row["level"], column, cell["value"], cell["suppressed"]


def render_csv(report: dict) -> str:
    """Long-format CSV: the key table, then the subgroup table (suppressed cells left empty)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["table", "group", "level", "metric", "value", "suppressed"])
    for name, value, hidden in key_metrics(report):
        writer.writerow(["key", "all", "all", name, "" if hidden else format_value(value), str(hidden).lower()])
    for dimension, level, column, value, hidden in subgroup_rows(report):
        writer.writerow(["subgroup", dimension, level, column, "" if hidden else format_value(value), str(hidden).lower()])
    return buffer.getvalue()


def _cell_html(value, hidden: bool) -> str:
    """One table cell; suppressed cells are labelled, never given a number."""
    return '<td class="suppressed">suppressed</td>' if hidden else f"<td>{escape(format_value(value))}</td>"


def _subgroup_html(report: dict) -> str:
    """One HTML table per subgroup dimension."""
    parts = []
    for dimension, rows in report["subgroups"].items():
        if not rows:
            continue
        columns = [c for c in rows[0] if c != "level"]
        head = "".join(f"<th>{escape(c)}</th>" for c in ["level", *columns])
        body = "".join(
            f"<tr><td>{escape(row['level'])}</td>"
            + "".join(_cell_html(row[c]["value"], row[c]["suppressed"]) for c in columns) + "</tr>"
            for row in rows)
        parts.append(f"<h3>{escape(dimension)}</h3><table><tr>{head}</tr>{body}</table>")
    return "".join(parts)


def _cost_html(report: dict) -> str:
    """The optional cost section, labelled as an estimate with its assumptions."""
    cost = report.get("cost_estimate")
    if not cost:
        return ""
    rows = "".join(f"<tr><td>{escape(k)}</td><td>{escape(format_value(v))}</td></tr>" for k, v in cost["assumptions"].items())
    return (f"<h2>Cost estimate</h2><p class=\"warn\">{escape(cost['label'])}</p>"
            f"<h3>Assumptions (inputs)</h3><table>{rows}</table><table>"
            + "".join(f"<tr><td>{k}</td><td>{escape(format_value(cost[k]))}</td></tr>"
                      for k in ("estimated_avoided_surgeries", "estimated_avoided_imaging", "estimated_avoided_cost"))
            + "</table>")


_STYLE = ("body{font-family:sans-serif;max-width:60rem;margin:2rem auto;color:#222}"
          "table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccc;padding:.2rem .5rem}"
          ".suppressed{color:#888;font-style:italic}.warn{background:#fff3cd;padding:.5rem}img{max-width:100%}")


def _count(value) -> str:
    """A count, or 'suppressed' when it was withheld as a small cell."""
    return "suppressed" if value is None else str(value)


def report_body_html(report: dict) -> str:
    """The report's sections as an HTML fragment (key numbers, figures, subgroups, cost, methods)."""
    key = "".join(f"<tr><td>{escape(n)}</td>{_cell_html(v, h)}</tr>" for n, v, h in key_metrics(report))
    images = "".join(f'<img alt="figure" src="data:image/png;base64,{figure_png_base64(f)}">'
                     for f in all_figures(report))
    definitions = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in report["definitions"].items())
    source = report["input"]
    problems = "".join(f"<li>{escape(p)}</li>" for p in source["problems"])
    cohort = report.get("cohort")
    scope = ("<h2>Cohort</h2><table>" + "".join(f"<tr><td>{escape(k)}</td><td>{escape(str(v or 'any'))}</td></tr>"
                                              for k, v in cohort.items()) + "</table>") if cohort else ""
    if report.get("cost_estimate_withheld"):
        scope += "<p class=\"warn\">The cost estimate is withheld: the cohort is below the minimum cell size.</p>"
    return (f"{scope}<h2>Key numbers</h2><table data-testid=\"key-numbers\"><tr><th>metric</th><th>value</th></tr>{key}</table>"
            f"<h2>Figures</h2>{images}<h2>Subgroups</h2>{_subgroup_html(report)}{_cost_html(report)}"
            f"<h2>Input</h2><p>Rows read: {_count(source['rows_read'])}; rows excluded: {_count(source['rows_excluded'])}; "
            f"problems: {source['problems_count']}.</p><ul>{problems}</ul>"
            f"<h2>Methods and definitions</h2><p>Definitions version {escape(report['definitions_version'])}; "
            f"minimum cell size {report['parameters']['min_cell_size']}.</p><dl>{definitions}</dl>")


def render_html(report: dict) -> str:
    """A self-contained HTML report (aggregate only) with methods, definitions and embedded plots."""
    banner = '<p class="warn">SYNTHETIC DATA: not real members.</p>' if report["synthetic"] else ""
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>OpenMSK program outcomes"
            f"</title><style>{_STYLE}</style></head><body><h1>OpenMSK program outcomes</h1>{banner}"
            f"{report_body_html(report)}</body></html>")
