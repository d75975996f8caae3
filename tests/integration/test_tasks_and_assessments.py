"""Care-team tasks and stored assessments, the shared records other capabilities build on."""

from datetime import UTC, datetime

import pytest

from openmsk.careteam import tasks
from openmsk.errors import Forbidden, Invalid
from openmsk.intake import service as intake
from tests.integration.clinic import build_clinic


@pytest.fixture
def clinic(db):
    return build_clinic(db)


def _principal(db, email):
    from sqlalchemy import select

    from openmsk.auth.models import User
    from openmsk.auth.service import _principal

    with db.transaction() as session:
        return _principal(session, session.scalar(select(User).where(User.email == email)), via="bearer", csrf=None)


def test_a_task_goes_to_the_members_clinician_in_that_role_and_is_deduplicated(db, clinic):
    with db.transaction() as session:
        first = tasks.create_task(session, member_id=clinic.member_ids["cat"], assignee_role="physical_therapist",
                                  kind="review_intake", title="Review intake", dedup_key="intake:cat")
        again = tasks.create_task(session, member_id=clinic.member_ids["cat"], assignee_role="physical_therapist",
                                  kind="review_intake", title="Review intake", dedup_key="intake:cat")
        assert first.id == again.id and first.assignee_clinician_id == clinic.clinician_ids["pt_b"]
    with db.transaction() as session:
        assert [t.id for t in tasks.tasks_for(session, principal=_principal(db, clinic.emails["pt_b"]))] == [first.id]
        assert tasks.tasks_for(session, principal=_principal(db, clinic.emails["pt_a"])) == []


def test_urgent_tasks_come_first_and_other_teams_cannot_close_them(db, clinic):
    with db.transaction() as session:
        routine = tasks.create_task(session, member_id=clinic.member_ids["ann"], assignee_role="health_coach",
                                    kind="reassess", title="Weekly check-in")
        urgent = tasks.create_task(session, member_id=clinic.member_ids["bob"], assignee_role="health_coach",
                                   kind="urgent_review", title="Look now", priority="urgent")
    coach = _principal(db, clinic.emails["coach"])
    with db.transaction() as session:
        assert [t.id for t in tasks.tasks_for(session, principal=coach)] == [urgent.id, routine.id]
        with pytest.raises(Forbidden):
            tasks.set_task_status(session, task_id=urgent.id, status="done", actor=_principal(db, clinic.emails["pt_b"]))
        assert tasks.set_task_status(session, task_id=urgent.id, status="done", actor=coach).completed_at


def test_assessments_are_scored_stored_once_per_key_and_bad_answers_refused(db, clinic):
    member_id = clinic.member_ids["ann"]
    taken = datetime(2026, 11, 20, 15, tzinfo=UTC)
    with db.transaction() as session:
        first = intake.record_assessment(session, member_id=member_id, instrument="phq9",
                                         answers=[1, 1, 1, 1, 1, 1, 1, 1, 0], taken_at=taken, actor=None,
                                         idempotency_key="k1")
        again = intake.record_assessment(session, member_id=member_id, instrument="phq9",
                                         answers=[3, 3, 3, 3, 3, 3, 3, 3, 3], taken_at=taken, actor=None,
                                         idempotency_key="k1")
        assert first.id == again.id and (first.total, first.severity) == (8, "mild")
        assert first.program_week == 2  # enrolled 2026-11-01
        with pytest.raises(Invalid, match="item"):
            intake.record_assessment(session, member_id=member_id, instrument="phq9", answers=[4] * 9,
                                     taken_at=taken, actor=None)
    with db.transaction() as session:
        assert len(intake.score_history(session, member_ids=[member_id], instruments=["phq9"])) == 1
