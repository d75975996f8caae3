"""The member's questionnaire screens, the dynamic flow, and the plain-language results (pure)."""

from types import SimpleNamespace

import pytest

from openmsk.intake.document import summarize
from openmsk.intake.explain import explain_scores, function_rows
from openmsk.intake.questions import LICENSED_FORMS, flow, psfs_screens, region_scales, screens, sizes
from openmsk.intake.scoring import get_instrument, score


def _keys(shown):
    return [s["key"] for s in shown]


def test_there_is_one_screen_per_question_and_the_safety_items_are_required():
    all_screens = screens()
    phq9 = [s for s in all_screens if s["instrument"] == "phq9"]
    assert [s["text"] for s in phq9] == [i.label for i in get_instrument("phq9").items]
    peg = [s["text"] for s in all_screens if s["instrument"] == "peg"]
    assert peg == [i.label for i in get_instrument("peg").items]
    assert all(s["required"] for s in all_screens if s["instrument"] in ("nrs", "peg", "psfs", "phq9", "gad7",
                                                                          "red_flags"))
    assert {s["item"] for s in all_screens if s["required"] and s["instrument"] == "lifestyle"} == {
        "body_regions", "auditc_1", "auditc_2", "auditc_3"}
    assert len(_keys(all_screens)) == len(set(_keys(all_screens)))
    assert sizes() == {"nrs": 1, "peg": 3, "phq9": 9, "gad7": 7, "red_flags": 9, "psfs": 3, "odi": 10, "ndi": 10,
                       "koos_jr": 7, "hoos_jr": 6, "quickdash": 11}


@pytest.mark.parametrize(("regions", "scales"), [
    ([], ()), (["ankle_foot"], ()), (["low_back"], ("odi",)), (["neck"], ("ndi",)), (["knee"], ("koos_jr",)),
    (["hip"], ("hoos_jr",)), (["shoulder", "wrist_hand"], ("quickdash",)), (["knee", "low_back"], ("koos_jr", "odi")),
])
def test_the_region_question_comes_before_the_scales_of_the_chosen_regions_only(regions, scales):
    shown = flow({"lifestyle": {"body_regions": regions}})
    keys = _keys(shown)
    asked = [s["instrument"] for s in shown if s["instrument"] in LICENSED_FORMS]
    assert set(asked) == set(scales)
    assert set(region_scales(regions)) == set(scales)
    for scale in scales:
        assert keys.index("lifestyle.body_regions") < keys.index(f"{scale}.1")
        assert asked.count(scale) == len(get_instrument(scale).items)
    assert len(shown) == len(flow({})) + sum(len(get_instrument(s).items) for s in scales)


def test_after_never_on_auditc_item_1_the_flow_is_two_screens_shorter():
    drinker = flow({"lifestyle": {"body_regions": ["knee"], "auditc_1": 2}})
    abstainer = flow({"lifestyle": {"body_regions": ["knee"], "auditc_1": 0}})
    assert len(drinker) - len(abstainer) == 2
    assert "lifestyle.auditc_2" in _keys(drinker) and "lifestyle.auditc_2" not in _keys(abstainer)


@pytest.mark.parametrize("instrument", LICENSED_FORMS)
def test_licensed_scales_show_the_shipped_neutral_labels_a_counter_and_a_licence_note(instrument):
    spec = get_instrument(instrument)
    assert not spec.ships_item_wording
    shown = [s for s in screens() if s["instrument"] == instrument]
    assert [s["text"] for s in shown] == [i.label for i in spec.items]
    assert [s["counter"] for s in shown] == [f"Item {n} of {len(spec.items)}" for n in range(1, len(spec.items) + 1)]
    assert all("licensed" in s["note"] and spec.name in s["note"] for s in shown)
    assert [[o["value"] for o in s["options"]] for s in shown] == [[o.value for o in i.options] for i in spec.items]


def test_free_instruments_carry_no_licence_note_and_psfs_asks_a_name_with_each_rating():
    assert not any("note" in s for s in screens() if s["instrument"] not in LICENSED_FORMS)
    onboarding = psfs_screens()
    assert [s["counter"] for s in onboarding] == ["Activity 1 of 3", "Activity 2 of 3", "Activity 3 of 3"]
    assert all(s["kind"] == "activity" and "activity" not in s for s in onboarding)
    again = psfs_screens(["climbing stairs", "running", "lifting", "kneeling"])
    assert [s["activity"] for s in again] == ["climbing stairs", "running", "lifting", "kneeling"]


def _answer_every_screen(shown, chosen):
    """Fill each screen the way a member pressing the first answer would; activities get names."""
    answers = {k: [None] * n for k, n in sizes().items()}
    answers["lifestyle"] = dict(chosen)
    activities = ["", "", ""]
    for s in shown:
        if s["instrument"] == "lifestyle":
            continue
        value = s["options"][0]["value"] if s["options"] else int(s["minimum"])
        if s["kind"] == "boolean":
            value = 0
        answers[s["instrument"]][s["index"]] = value
        if s["kind"] == "activity":
            activities[s["index"]] = f"activity {s['index'] + 1}"
    asked = {s["instrument"] for s in shown}
    return {k: v for k, v in answers.items() if k == "lifestyle" or k in asked}, activities


