"""Turning the pages' HTML forms into the service's plain inputs (errors as Invalid, naming the row)."""

from openmsk.errors import Invalid
from openmsk.exercise.library import Dose

MAX_ROWS = 12


def number(form, key: str, low: int, high: int, *, default: int | None = None) -> int | None:
    """A whole number from a form field within [low, high], the default when blank, else Invalid."""
    raw = str(form.get(key, "")).strip()
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise Invalid(f"{key}: enter a whole number") from None
    if not low <= value <= high:
        raise Invalid(f"{key}: must be from {low} to {high}")
    return value


def where(location, plan) -> str:
    """A readable place for an error location like ['entries', 2, 'pain_after']."""
    parts = list(location)
    if len(parts) >= 2 and parts[0] == "entries" and isinstance(parts[1], int) and plan:
        name = plan.items[parts[1]]["exercise_id"].replace("_", " ") if parts[1] < len(plan.items) else "?"
        return f"{name} {parts[2].replace('_', ' ') if len(parts) > 2 else ''}".strip()
    return " ".join(str(p) for p in parts)


def session_from_form(form, plan) -> dict:
    """The log_session arguments from the member's form."""
    if plan is None:
        raise Invalid("there is no approved plan to log against")
    entries = []
    for i, item in enumerate(plan.items):
        exercise_id = str(form.get(f"exercise_{i}", ""))
        if not exercise_id:
            continue
        dose = Dose(**item["dose"])
        skipped = form.get(f"skip_{i}") == "on"
        entry = {"exercise_id": exercise_id, "skipped": skipped,
                 "skip_reason": str(form.get(f"skip_reason_{i}", "")).strip()[:300]}
        if not skipped:
            amount = number(form, f"amount_{i}", 0, 600)
            unit = "minutes_done" if dose.minutes is not None else "hold_s_done" if dose.hold_s else "reps_done"
            entry.update({unit: amount, "sets_done": number(form, f"sets_{i}", 0, 10),
                          "difficulty": form.get(f"difficulty_{i}") or None,
                          "pain_before": number(form, f"pain_before_{i}", 0, 10),
                          "pain_after": number(form, f"pain_after_{i}", 0, 10)})
            if entry["difficulty"] not in (None, "too_easy", "right", "too_hard"):
                raise Invalid("difficulty: choose too easy, right or too hard")
        entries.append(entry)
    if not entries:
        raise Invalid("nothing to log")
    version = number(form, "plan_version", 1, 10**6)
    key = str(form.get("idempotency_key", "")).strip()[:80]
    if version is None or not key:
        raise Invalid("the form expired; reload the page")
    return {"plan_version": version, "idempotency_key": key, "entries": entries,
            "note": str(form.get("note", "")).strip()[:1000]}


def plan_from_form(form) -> tuple[list[dict], int, str]:
    """Plan items, sessions per week and the change note from the editor form."""
    items = []
    for i in range(MAX_ROWS + 3):
        exercise_id = str(form.get(f"exercise_{i}", "")).strip()
        if not exercise_id or form.get(f"remove_{i}") == "on":
            continue
        dose = {k: number(form, f"{k}_{i}", 1, 600) for k in ("sets", "reps", "hold_s", "minutes")}
        dose = {k: v for k, v in dose.items() if v is not None}
        items.append({"exercise_id": exercise_id, "dose": dose or None,
                      "rationale": str(form.get(f"rationale_{i}", "")).strip()[:300]})
    if not items:
        raise Invalid("a plan needs at least one exercise")
    if len(items) > MAX_ROWS:
        raise Invalid(f"a plan holds at most {MAX_ROWS} exercises")
    note = str(form.get("note", "")).strip()[:1000]
    if not note:
        raise Invalid("note: say why the plan changed")
    return items, number(form, "sessions_per_week", 1, 7, default=3), note
