"""Subgroup tables: levels, age bands, suppressed cells shown as null with a flag."""

import numpy as np

from openmsk.outcomes.cohort import Cohort
from openmsk.outcomes.subgroups import age_band_labels, subgroup_tables


def _cohort(regions, baselines, finals):
    n = len(regions)
    pain = np.full((n, 13), np.nan)
    pain[:, 0], pain[:, 12] = baselines, finals
    return Cohort(member_ids=np.array([f"m{i}" for i in range(n)]), measures={"pain": pain},
                  attributes={"region": np.array(regions, dtype=object)})


def test_age_bands_and_unknown():
    labels = age_band_labels(np.array([20, 35, 44, 64, 65, np.nan]))
    assert list(labels) == ["<35", "35-44", "35-44", "55-64", "65+", "unknown"]


def test_small_level_and_its_complement_are_suppressed_never_numbers():
    regions = ["east"] * 5 + ["west"] * 20 + ["north"] * 30
    cohort = _cohort(regions, [10] * 55, [4] * 55)
    table = {row["level"]: row for row in subgroup_tables(cohort)["region"]}
    assert table["east"]["members"] == {"value": None, "suppressed": True}
    assert table["east"]["pain_change_pct_mean"] == {"value": None, "suppressed": True}
    # west (20) is the next smallest: hidden so east cannot be recovered as total - west - north.
    assert table["west"]["members"]["suppressed"] is True
    assert table["north"]["members"] == {"value": 30, "suppressed": False}
    assert table["north"]["pain_change_pct_mean"]["value"] == -60


def test_share_is_hidden_when_its_numerator_or_complement_is_small():
    regions = ["east"] * 20 + ["west"] * 20
    finals = [4] * 15 + [10] * 5 + [4] * 12 + [10] * 8  # east: 15 responders/5 not; west 12/8
    cohort = _cohort(regions, [10] * 40, finals)
    table = {row["level"]: row for row in subgroup_tables(cohort)["region"]}
    assert table["east"]["responders_30pct"]["suppressed"] is True
    assert table["west"]["responders_30pct"]["suppressed"] is True
    assert table["east"]["pain_change_pct_mean"]["suppressed"] is False


def test_missing_attribute_is_its_own_unknown_level():
    regions = ["east"] * 12 + [None] * 12
    table = subgroup_tables(_cohort(regions, [8] * 24, [8] * 24))["region"]
    assert [row["level"] for row in table] == ["east", "unknown"]
    assert all(row["members"]["value"] == 12 for row in table)
