"""Delivery channels for nudges: in-app (stored), email (project notifier), SMS/push (webhook)."""

import threading
from dataclasses import dataclass
from typing import Protocol

from openmsk.coaching.config import coaching_config
from openmsk.notify import Message, Notifier


@dataclass(frozen=True)
class WebhookMessage:
    """One SMS or push message for the provider; the key lets it drop a repeat."""

    idempotency_key: str
    channel: str
    member_id: str
    to: str
    text: str


class Webhook(Protocol):
    """Sends SMS and push messages through a provider."""

    def send(self, message: WebhookMessage) -> None:
        """Deliver one message or raise."""


class HttpWebhook:
    """POSTs JSON to a provider URL with an Idempotency-Key header."""

    def __init__(self, url: str, timeout_s: float = 10) -> None:
        self.url = url
        self.timeout_s = timeout_s

    def send(self, message: WebhookMessage) -> None:
        """Post the message; any non-2xx answer raises, so the outbox retries with backoff."""
        import httpx

        response = httpx.post(self.url, timeout=self.timeout_s, headers={"Idempotency-Key": message.idempotency_key},
                              json={"channel": message.channel, "to": message.to, "text": message.text,
                                    "member_ref": message.member_id})
        response.raise_for_status()


class FakeWebhook:
    """Keeps messages in memory (tests and the demo); can be told to fail."""

    def __init__(self, fail_times: int = 0) -> None:
        self.sent: list[WebhookMessage] = []
        self.fail_times = fail_times
        self._lock = threading.Lock()

    def send(self, message: WebhookMessage) -> None:
        """Remember the message, or fail while fail_times lasts."""
        with self._lock:
            if self.fail_times > 0:
                self.fail_times -= 1
                raise ConnectionError("provider unavailable")
            self.sent.append(message)


def webhook_from(extras: dict) -> Webhook | None:
    """The webhook in the job context's extras, else one built from the settings, else none."""
    if extras.get("coaching_webhook") is not None:
        return extras["coaching_webhook"]
    config = coaching_config()
    url = config.webhook_url.strip()
    return HttpWebhook(url, timeout_s=config.webhook_timeout_s) if url else None


def available_channels(webhook: Webhook | None) -> frozenset[str]:
    """In-app and email always; SMS and push only with a webhook configured."""
    return frozenset({"in_app", "email"} | ({"sms", "push"} if webhook else set()))


EMAIL_SUBJECT = "A note from your OpenMSK program"


def deliver(channel: str, *, key: str, member_id: str, email: str, phone: str | None, text: str, link: str,
            notifier: Notifier, webhook: Webhook | None) -> None:
    """Send through one channel (in-app needs nothing: the stored row is shown in the app)."""
    if channel == "in_app":
        return
    if channel == "email":
        notifier.send(Message(to=email, subject=EMAIL_SUBJECT, body=f"{text}\n\nOpen your program: {link}\n"))
        return
    if webhook is None:
        raise RuntimeError("no webhook configured for sms/push")
    webhook.send(WebhookMessage(key, channel, member_id, phone or member_id, text))
