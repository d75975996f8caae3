"""Optional cost section: an ESTIMATE from explicit, user-supplied assumptions only."""

import json
from dataclasses import asdict, dataclass
from pathlib import Path

# Every field is an input: OpenMSK supplies no default rates or prices.
REQUIRED = ("currency", "surgery_unit_cost", "imaging_unit_cost",
            "avoided_surgeries_per_1000_enrolled", "avoided_imaging_per_1000_enrolled")


@dataclass(frozen=True)
class CostAssumptions:
    """Assumed avoided-utilisation rates and unit costs (inputs, not measurements)."""

    currency: str
    surgery_unit_cost: float
    imaging_unit_cost: float
    avoided_surgeries_per_1000_enrolled: float
    avoided_imaging_per_1000_enrolled: float
    source_note: str = ""


def load_cost_assumptions(path: str | Path) -> CostAssumptions:
    """Read cost assumptions from JSON; raises ValueError naming missing or invalid fields."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise ValueError(f"cannot read cost assumptions: {type(error).__name__}") from None
    if not isinstance(raw, dict):
        raise ValueError("cost assumptions must be a JSON object")
    missing = [k for k in REQUIRED if k not in raw]
    if missing:
        raise ValueError(f"cost assumptions missing fields: {', '.join(missing)}")
    numbers = {}
    for key in REQUIRED[1:]:
        if not isinstance(raw[key], int | float) or raw[key] < 0:
            raise ValueError(f"cost assumption '{key}' must be a non-negative number")
        numbers[key] = float(raw[key])
    return CostAssumptions(currency=str(raw["currency"]), source_note=str(raw.get("source_note", "")), **numbers)


def estimate_costs(report: dict, assumptions: CostAssumptions) -> dict:
    """Estimated avoided costs = enrolled / 1000 x assumed rate x assumed unit cost."""
    thousands = report["enrolled"] / 1000.0
    surgeries = thousands * assumptions.avoided_surgeries_per_1000_enrolled
    imaging = thousands * assumptions.avoided_imaging_per_1000_enrolled
    return {
        "label": "ESTIMATE from the stated assumptions; not a measured outcome",
        "assumptions": asdict(assumptions),
        "estimated_avoided_surgeries": surgeries,
        "estimated_avoided_imaging": imaging,
        "estimated_avoided_cost": surgeries * assumptions.surgery_unit_cost + imaging * assumptions.imaging_unit_cost,
    }
