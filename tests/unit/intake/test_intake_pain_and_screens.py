"""NRS, PEG-3, PSS-4, AUDIT-C and the red-flag screen."""

import pytest

from openmsk.intake import ScoringError, score
from openmsk.intake.instruments import red_flags


def test_nrs_returns_the_rating_without_inventing_a_band():
    result = score("nrs", [7])
    assert (result.total, result.severity) == (7, None)


def test_nrs_rejects_eleven():
    with pytest.raises(ScoringError, match="nrs item 1: 11 is outside 0..10"):
        score("nrs", [11])


def test_peg_is_the_mean_of_its_three_items():
    # Krebs 2009: PEG score = average of the three items.
    assert score("peg", [6, 7, 8]).total == pytest.approx(7.0)
    assert score("peg", [5, 5, 6]).total == pytest.approx(16 / 3)


def test_peg_rejects_a_missing_item():
    with pytest.raises(ScoringError, match="peg item 2: missing"):
        score("peg", [5, None, 5])


@pytest.mark.parametrize(
    ("answers", "total"),
    [([0, 4, 4, 0], 0), ([4, 0, 0, 4], 16), ([2, 2, 2, 2], 8), ([3, 1, 0, 2], 3 + 3 + 4 + 2)],
)
def test_pss4_reverses_items_2_and_3(answers, total):
    # Cohen 1983/1988: items 2 and 3 are positively worded and scored 4 - answer.
    result = score("pss4", answers)
    assert result.total == total
    assert result.severity is None


@pytest.mark.parametrize(
    ("answers", "severity", "flagged"),
    [
        ([1, 1, 1, "male"], "negative", False),   # 3 < 4 (men)
        ([2, 1, 1, "male"], "positive", True),    # 4 >= 4
        ([1, 1, 0, "female"], "negative", False),  # 2 < 3 (women)
        ([1, 1, 1, "female"], "positive", True),  # 3 >= 3
    ],
)
def test_auditc_uses_sex_specific_cut_offs(answers, severity, flagged):
    result = score("auditc", answers)
    assert result.severity == severity
    assert ("alcohol_misuse_screen_positive" in result.flags) is flagged


def test_auditc_without_sex_reports_total_but_no_band():
    result = score("auditc", [4, 4, 4])
    assert (result.total, result.severity, result.flags) == (12, None, ())


def test_auditc_never_drinker_may_skip_items_2_and_3():
    assert score("auditc", [0, None, None, "female"]).total == 0


def test_auditc_drinker_may_not_skip_item_2():
    with pytest.raises(ScoringError, match="auditc item 2: missing"):
        score("auditc", [2, None, 0])


def test_auditc_rejects_unknown_sex_value():
    with pytest.raises(ScoringError, match="auditc item sex"):
        score("auditc", [1, 1, 1, "x"])


def test_red_flags_negative_screen_has_no_flags():
    result = score("red_flags", [0] * 9)
    assert (result.total, result.severity, result.flags) == (0, "negative", ())


def test_each_positive_red_flag_item_adds_its_own_flag():
    answers = {item.id: False for item in red_flags.INSTRUMENT.items}
    answers["saddle_numbness"] = True
    answers["history_of_cancer"] = True
    result = score("red_flags", answers)
    assert result.total == 2 and result.severity == "positive"
    assert set(result.flags) == {"red_flag", "red_flag:saddle_numbness", "red_flag:history_of_cancer"}


def test_red_flag_screen_must_be_complete():
    with pytest.raises(ScoringError, match="red_flags item fever: missing"):
        score("red_flags", [0, 0, 0, None, 0, 0, 0, 0, 0])


def test_red_flag_answers_must_be_yes_or_no():
    with pytest.raises(ScoringError, match="red_flags item saddle_numbness: expected true/false or 1/0"):
        score("red_flags", [2, 0, 0, 0, 0, 0, 0, 0, 0])
