"""Clinician templates fill only known member and clinician fields, as plain text, in one pass."""

from hypothesis import given, strategies as st

from openmsk.messaging.placeholders import FIELDS, fill, unknown_placeholders


def test_known_fields_are_filled():
    text = fill("Hi {first_name}, this is {clinician_name}, your {care_role}.",
                {"first_name": "Dana", "clinician_name": "Sam Lee", "care_role": "physical therapist"})
    assert text == "Hi Dana, this is Sam Lee, your physical therapist."


def test_format_string_tricks_are_reported_as_unknown_and_never_evaluated():
    text = "Hi {first_name.__class__} {0} {first_name!r} {member.email}"
    assert unknown_placeholders(text) == ["first_name.__class__", "0", "first_name!r", "member.email"]
    assert fill(text, {"first_name": "Dana"}) == text


def test_a_missing_value_leaves_the_field_blank_rather_than_failing():
    assert fill("Hi {first_name}!", {}) == "Hi !"


@given(value=st.text(max_size=40))
def test_values_are_inserted_verbatim_and_not_expanded_again(value):
    values = {name: value for name in FIELDS}
    assert fill("[{first_name}]", values) == f"[{value}]"


def test_the_documented_examples_hold():
    import doctest

    from openmsk.messaging import holidays, placeholders

    for module in (holidays, placeholders):
        assert doctest.testmod(module).failed == 0
