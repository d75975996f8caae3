"""`audit.record_many` writes the rows `audit.record` would, in one statement, and stays append-only."""

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from openmsk.auth import audit
from openmsk.auth.models import AuditEvent
from openmsk.auth.principal import Principal
from openmsk.logs import request_id_var

PT = Principal(user_id="u-pt", email="pt@example.org", display_name="PT", roles=frozenset({"physical_therapist"}),
               clinician_id="c-pt")
_COLUMNS = ("actor_user_id", "actor_role", "action", "resource_type", "resource_id", "member_id", "request_id",
            "outcome", "detail")


def _rows(db, request_id):
    with db.transaction() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.request_id == request_id)
                                 .order_by(AuditEvent.resource_id)).all()
        return [tuple(getattr(e, name) for name in _COLUMNS) for e in events], [e.at for e in events]


def test_record_many_stores_the_same_columns_as_record(db):
    entries = [{"action": "create", "resource_type": "EscalationAlert", "resource_id": f"a{i}", "member_id": "m1",
                "detail": {"category": "ed_visit", "n": i}} for i in range(3)]
    token = request_id_var.set("req-many")
    try:
        with db.transaction() as session:
            assert audit.record_many(session, entries, principal=PT) == 3
    finally:
        request_id_var.reset(token)
    token = request_id_var.set("req-one")
    try:
        with db.transaction() as session:
            for entry in entries:
                audit.record(session, PT, **entry)
    finally:
        request_id_var.reset(token)
    many, instants = _rows(db, "req-many")
    one, _ = _rows(db, "req-one")
    assert [row[:6] + row[7:] for row in many] == [row[:6] + row[7:] for row in one]
    assert many[0][:3] == ("u-pt", "physical_therapist", "create") and many[0][7] == "success"
    assert all(at.tzinfo is not None for at in instants)


def test_record_many_without_a_principal_records_the_system_and_nothing_for_no_entries(db):
    with db.transaction() as session:
        assert audit.record_many(session, []) == 0
        audit.record_many(session, [{"action": "read", "resource_type": "Member", "member_id": "m9",
                                     "outcome": "denied"}])
    with db.transaction() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.member_id == "m9")).one()
    assert (event.actor_user_id, event.actor_role, event.outcome) == (None, None, "denied")


def test_record_many_refuses_entries_record_would_refuse(db):
    with db.transaction() as session, pytest.raises(TypeError):
        audit.record_many(session, [{"action": "read", "resource_type": "Member", "actor_user_id": "forged"}])
    with db.transaction() as session, pytest.raises(TypeError):
        audit.record_many(session, [{"resource_type": "Member"}])


def test_rows_written_in_bulk_cannot_be_changed_or_deleted(db):
    with db.transaction() as session:
        audit.record_many(session, [{"action": "read", "resource_type": "Member", "member_id": "m-locked"}])
    for statement in ("UPDATE audit_events SET outcome = 'changed' WHERE member_id = 'm-locked'",
                      "DELETE FROM audit_events WHERE member_id = 'm-locked'"):
        with pytest.raises(DBAPIError), db.transaction() as session:
            session.execute(text(statement))
