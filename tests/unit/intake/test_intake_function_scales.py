"""ODI, NDI, PSFS, QuickDASH, KOOS JR and HOOS JR against their sources' rules and examples."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openmsk.intake import ScoringError, score
from openmsk.intake.instruments import hoos_jr, koos_jr, odi

# --- ODI (Fairbank & Pynsent 2000) -------------------------------------------------------------


def test_odi_worked_example_all_sections():
    # Fairbank & Pynsent 2000 scoring instructions: 16 (scored) / 50 (possible) x 100 = 32%.
    result = score("odi", [2, 2, 2, 2, 2, 2, 1, 1, 1, 1])
    assert result.total == pytest.approx(32.0)
    assert result.severity == "moderate"


def test_odi_worked_example_one_section_missing():
    # Same source: one section missed -> 16 / 45 x 100 = 35.5% (35.56 unrounded).
    result = score("odi", [2, 2, 2, 2, 2, 2, 2, None, 1, 1])
    assert result.total == pytest.approx(16 / 45 * 100)
    assert result.subscores["sections_answered"] == 9


def test_odi_two_missing_sections_are_rejected():
    with pytest.raises(ScoringError, match="odi items 3, 8: 2 missing; at most 1 allowed"):
        score("odi", [0, 0, None, 0, 0, 0, 0, None, 0, 0])


def test_odi_missing_section_limit_is_a_parameter():
    result = odi.score([1, 1, None, 1, 1, 1, 1, None, 1, 1], max_missing_sections=2)
    assert result.total == pytest.approx(20.0)


@pytest.mark.parametrize(
    ("raw", "band"),
    [(0, "minimal"), (10, "minimal"), (11, "moderate"), (20, "moderate"), (21, "severe"), (30, "severe"),
     (31, "crippling"), (40, "crippling"), (41, "bedbound"), (50, "bedbound")],
)
def test_odi_band_edges_20_40_60_80(raw, band):
    # With 10 sections, percent = 2 x raw: raw 10 -> 20%, 11 -> 22%, etc.
    answers = [min(5, max(0, raw - 5 * i)) for i in range(10)]
    result = score("odi", answers)
    assert result.total == pytest.approx(2 * raw)
    assert result.severity == band


def test_odi_non_integer_percent_just_above_an_edge_is_in_the_next_band():
    # 9 answered sections summing to 10 -> 22.2% -> moderate (above the 20% edge).
    assert score("odi", [2, 2, 2, 2, 2, 0, 0, 0, 0, None]).severity == "moderate"


@given(st.lists(st.one_of(st.none(), st.integers(0, 5)), min_size=10, max_size=10))
def test_odi_percent_is_within_0_and_100_or_rejected(answers):
    if answers.count(None) > 1:
        with pytest.raises(ScoringError):
            score("odi", answers)
        return
    assert 0 <= score("odi", answers).total <= 100


@given(st.integers(0, 5), st.integers(0, 9), st.integers(0, 9))
def test_odi_is_invariant_to_which_section_is_missing_for_equal_answered_mean(level, gap_a, gap_b):
    first = [level] * 10
    second = [level] * 10
    first[gap_a] = None
    second[gap_b] = None
    assert score("odi", first).total == score("odi", second).total == score("odi", [level] * 10).total


# --- NDI (Vernon & Mior 1991) -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "band"),
    [(0, "none"), (4, "none"), (5, "mild"), (14, "mild"), (15, "moderate"), (24, "moderate"),
     (25, "severe"), (34, "severe"), (35, "complete"), (50, "complete")],
)
def test_ndi_band_edges_follow_vernon_mior_1991(raw, band):
    answers = [min(5, max(0, raw - 5 * i)) for i in range(10)]
    result = score("ndi", answers)
    assert (result.total, result.severity) == (raw, band)
    assert result.subscores["percent"] == 2 * raw


def test_ndi_one_missing_section_takes_the_mean_of_the_other_nine():
    # Nine answered sections summing to 18 (mean 2) -> 18 + 2 = 20.
    result = score("ndi", [2, 2, 2, 2, 2, 2, 2, None, 2, 2])
    assert result.total == pytest.approx(20.0)
    assert result.severity == "moderate"


def test_ndi_two_missing_sections_are_rejected():
    with pytest.raises(ScoringError, match="ndi items 1, 2"):
        score("ndi", [None, None, 1, 1, 1, 1, 1, 1, 1, 1])


# --- PSFS (Stratford 1995) --------------------------------------------------------------------


@pytest.mark.parametrize(("ratings", "mean"), [([3, 5, 7], 5.0), ([0, 10, 5, 5], 5.0), ([1, 2, 3, 4, 6], 3.2)])
def test_psfs_is_the_mean_of_three_to_five_activities(ratings, mean):
    assert score("psfs", ratings).total == pytest.approx(mean)


@pytest.mark.parametrize("ratings", [[5, 5], [5] * 6, [5, None, 5]])
def test_psfs_rejects_too_few_too_many_or_unrated_activities(ratings):
    with pytest.raises(ScoringError, match="psfs"):
        score("psfs", ratings)


# --- QuickDASH (Beaton 2005) ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "expected"),
    [([1] * 11, 0.0), ([5] * 11, 100.0), ([3] * 11, 50.0), ([2] * 10 + [None], 25.0),
     ([1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1], (31 / 11 - 1) * 25)],
)
def test_quickdash_formula(answers, expected):
    assert score("quickdash", answers).total == pytest.approx(expected)


def test_quickdash_rejects_more_than_one_missing_item():
    with pytest.raises(ScoringError, match="quickdash items 1, 11: 2 missing; at most 1 allowed"):
        score("quickdash", [None] + [3] * 9 + [None])


def test_quickdash_rejects_zero_because_items_start_at_1():
    with pytest.raises(ScoringError, match="quickdash item 4: 0 is outside 1..5"):
        score("quickdash", [1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1])


@given(st.lists(st.integers(1, 5), min_size=11, max_size=11), st.integers(0, 11))
def test_quickdash_is_within_0_and_100(answers, gap):
    if gap < 11:
        answers[gap] = None
    assert 0 <= score("quickdash", answers).total <= 100


# --- KOOS JR / HOOS JR (Lyman 2016, HSS conversion tables) ------------------------------------


@pytest.mark.parametrize(
    ("instrument", "answers", "raw", "interval"),
    [
        ("koos_jr", [0] * 7, 0, 100.0),
        ("koos_jr", [4] * 7, 28, 0.0),
        ("koos_jr", [2] * 7, 14, 52.465),
        ("koos_jr", [1, 0, 0, 0, 0, 0, 0], 1, 91.975),
        ("hoos_jr", [0] * 6, 0, 100.0),
        ("hoos_jr", [4] * 6, 24, 0.0),
        ("hoos_jr", [2] * 6, 12, 52.965),
        ("hoos_jr", [4, 4, 4, 4, 4, 3], 23, 8.104),
    ],
)
def test_jr_scores_convert_raw_sums_with_the_hss_tables(instrument, answers, raw, interval):
    result = score(instrument, answers)
    assert result.subscores["raw_sum"] == raw
    assert result.total == pytest.approx(interval)


@pytest.mark.parametrize(("table", "max_raw"), [(koos_jr.INTERVAL_SCORE, 28), (hoos_jr.INTERVAL_SCORE, 24)])
def test_jr_tables_cover_every_raw_sum_and_fall_strictly(table, max_raw):
    assert len(table) == max_raw + 1
    assert all(a > b for a, b in zip(table, table[1:]))


def test_jr_scores_reject_missing_items():
    with pytest.raises(ScoringError, match="koos_jr item 7: missing"):
        score("koos_jr", [1, 1, 1, 1, 1, 1, None])
