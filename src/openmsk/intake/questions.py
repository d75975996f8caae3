"""The onboarding and reassessment questionnaires as screens, one question each, built from the instruments (pure).

The flow is dynamic: the body-region question comes before the function scale of each chosen region, and
AUDIT-C items 2-3 drop out after "Never". `flow(answers)` gives the screens a member actually sees.
"""

from collections.abc import Mapping, Sequence

from openmsk.intake.document import FUNCTION_BY_REGION
from openmsk.intake.instruments.base import Item
from openmsk.intake.scoring import get_instrument

PAIN = (("nrs", "Your pain"), ("peg", "Your pain over the past week"))
MOOD_AND_SAFETY = (
    ("phq9", "Over the last 2 weeks, how often have you been bothered by:"),
    ("gad7", "Over the last 2 weeks, how often have you been bothered by:"),
    ("red_flags", "Safety check: do you have any of these now?"),
)
# Function scales in the order their regions are listed in FUNCTION_BY_REGION.
REGION_SCALES = tuple(dict.fromkeys(FUNCTION_BY_REGION.values()))
# Copyrighted forms whose item wording is not shipped (see each module's licence note and
# docs/instruments.md): the screens carry the neutral labels only and point to the licensed form.
LICENSED_FORMS = ("odi", "ndi", "koos_jr", "hoos_jr", "quickdash")
# The scorers allow one missing ODI section "if applicable" (Fairbank 2000); every other item is asked.
OPTIONAL_ITEMS = {("odi", "8")}
# The PSFS scorer takes 3 to 5 rated activities (Stratford 1995); onboarding asks for three.
PSFS_ACTIVITIES = 3
PSFS_PROMPT = ("Name an important activity that you are unable to do or are having difficulty with because of "
               "your problem, then rate how well you can do it today.")
ACTIVITY_MAX_LENGTH = 200
# Lifestyle items asked after the body-region question, in order; blank ones may be skipped.
LIFESTYLE = ("pain_duration_weeks", "height_cm", "weight_kg", "activity_days_per_week",
             "activity_minutes_per_day", "sleep_hours", "smoking_status", "auditc_1", "auditc_2", "auditc_3",
             "ssb_per_week", "fruit_veg_servings_per_day", "pain_medication", "opioid_use", "surgery_intent",
             "goals", "goals_text")
# AUDIT-C items 1-3 are answered together (the instrument scores all or none of them).
GROUPED = {"auditc_1", "auditc_2", "auditc_3"}


def _screen(instrument: str, index: int | None, item: Item, section: str, required: bool) -> dict:
    screen = {
        "key": f"{instrument}.{item.id}", "instrument": instrument, "index": index, "item": item.id,
        "section": section, "text": item.label, "kind": item.kind, "required": required,
        "minimum": item.minimum, "maximum": item.maximum,
        "options": [{"value": o.value, "label": o.label} for o in item.options],
    }
    if instrument in LICENSED_FORMS:
        count = len(get_instrument(instrument).items)
        screen["counter"] = f"Item {index + 1} of {count}"
        screen["note"] = (f"The wording of this question is on the licensed {get_instrument(instrument).name} "
                          "form, which your care team provides. Choose the answer you gave on that form.")
    return screen


def instrument_screens(instrument_id: str, section: str | None = None) -> list[dict]:
    """One screen per item of a list-shaped instrument."""
    instrument = get_instrument(instrument_id)
    section = section or instrument.name
    return [_screen(instrument_id, index, item, section, (instrument_id, item.id) not in OPTIONAL_ITEMS)
            for index, item in enumerate(instrument.items)]


def psfs_screens(activities: Sequence[str] = ()) -> list[dict]:
    """PSFS screens: the member names each activity and rates it; at reassessment the names are given."""
    items = get_instrument("psfs").items
    count = len(activities) if activities else PSFS_ACTIVITIES
    result = []
    for index, item in enumerate(items[:count]):
        screen = _screen("psfs", index, item, "Activities you find hard", True)
        screen.update(kind="activity", counter=f"Activity {index + 1} of {count}", prompt=PSFS_PROMPT,
                      max_length=ACTIVITY_MAX_LENGTH)
        if activities:
            screen.update(activity=activities[index], prompt="Rate how well you can do this activity today.")
        result.append(screen)
    return result


def screens() -> list[dict]:
    """Every possible screen of the onboarding questionnaire, in order (see `flow` for those shown)."""
    result = []
    for instrument_id, section in PAIN:
        result += instrument_screens(instrument_id, section)
    lifestyle = get_instrument("lifestyle")
    result.append(_screen("lifestyle", None, lifestyle.item("body_regions"), "Where it hurts", True))
    for instrument_id in REGION_SCALES:
        regions = [r for r, scale in FUNCTION_BY_REGION.items() if scale == instrument_id]
        for screen in instrument_screens(instrument_id):
            screen["when_regions"] = regions
            result.append(screen)
    result += psfs_screens()
    for instrument_id, section in MOOD_AND_SAFETY:
        result += instrument_screens(instrument_id, section)
    for item_id in LIFESTYLE:
        screen = _screen("lifestyle", None, lifestyle.item(item_id), "About you", item_id in GROUPED)
        if item_id in ("auditc_2", "auditc_3"):
            # AUDIT-C: items 2-3 are skipped (scored 0) after "Never" on item 1 (Bush 1998).
            screen["skip_when_zero"] = "auditc_1"
        result.append(screen)
    return result


def applies(screen: Mapping, answers: Mapping) -> bool:
    """Whether the member sees this screen, given the answers so far."""
    lifestyle = answers.get("lifestyle") or {}
    if "when_regions" in screen:
        return any(r in screen["when_regions"] for r in lifestyle.get("body_regions") or ())
    return not (screen.get("skip_when_zero") and lifestyle.get(screen["skip_when_zero"]) == 0)


def flow(answers: Mapping) -> list[dict]:
    """The screens shown for these answers: the progress bar counts exactly these."""
    return [s for s in screens() if applies(s, answers)]


def region_scales(regions: Sequence[str]) -> tuple[str, ...]:
    """The function scale of each chosen region, once each."""
    return tuple(dict.fromkeys(FUNCTION_BY_REGION[r] for r in regions if r in FUNCTION_BY_REGION))


def sizes() -> dict[str, int]:
    """Number of items of each list-shaped instrument in the flow (for an empty answer list)."""
    counts = {i: len(get_instrument(i).items) for i, _ in (*PAIN, *MOOD_AND_SAFETY)}
    counts.update({i: len(get_instrument(i).items) for i in REGION_SCALES})
    counts["psfs"] = PSFS_ACTIVITIES
    return counts
