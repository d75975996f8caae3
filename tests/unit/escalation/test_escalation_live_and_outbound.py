"""The live hub wakes waiting streams from other threads; urgent notices survive a broken sink."""

import asyncio
import threading

from openmsk.escalation.live import AlertHub, notify_payloads, parse_payload
from openmsk.escalation.outbound import EmailSink, FakeSink, UrgentNotice, deliver
from openmsk.notify import FakeNotifier

NOTICE = UrgentNotice("alert-1", "urgent", "https://clinic.example/console/escalations?alert=alert-1",
                      "pt@clinic.example")


def test_publish_from_a_worker_thread_hands_the_alert_ids_to_a_waiting_stream():
    hub = AlertHub()

    async def wait_for_wake():
        sub = hub.subscribe()
        threading.Timer(0.05, hub.publish, args=(["a1", "a2"],)).start()
        threading.Timer(0.06, hub.publish, args=(["a2", "a3"],)).start()
        try:
            await asyncio.wait_for(sub.wake.wait(), timeout=2)
            await asyncio.sleep(0.1)
            first = sub.take()
            hub.publish()  # "re-read everything": a listener that reconnected
            await asyncio.wait_for(sub.wake.wait(), timeout=2)
            return first, sub.take(), sub.wake.is_set()
        finally:
            hub.unsubscribe(sub)

    first, second, still_set = asyncio.run(wait_for_wake())
    assert first == ({"a1", "a2", "a3"}, False)
    assert second == (set(), True) and still_set is False


def test_notify_payloads_stay_under_the_postgresql_limit_and_round_trip():
    ids = [f"{i:036d}" for i in range(500)]
    payloads = notify_payloads(ids, origin="proc-1")
    assert len(payloads) > 1 and all(len(p.encode()) < 8000 for p in payloads)
    parsed = [parse_payload(p) for p in payloads]
    assert {origin for origin, _ in parsed} == {"proc-1"}
    assert sorted(i for _, chunk in parsed for i in chunk) == ids


def test_a_failing_sink_does_not_stop_the_others():
    class Broken:
        def send(self, notice):
            raise ConnectionError("webhook down")

    fake, notifier = FakeSink(), FakeNotifier()
    assert deliver([Broken(), fake, EmailSink(notifier)], NOTICE) == 2
    assert fake.sent == [NOTICE]
    email = notifier.last_to("pt@clinic.example")
    assert NOTICE.link in email.body and "urgent" in email.subject


def test_email_is_skipped_when_no_clinician_address_is_known():
    notifier = FakeNotifier()
    EmailSink(notifier).send(UrgentNotice("a", "urgent", "link", None))
    assert notifier.outbox == []
