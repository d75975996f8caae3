"""Messaging storage: the migration matches the models, queries stay constant, and bodies stay out of logs."""

import io
import logging

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import event, select

from openmsk.auth.models import User
from openmsk.auth.service import _principal
from openmsk.db import Base
from openmsk.logs import JsonFormatter
from openmsk.messaging import inbox, service
from tests.integration.clinic import bearer, build_clinic

TABLES = {"message_threads", "messages", "message_reads", "message_templates"}


def _principal_for(session, email):
    return _principal(session, session.scalar(select(User).where(User.email == email)), via="bearer", csrf=None)


def test_the_migration_creates_exactly_the_modelled_tables(db):
    import openmsk.models  # noqa: F401  (every capability's tables on Base.metadata)

    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)

    def table_of(change) -> bool:
        for part in change if isinstance(change, list) else [change]:
            for item in part[1:]:
                table = getattr(item, "table", None)
                name = item if isinstance(item, str) else table.name if table is not None else getattr(item, "name", None)
                if name in TABLES:
                    return True
        return False

    assert [c for c in diff if table_of(c)] == []


def test_the_inbox_costs_the_same_number_of_queries_for_two_threads_or_eight(db):
    clinic = build_clinic(db)

    def inbox_queries(n_threads: int) -> int:
        with db.transaction() as session:
            ann = _principal_for(session, clinic.emails["ann"])
            for i in range(n_threads):
                service.create_thread(session, member_id=clinic.member_ids["ann"], subject=f"Q{i}",
                                      body="A question", actor=ann)
        with db.transaction() as session:
            pt = _principal_for(session, clinic.emails["pt_a"])
            statements: list[str] = []
            listener = lambda *args: statements.append(args[2])  # noqa: E731
            event.listen(db.engine, "before_cursor_execute", listener)
            try:
                assert len(inbox.inbox(session, actor=pt)) >= n_threads
                session.flush()
            finally:
                event.remove(db.engine, "before_cursor_execute", listener)
            return len(statements)

    assert inbox_queries(2) == inbox_queries(6)


def test_message_text_never_reaches_the_logs(client, db):
    clinic = build_clinic(db)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    previous, root.level = root.level, logging.DEBUG
    try:
        ann, pt = bearer(client, clinic.emails["ann"]), bearer(client, clinic.emails["pt_a"])
        url = f"/api/v1/members/{clinic.member_ids['ann']}/threads"
        thread = client.post(url, headers=ann, json={"subject": "Zephyrine subject", "body": "Quokkaberry pain"})
        client.post(f"{url}/{thread.json()['id']}/messages", headers=pt, json={"body": "Marmalise reply"})
        client.post(url, headers=ann, json={"subject": "Zephyrine", "body": "Quokkaberry" * 500})  # too long
        client.get(f"{url}/{thread.json()['id']}", headers=bearer(client, clinic.emails["pt_b"]))  # refused
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)
    logs = stream.getvalue()
    assert '"route": "/api/v1/members/{member_id}/threads"' in logs
    for secret in ("Zephyrine", "Quokkaberry", "Marmalise"):
        assert secret not in logs


def test_a_concurrent_twin_with_the_same_key_yields_the_first_message_and_keeps_the_transaction(db, monkeypatch):
    clinic = build_clinic(db)
    member_id = clinic.member_ids["ann"]
    with db.transaction() as session:
        ann = _principal_for(session, clinic.emails["ann"])
        thread, _ = service.create_thread(session, member_id=member_id, subject="Q", body="First", actor=ann)
        first, _ = service.send_message(session, member_id=member_id, thread_id=thread.id, body="Twin",
                                        actor=ann, idempotency_key="twin-key-0001")
    real_repeat, calls = service._repeat, []

    def blind_first_look(session, *, actor, key):  # the twin's check ran before the first one committed
        calls.append(key)
        return None if len(calls) == 1 else real_repeat(session, actor=actor, key=key)

    monkeypatch.setattr(service, "_repeat", blind_first_look)
    with db.transaction() as session:
        again, created = service.send_message(session, member_id=member_id, thread_id=thread.id, body="Twin",
                                              actor=ann, idempotency_key="twin-key-0001")
        assert (again.id, created) == (first.id, False)
        later, _ = service.send_message(session, member_id=member_id, thread_id=thread.id, body="After",
                                        actor=ann)
    with db.transaction() as session:
        detail = service.open_thread(session, thread_id=thread.id, actor=ann)
    assert [m.body for m in detail.messages] == ["First", "Twin", "After"] and detail.message_count == 3
