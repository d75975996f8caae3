"""Loading the longitudinal CSV: problems by file, line and column; exclusion and rejection policy."""

import numpy as np
import pytest

from openmsk.outcomes.cohort import CohortFileError
from openmsk.outcomes.loader import cohort_from_rows, load_cohort_csv


def _problems(cohort):
    return {(p.line, p.column) for p in cohort.problems}


def test_bad_cells_are_named_by_file_line_and_column(data_dir):
    cohort = load_cohort_csv(data_dir / "bad_rows.csv")
    assert _problems(cohort) == {(3, "pain"), (4, "week"), (5, "pain"), (7, "week"), (8, "phq9"),
                                 (10, "member_id"), (11, "week")}
    assert all(p.file == "bad_rows.csv" for p in cohort.problems)
    assert str(cohort.problems[0]).startswith("bad_rows.csv:3: column 'pain'")


def test_bad_rows_and_every_copy_of_a_duplicate_are_excluded_with_a_count(data_dir):
    cohort = load_cohort_csv(data_dir / "bad_rows.csv")
    assert cohort.rows_read == 10
    assert cohort.rows_excluded == 8
    assert list(cohort.member_ids) == ["A", "C"]
    pain = cohort.measures["pain"]
    assert pain[0, 0] == 5 and pain[1, 12] == 2
    assert np.isnan(pain[1, 0])  # C's week-0 row had a bad phq9 cell, so the whole row is out


def test_duplicate_problem_points_at_the_first_copy(data_dir):
    cohort = load_cohort_csv(data_dir / "bad_rows.csv")
    duplicate = next(p for p in cohort.problems if p.line == 7)
    assert "first at line 6" in duplicate.message


def test_problem_messages_never_contain_cell_values(data_dir):
    cohort = load_cohort_csv(data_dir / "bad_rows.csv")
    text = " ".join(p.message for p in cohort.problems)
    assert "abc" not in text and "11" not in text


def test_strict_mode_rejects_the_file_on_any_problem(data_dir):
    with pytest.raises(CohortFileError) as error:
        load_cohort_csv(data_dir / "bad_rows.csv", strict=True)
    assert len(error.value.problems) == 7


def test_missing_required_columns_reject_the_file(data_dir):
    with pytest.raises(CohortFileError) as error:
        load_cohort_csv(data_dir / "missing_columns.csv")
    assert {(p.line, p.column) for p in error.value.problems} == {(1, "member_id"), (1, "week")}


def test_file_with_no_valid_rows_is_rejected(tmp_path):
    path = tmp_path / "none.csv"
    path.write_text("member_id,week,pain\nA,0,12\nB,x,3\n")
    with pytest.raises(CohortFileError, match="no valid rows"):
        load_cohort_csv(path)


def test_empty_cells_are_missing_values_not_zeros(hand_cohort):
    row = list(hand_cohort.member_ids).index("M02")
    assert np.isnan(hand_cohort.measures["pain"][row, 12])
    assert hand_cohort.measures["phq9"][row, 12] == 3


def test_text_attributes_are_kept_per_member(hand_cohort):
    regions = dict(zip(hand_cohort.member_ids, hand_cohort.attributes["region"]))
    assert regions["M01"] == "north" and regions["M10"] == "south"


def test_rows_api_uses_the_same_rules():
    cohort = cohort_from_rows([{"member_id": "A", "week": "0", "pain": "4", "sex": "female"},
                               {"member_id": "A", "week": "3", "pain": "-1", "sex": ""}])
    assert cohort.rows_excluded == 1
    assert [(p.line, p.column) for p in cohort.problems] == [(3, "pain")]
    assert cohort.attributes["sex"][0] == "female"


@pytest.mark.parametrize(("column", "value"), [("phq9", "28"), ("gad7", "22"), ("opioid_use", "2"),
                                               ("opioid_use", "0.5"), ("sessions", "-1"), ("surgery_intent", "11")])
def test_out_of_range_secondary_scores_are_problems(column, value):
    cohort = cohort_from_rows([{"member_id": "A", "week": "0", "pain": "4"},
                               {"member_id": "A", "week": "1", column: value}])
    assert [(p.line, p.column) for p in cohort.problems] == [(3, column)]
