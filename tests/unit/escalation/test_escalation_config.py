"""Escalation settings come from the OPENMSK_ESCALATION_* variables and refuse bad values by name."""

from datetime import timedelta

import pytest
from pydantic import ValidationError

from openmsk.escalation.config import EscalationConfig


def test_defaults_and_variables(monkeypatch):
    for name in ("LOOKBACK_DAYS", "WEBHOOK_URL", "EMAIL_URGENT", "OVERDUE_CHECK_SECONDS", "STREAM_POLL_SECONDS"):
        monkeypatch.delenv(f"OPENMSK_ESCALATION_{name}", raising=False)
    default = EscalationConfig(_env_file=None)
    assert (default.lookback, default.webhook_url, default.email_urgent, default.overdue_check_seconds,
            default.stream_poll_seconds) == (timedelta(days=30), "", True, 60.0, 0.5)
    monkeypatch.setenv("OPENMSK_ESCALATION_LOOKBACK_DAYS", "7")
    monkeypatch.setenv("OPENMSK_ESCALATION_WEBHOOK_URL", "  https://hooks.example/alerts ")
    monkeypatch.setenv("OPENMSK_ESCALATION_EMAIL_URGENT", "")
    monkeypatch.setenv("OPENMSK_ESCALATION_STREAM_POLL_SECONDS", "2")
    config = EscalationConfig(_env_file=None)
    assert (config.lookback, config.webhook_url, config.email_urgent, config.stream_poll_seconds) == (
        timedelta(days=7), "https://hooks.example/alerts", False, 2.0)


def test_a_negative_lookback_is_refused_naming_the_field(monkeypatch):
    monkeypatch.setenv("OPENMSK_ESCALATION_LOOKBACK_DAYS", "-1")
    with pytest.raises(ValidationError, match="lookback_days"):
        EscalationConfig(_env_file=None)
