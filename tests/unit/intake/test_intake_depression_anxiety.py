"""PHQ-9 and GAD-7: band edges from Kroenke 2001 / Spitzer 2006, the item-9 safety flag, validation."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openmsk.intake import ScoringError, score


def answers_with_total(total: int, n_items: int, item_max: int = 3) -> list[int]:
    """Distribute a total over items front-first (independent of the scorer)."""
    answers = []
    for _ in range(n_items):
        take = min(item_max, total)
        answers.append(take)
        total -= take
    assert total == 0
    return answers


@pytest.mark.parametrize(
    ("total", "band"),
    [(0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"), (14, "moderate"),
     (15, "moderately_severe"), (19, "moderately_severe"), (20, "severe"), (27, "severe")],
)
def test_phq9_band_edges_follow_kroenke_2001(total, band):
    # Item 9 stays 0 in these answer sets up to a total of 24 (front-first filling).
    result = score("phq9", answers_with_total(total, 9))
    assert result.total == total
    assert result.severity == band


@pytest.mark.parametrize(
    ("total", "band"),
    [(0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"), (14, "moderate"),
     (15, "severe"), (21, "severe")],
)
def test_gad7_band_edges_follow_spitzer_2006(total, band):
    result = score("gad7", answers_with_total(total, 7))
    assert (result.total, result.severity) == (total, band)


def test_item_9_positive_raises_self_harm_flag_even_with_minimal_total():
    result = score("phq9", [0, 0, 0, 0, 0, 0, 0, 0, 1])
    assert result.severity == "minimal"
    assert "self_harm_risk" in result.flags


def test_item_9_zero_raises_no_flag_even_when_severe():
    result = score("phq9", [3, 3, 3, 3, 3, 3, 3, 3, 0])
    assert result.total == 24 and result.severity == "severe"
    assert result.flags == ()


def test_answers_may_be_given_by_item_id():
    result = score("phq9", {str(i): 1 for i in range(1, 10)})
    assert result.total == 9 and "self_harm_risk" in result.flags


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ([0, 0, 4, 0, 0, 0, 0, 0, 0], "phq9 item 3: 4 is outside 0..3"),
        ([0, 0, -1, 0, 0, 0, 0, 0, 0], "phq9 item 3: -1 is outside 0..3"),
        ([0] * 8, "phq9: expected 9 answers, got 8"),
        ([0] * 10, "phq9: expected 9 answers, got 10"),
        ([0, 1.5, 0, 0, 0, 0, 0, 0, 0], "phq9 item 2: 1.5 is not an integer"),
        ([0, "1", 0, 0, 0, 0, 0, 0, 0], "phq9 item 2: expected an integer, got str"),
        ([True, 0, 0, 0, 0, 0, 0, 0, 0], "phq9 item 1: expected an integer, got a boolean"),
        ([0, 0, 0, None, 0, 0, 0, 0, 0], "phq9 item 4: missing"),
    ],
)
def test_phq9_rejects_bad_answers_naming_the_item(answers, message):
    with pytest.raises(ScoringError, match=message.replace(".", r"\.")):
        score("phq9", answers)


def test_scoring_error_is_a_value_error():
    with pytest.raises(ValueError):
        score("gad7", [0] * 6)


@given(st.lists(st.integers(0, 3), min_size=9, max_size=9), st.lists(st.integers(0, 3), min_size=9, max_size=9))
def test_phq9_severity_is_monotone_in_total(a, b):
    order = ["minimal", "mild", "moderate", "moderately_severe", "severe"]
    low, high = sorted([score("phq9", a), score("phq9", b)], key=lambda s: s.total)
    assert order.index(low.severity) <= order.index(high.severity)


@given(st.lists(st.integers(0, 3), min_size=9, max_size=9))
def test_phq9_total_is_the_item_sum(answers):
    assert score("phq9", answers).total == sum(answers)
