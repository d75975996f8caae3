"""Every instrument is self-describing data with a source and licence, and rejects out-of-range answers."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openmsk.intake import ScoringError, get_instrument, instrument_as_dict, instrument_ids, score

SEQUENCE_IDS = [i for i in instrument_ids() if get_instrument(i).answer_shape == "sequence"]
INTEGER_IDS = [i for i in SEQUENCE_IDS if all(item.kind == "integer" for item in get_instrument(i).items)]


def test_all_required_instruments_are_registered():
    expected = {"nrs", "peg", "phq9", "gad7", "psfs", "odi", "ndi", "koos_jr", "hoos_jr", "quickdash",
                "pss4", "auditc", "red_flags", "lifestyle"}
    assert expected <= set(instrument_ids())


@pytest.mark.parametrize("instrument_id", instrument_ids())
def test_instrument_describes_itself_as_plain_data(instrument_id):
    data = instrument_as_dict(instrument_id)
    assert data["id"] == instrument_id and data["title"]
    assert data["source"] and data["licence"] and data["missing_rule"]
    link_ids = [item["linkId"] for item in data["items"]]
    assert len(link_ids) == len(set(link_ids)) > 0
    for item in data["items"]:
        assert item["text"]
        for option in item["answerOption"]:
            assert option["display"]


@pytest.mark.parametrize(
    ("instrument_id", "panel", "total"),
    [("phq9", "44249-1", "44261-6"), ("gad7", "69737-5", "70274-6"), ("nrs", None, "72514-3"),
     ("auditc", "72109-2", "75626-2")],
)
def test_loinc_codes_are_carried(instrument_id, panel, total):
    assert instrument_as_dict(instrument_id)["loinc"] == {"panel": panel, "total": total}


def test_licence_restricted_instruments_do_not_ship_item_wording():
    for instrument_id in ("odi", "ndi", "quickdash", "koos_jr", "hoos_jr", "pss4"):
        assert get_instrument(instrument_id).ships_item_wording is False


def test_unknown_instrument_is_a_scoring_error():
    with pytest.raises(ScoringError, match="unknown instrument: sf36"):
        score("sf36", [])


@st.composite
def one_out_of_range(draw):
    instrument = get_instrument(draw(st.sampled_from(INTEGER_IDS)))
    answers = [int(item.minimum) for item in instrument.items]
    position = draw(st.integers(0, len(answers) - 1))
    item = instrument.items[position]
    bad = draw(st.one_of(st.integers(max_value=int(item.minimum) - 1), st.integers(min_value=int(item.maximum) + 1)))
    answers[position] = bad
    return instrument.id, answers, item.id, bad


@given(one_out_of_range())
def test_validation_never_accepts_an_out_of_range_answer(case):
    instrument_id, answers, item_id, bad = case
    with pytest.raises(ScoringError, match=f"^{instrument_id} item {item_id}: {bad} is outside"):
        score(instrument_id, answers)


@given(st.sampled_from(INTEGER_IDS), st.floats().filter(lambda x: not (math.isfinite(x) and x.is_integer())))
def test_validation_never_accepts_a_non_integer(instrument_id, value):
    instrument = get_instrument(instrument_id)
    answers = [int(item.minimum) for item in instrument.items]
    answers[0] = value
    with pytest.raises(ScoringError, match=f"^{instrument_id} item {instrument.items[0].id}:"):
        score(instrument_id, answers)


def test_an_integral_float_counts_as_that_integer():
    # JSON writers may emit 2.0 for 2; that is the same integer, not a rounding.
    assert score("gad7", [2.0, 0, 0, 0, 0, 0, 0]).total == 2
