"""The live hub wakes waiting streams from other threads; urgent notices survive a broken sink."""

import asyncio
import threading

from openmsk.escalation.live import AlertHub
from openmsk.escalation.outbound import EmailSink, FakeSink, UrgentNotice, deliver
from openmsk.notify import FakeNotifier

NOTICE = UrgentNotice("alert-1", "urgent", "https://clinic.example/console/escalations?alert=alert-1",
                      "pt@clinic.example")


def test_publish_from_a_worker_thread_wakes_a_waiting_stream():
    hub = AlertHub()

    async def wait_for_wake() -> bool:
        waiter = hub.subscribe()
        threading.Timer(0.05, hub.publish).start()
        try:
            await asyncio.wait_for(waiter[1].wait(), timeout=2)
            return True
        finally:
            hub.unsubscribe(waiter)

    assert asyncio.run(wait_for_wake()) is True


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
