"""Escalation settings read from OPENMSK_ESCALATION_* environment variables (documented in docs/escalation.md)."""

from __future__ import annotations

import os
from datetime import timedelta

from openmsk.escalation.engine import DEFAULT_LOOKBACK


def lookback() -> timedelta:
    """How far before enrollment records still raise actionable alerts (default 30 days)."""
    raw = os.environ.get("OPENMSK_ESCALATION_LOOKBACK_DAYS", "").strip()
    if not raw:
        return DEFAULT_LOOKBACK
    days = int(raw)
    if days < 0:
        raise ValueError("OPENMSK_ESCALATION_LOOKBACK_DAYS must be 0 or more")
    return timedelta(days=days)


def webhook_url() -> str:
    """Where urgent alerts are POSTed (empty: no webhook)."""
    return os.environ.get("OPENMSK_ESCALATION_WEBHOOK_URL", "").strip()


def email_urgent() -> bool:
    """Whether the routed clinician is emailed a link when an alert is or becomes urgent."""
    return os.environ.get("OPENMSK_ESCALATION_EMAIL_URGENT", "1").strip().lower() not in ("0", "false", "no", "")


def overdue_check_seconds() -> float:
    """How often the periodic job looks for overdue alerts."""
    return float(os.environ.get("OPENMSK_ESCALATION_OVERDUE_CHECK_SECONDS", "60"))
