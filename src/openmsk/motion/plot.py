"""PNG plot of a session's tracked angle with its reps marked (matplotlib, Agg backend)."""

import io

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402


def session_plot_png(trace: dict, rep_details: list[dict], *, title: str, unit: str = "deg") -> bytes:
    """The angle trace over time, complete reps shaded green and partial reps grey, as PNG bytes."""
    fig = Figure(figsize=(7, 2.8), dpi=100)
    ax = fig.add_subplot()
    t = trace.get("t") or []
    values = [float("nan") if v is None else v for v in (trace.get("value") or [])]
    ax.plot(t[:len(values)], values, color="#1f4e79", linewidth=1.4)
    for i, rep in enumerate(rep_details, 1):
        complete = rep.get("complete", True)
        ax.axvspan(rep["start_s"], rep["end_s"], color="#2e7d32" if complete else "#9e9e9e", alpha=0.18)
        if complete:
            ax.annotate(str(i), ((rep["start_s"] + rep["end_s"]) / 2, 1.0), xycoords=("data", "axes fraction"),
                        ha="center", va="bottom", fontsize=8)
    ax.set_xlabel("time (s)")
    ax.set_ylabel(unit)
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
