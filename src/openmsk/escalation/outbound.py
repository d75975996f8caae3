"""Outbound notice of urgent alerts: a webhook and an email, each behind a small interface with a fake."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Protocol

import httpx

from openmsk.notify import Message, Notifier

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class UrgentNotice:
    """What leaves the clinic about an alert: ids and a link only, never clinical detail."""

    alert_id: str
    severity: str
    link: str
    email: str | None  # the routed or assigned clinician's address, when known


class AlertSink(Protocol):
    """Somewhere urgent alerts are announced."""

    def send(self, notice: UrgentNotice) -> None:
        """Deliver one notice or raise."""


class WebhookSink:
    """POSTs `{"alert_id", "severity", "link"}` as JSON to a configured URL."""

    def __init__(self, url: str, *, timeout_s: float = 5.0) -> None:
        self.url = url
        self.timeout_s = timeout_s

    def send(self, notice: UrgentNotice) -> None:
        """Post the notice; raise on a non-2xx answer so the job retries."""
        response = httpx.post(self.url, timeout=self.timeout_s, json={
            "type": "openmsk.escalation.urgent", "alert_id": notice.alert_id, "severity": notice.severity,
            "link": notice.link})
        response.raise_for_status()


class EmailSink:
    """Emails the clinician a link through the clinic's notifier (openmsk.notify)."""

    def __init__(self, notifier: Notifier) -> None:
        self.notifier = notifier

    def send(self, notice: UrgentNotice) -> None:
        """Send the link, if the clinician's address is known."""
        if notice.email:
            self.notifier.send(Message(to=notice.email, subject="OpenMSK: an urgent alert needs you",
                                       body=f"An urgent escalation alert is waiting on your worklist:\n{notice.link}\n"))


class FakeSink:
    """Remembers notices (tests)."""

    def __init__(self) -> None:
        self.sent: list[UrgentNotice] = []
        self._lock = threading.Lock()

    def send(self, notice: UrgentNotice) -> None:
        """Remember the notice."""
        with self._lock:
            self.sent.append(notice)


def deliver(sinks: list[AlertSink], notice: UrgentNotice) -> int:
    """Send to every sink; a failing sink does not stop the others. Returns how many succeeded."""
    delivered = 0
    for sink in sinks:
        try:
            sink.send(notice)
            delivered += 1
        except Exception as exc:  # noqa: BLE001 - one broken integration must not silence the rest
            log.warning("urgent alert notice failed", extra={"sink": type(sink).__name__,
                                                             "error_type": type(exc).__name__})
    return delivered
