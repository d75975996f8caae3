"""A stored outcomes cohort shared by the outcomes tests (helpers only: this module holds no tests)."""

import random
from datetime import UTC, date, datetime, time, timedelta

from openmsk.intake.service import record_assessment
from openmsk.members import service as members
from openmsk.members.schemas import MemberCreate

START = date(2026, 11, 1)  # build_clinic's program start
REGIONS = ("low_back", "knee", "neck")


def at(week: int) -> datetime:
    """A time in a program week of members who started on START."""
    return datetime.combine(START + timedelta(days=7 * week + 1), time(10), tzinfo=UTC)


def add_members(session, org_id: str, n: int) -> list[str]:
    """Enroll n more members of the organization (program start START)."""
    ids = []
    for i in range(n):
        ids.append(members.enroll_member(session, actor=None, today=START, data=MemberCreate(
            organization_id=org_id, given_name=f"Extra{i}", family_name=f"Personname{i}",
            birth_date=date(1950 + 3 * i, 5, 17), sex="male" if i % 2 else "female",
            email=f"extra{i}@clinic.test")).id)
    return ids


def record_history(session, member_ids: list[str], seed: int = 7) -> None:
    """Pain every other week (some drop out), PHQ-9/GAD-7 at weeks 0 and 12, lifestyle at 0 and 12."""
    rng = random.Random(seed)
    for i, member_id in enumerate(member_ids):
        baseline = rng.randint(3, 9) if i else 0  # one baseline-0 member
        last = 12 if i % 4 else 4
        improvement = rng.uniform(-0.1, 0.8)
        for week in range(0, last + 1, 2):
            pain = baseline if week == 0 else max(0, round(baseline * (1 - improvement * week / 12)))
            record_assessment(session, member_id=member_id, instrument="nrs", answers=[pain], taken_at=at(week),
                              actor=None, source="test")
        if i % 3 == 0:  # a second score in week 0: the later one counts
            record_assessment(session, member_id=member_id, instrument="nrs", answers=[baseline],
                              taken_at=at(0) + timedelta(hours=2), actor=None, source="test")
        for week in (0, 12) if last == 12 else (0,):
            level = rng.randint(0, 3) if week == 0 else rng.randint(0, 2)
            record_assessment(session, member_id=member_id, instrument="phq9", answers=[level] * 8 + [0],
                              taken_at=at(week), actor=None, source="test")
            record_assessment(session, member_id=member_id, instrument="gad7", answers=[level] * 7,
                              taken_at=at(week), actor=None, source="test")
            answers = {"surgery_intent": rng.randint(0, 10), "opioid_use": rng.choice(["none", "occasional"])}
            if week == 0:
                answers["body_regions"] = [REGIONS[i % len(REGIONS)]]
            record_assessment(session, member_id=member_id, instrument="lifestyle", answers=answers,
                              taken_at=at(week), actor=None, source="test")
