"""The demo generator is deterministic and plausible."""

from datetime import date

from openmsk.demo import generator

TODAY = date(2026, 11, 29)


def test_same_seed_and_day_give_the_same_clinic():
    assert generator.members(TODAY) == generator.members(TODAY)
    assert generator.members(TODAY, seed=1) != generator.members(TODAY, seed=2)


def test_members_are_adults_enrolled_within_the_last_eleven_weeks():
    for m in generator.members(TODAY, n=200):
        assert 24 <= (TODAY - m.birth_date).days / 365.25 <= 69
        assert 0 <= (TODAY - m.program_start).days <= 11 * 7


def test_care_team_a_has_one_clinician_per_role():
    team_a = [c for c in generator.clinicians() if c.team == "A"]
    assert sorted(c.role for c in team_a) == sorted(generator.ROLES)
