"""The member's questionnaire screens and the plain-language results (pure)."""

from types import SimpleNamespace

from openmsk.intake.document import summarize
from openmsk.intake.explain import explain_scores
from openmsk.intake.questions import screens, sizes
from openmsk.intake.scoring import get_instrument


def test_there_is_one_screen_per_question_and_the_safety_items_are_required():
    all_screens = screens()
    phq9 = [s for s in all_screens if s["instrument"] == "phq9"]
    assert [s["text"] for s in phq9] == [i.label for i in get_instrument("phq9").items]
    assert all(s["required"] for s in all_screens if s["instrument"] in ("nrs", "phq9", "gad7", "red_flags"))
    assert {s["item"] for s in all_screens if s["required"] and s["instrument"] == "lifestyle"} == {
        "body_regions", "auditc_1", "auditc_2", "auditc_3"}
    assert sizes() == {"nrs": 1, "phq9": 9, "gad7": 7, "red_flags": 9}


def test_answering_only_the_required_screens_makes_a_valid_intake():
    answers = {k: [0] * n for k, n in sizes().items()}
    answers["lifestyle"] = {"body_regions": ["neck"], "auditc_1": 0}  # items 2-3 skipped after "Never"
    assert summarize(answers).regions == ("neck",)
    assert [s["skip_when_zero"] for s in screens() if "skip_when_zero" in s] == ["auditc_1", "auditc_1"]


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