def test_answering_the_screens_of_a_flow_makes_a_valid_intake_with_peg_psfs_and_the_region_scales():
    chosen = {"body_regions": ["knee", "neck"], "auditc_1": 0}
    answers, activities = _answer_every_screen(flow({"lifestyle": chosen}), chosen)
    summary = summarize(answers, activities)
    assert set(summary.scores) == {"nrs", "peg", "psfs", "koos_jr", "ndi", "phq9", "gad7", "red_flags", "lifestyle"}
    assert summary.total("koos_jr") == 100.0 and summary.total("ndi") == 0 and summary.total("psfs") == 0
    assert summary.psfs_activities == ("activity 1", "activity 2", "activity 3")


def _score(instrument, total, severity=None, flags=(), subscores=None):
    return SimpleNamespace(instrument=instrument, total=total, severity=severity, flags=list(flags),
                           subscores=subscores or {})


def test_results_are_explained_in_plain_words_with_attention_on_moderate_or_worse():
    lines = {line.title: line for line in explain_scores([
        _score("nrs", 6), _score("phq9", 12, "moderate"), _score("gad7", 3, "minimal"),
        _score("red_flags", 1, "positive", ["red_flag"]),
        _score("lifestyle", None, subscores={"bmi": 31.24, "bmi_category": "obese_class_1"})])}
    assert lines["Pain today"].value == "6 of 10"
    assert lines["Mood (PHQ-9)"].value == "12 of 27: moderate" and lines["Mood (PHQ-9)"].attention
    assert lines["Worry and anxiety (GAD-7)"].value == "3 of 21: little or none"
    assert not lines["Worry and anxiety (GAD-7)"].attention
    assert lines["Safety check"].attention and "on hold" in lines["Safety check"].meaning
    assert lines["Body mass index"].value == "31.2 (obese class 1)"


def _scored(instrument, answers):
    result = score(instrument, answers)
    return _score(instrument, result.total, result.severity, result.flags, dict(result.subscores))


def test_peg_psfs_and_the_region_score_with_its_band_are_explained_after_pain():
    scores = [_scored("nrs", [6]), _scored("peg", [6, 5, 7]), _scored("psfs", [3, 4, 6]),
              _scored("odi", [2, 2, 2, 2, 1, 1, 2, 1, 1, 2]), _scored("phq9", [0] * 9)]
    lines = explain_scores(scores, ["climbing stairs", "running", "lifting"])
    titles = [line.title for line in lines]
    assert titles[:5] == ["Pain today", "Pain and how it gets in the way (PEG)", "Activities you find hard (PSFS)",
                          "Low back function (ODI)", "Mood (PHQ-9)"]
    by = {line.title: line for line in lines}
    assert by["Pain and how it gets in the way (PEG)"].value == "6.0 of 10"
    assert by["Activities you find hard (PSFS)"].value == "4.3 of 10"
    assert "climbing stairs, running, lifting" in by["Activities you find hard (PSFS)"].meaning
    odi = by["Low back function (ODI)"]  # 16/50 x 100 = 32% (Fairbank 2000): the 21-40 band
    assert odi.value == "32%: moderate disability" and odi.attention
    mild = explain_scores([_scored("ndi", [1, 0, 0, 1, 0, 0, 1, 0, 0, 0])])[0]
    assert mild.value == "3 of 50: no disability" and not mild.attention


def test_the_care_team_rows_list_peg_psfs_activities_and_region_bands_in_order():
    answers = {"peg": [6, 5, 7], "psfs": [3, 4, 6]}
    scores = [_scored("quickdash", [2] * 11), _scored("psfs", answers["psfs"]), _scored("peg", answers["peg"]),
              _scored("odi", [2, 2, 2, 2, 1, 1, 2, 1, 1, 2])]
    rows = function_rows(scores, ["climbing stairs", "running", "lifting"], answers)
    assert [r.name for r in rows] == ["Pain and how it gets in the way (PEG)", "Activities you find hard (PSFS)",
                                      "Low back function (ODI)", "Arm, shoulder and hand function (QuickDASH)"]
    assert rows[0].detail == "pain 6, enjoyment 5, general activity 7"
    assert rows[1].detail == "climbing stairs: 3/10; running: 4/10; lifting: 6/10"
    assert (rows[2].value, rows[2].band, rows[2].detail) == ("32%", "moderate", "raw sum 16")
    assert (rows[3].value, rows[3].band) == ("25 of 100", "—")  # ((2 - 1) x 25, Beaton 2005); no bands published
