"""Outbound messages to people (email now; SMS and push later) behind one small interface."""

import smtplib
import sys
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol

from openmsk.config import Settings


@dataclass(frozen=True)
class Message:
    """One message to one address; bodies carry links and notices, never clinical detail."""

    to: str
    subject: str
    body: str


class Notifier(Protocol):
    """Sends messages."""

    def send(self, message: Message) -> None:
        """Deliver one message or raise."""


class ConsoleNotifier:
    """Prints messages to stderr: for development and the demo, where there is no mail server."""

    def send(self, message: Message) -> None:
        """Print the message."""
        print(f"--- message to {message.to}: {message.subject}\n{message.body}\n---", file=sys.stderr)


class SmtpNotifier:
    """Sends email through an SMTP server."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def send(self, message: Message) -> None:
        """Send one email, with STARTTLS and login when configured."""
        email = EmailMessage()
        email["From"] = self.settings.smtp_from
        email["To"] = message.to
        email["Subject"] = message.subject
        email.set_content(message.body)
        with smtplib.SMTP(self.settings.smtp_host, self.settings.smtp_port, timeout=30) as smtp:
            if self.settings.smtp_starttls:
                smtp.starttls()
            if self.settings.smtp_username:
                smtp.login(self.settings.smtp_username, self.settings.smtp_password)
            smtp.send_message(email)


class FakeNotifier:
    """Keeps messages in memory for tests."""

    def __init__(self) -> None:
        self.outbox: list[Message] = []
        self._lock = threading.Lock()

    def send(self, message: Message) -> None:
        """Remember the message."""
        with self._lock:
            self.outbox.append(message)

    def last_to(self, address: str) -> Message:
        """The newest message sent to the address."""
        return next(m for m in reversed(self.outbox) if m.to == address)


def make_notifier(settings: Settings) -> Notifier:
    """SMTP when a host is configured, the console otherwise."""
    return SmtpNotifier(settings) if settings.smtp_host else ConsoleNotifier()
