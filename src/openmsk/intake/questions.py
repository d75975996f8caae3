"""The onboarding questionnaire as screens, one question each, built from the instrument definitions (pure).

Only instruments whose item wording may be reproduced are asked in the member flow; PEG, PSS-4 and the
licensed function scales (ODI, NDI, KOOS JR, HOOS JR, QuickDASH) are entered by clinicians where licensed.
"""

from openmsk.intake.instruments.base import Item
from openmsk.intake.scoring import get_instrument

SECTIONS = (
    ("nrs", "Your pain"),
    ("phq9", "Over the last 2 weeks, how often have you been bothered by:"),
    ("gad7", "Over the last 2 weeks, how often have you been bothered by:"),
    ("red_flags", "Safety check: do you have any of these now?"),
)
# Lifestyle items asked, in order; blank ones may be skipped except where marked required.
LIFESTYLE = ("body_regions", "pain_duration_weeks", "height_cm", "weight_kg", "activity_days_per_week",
             "activity_minutes_per_day", "sleep_hours", "smoking_status", "auditc_1", "auditc_2", "auditc_3",
             "ssb_per_week", "fruit_veg_servings_per_day", "pain_medication", "opioid_use", "surgery_intent",
             "goals", "goals_text")
REQUIRED_LIFESTYLE = ("body_regions",)
# AUDIT-C items 1-3 are answered together (the instrument scores all or none of them).
GROUPED = {"auditc_1", "auditc_2", "auditc_3"}


def _screen(instrument: str, index: int | None, item: Item, section: str, required: bool) -> dict:
    return {
        "instrument": instrument, "index": index, "item": item.id, "section": section, "text": item.label,
        "kind": item.kind, "required": required, "minimum": item.minimum, "maximum": item.maximum,
        "options": [{"value": o.value, "label": o.label} for o in item.options],
    }


def screens() -> list[dict]:
    """Every screen of the onboarding questionnaire, in order."""
    result = []
    for instrument_id, section in SECTIONS:
        instrument = get_instrument(instrument_id)
        for index, item in enumerate(instrument.items):
            result.append(_screen(instrument_id, index, item, section, True))
    lifestyle = get_instrument("lifestyle")
    for item_id in LIFESTYLE:
        item = lifestyle.item(item_id)
        required = item_id in REQUIRED_LIFESTYLE or item_id in GROUPED
        screen = _screen("lifestyle", None, item, "About you", required)
        if item_id in ("auditc_2", "auditc_3"):
            # AUDIT-C: items 2-3 are skipped (scored 0) after "Never" on item 1 (Bush 1998).
            screen["skip_when_zero"] = "auditc_1"
        result.append(screen)
    return result


def sizes() -> dict[str, int]:
    """Number of items of each list-shaped instrument in the flow (for an empty answer list)."""
    return {instrument_id: len(get_instrument(instrument_id).items) for instrument_id, _ in SECTIONS}
