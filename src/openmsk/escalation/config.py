"""Escalation settings (OPENMSK_ESCALATION_* variables, documented in docs/escalation.md)."""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from openmsk.escalation.engine import DEFAULT_LOOKBACK


class EscalationConfig(BaseSettings):
    """Monitoring look-back, urgent-alert announcements, overdue checks and live-stream fallback poll."""

    model_config = SettingsConfigDict(env_prefix="OPENMSK_ESCALATION_", env_file=".env", extra="ignore")

    # How far before enrollment records still raise actionable alerts; a program decision (30 days).
    lookback_days: int = Field(default=DEFAULT_LOOKBACK.days, ge=0)
    webhook_url: str = ""
    email_urgent: bool = True
    overdue_check_seconds: float = Field(default=60.0, gt=0)
    # Streams re-read the database this often when no cross-process notification channel exists (SQLite).
    stream_poll_seconds: float = Field(default=0.5, gt=0, le=60)

    @field_validator("webhook_url")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()

    @field_validator("email_urgent", mode="before")
    @classmethod
    def _empty_is_off(cls, value):
        return "0" if isinstance(value, str) and not value.strip() else value

    @property
    def lookback(self) -> timedelta:
        """The look-back as a duration."""
        return timedelta(days=self.lookback_days)


@lru_cache
def escalation_config() -> EscalationConfig:
    """The process-wide escalation settings, read once."""
    return EscalationConfig()


def lookback() -> timedelta:
    """How far before enrollment records still raise actionable alerts (default 30 days)."""
    return escalation_config().lookback


def webhook_url() -> str:
    """Where urgent alerts are POSTed (empty: no webhook)."""
    return escalation_config().webhook_url


def email_urgent() -> bool:
    """Whether the routed clinician is emailed a link when an alert is or becomes urgent."""
    return escalation_config().email_urgent


def overdue_check_seconds() -> float:
    """How often the periodic job looks for overdue alerts."""
    return escalation_config().overdue_check_seconds
