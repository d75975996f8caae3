"""Coaching settings from the environment: the nudge period (with its earlier name) and the webhook."""

import pytest
from pydantic import ValidationError

from openmsk.coaching import channels
from openmsk.coaching.config import CoachingConfig, coaching_config


@pytest.fixture(autouse=True)
def _clean(monkeypatch):
    for name in ("OPENMSK_COACHING_NUDGE_PERIOD_S", "OPENMSK_NUDGE_PERIOD_S", "OPENMSK_COACHING_WEBHOOK_URL",
                 "OPENMSK_COACHING_WEBHOOK_TIMEOUT_S"):
        monkeypatch.delenv(name, raising=False)
    coaching_config.cache_clear()
    yield
    coaching_config.cache_clear()


def test_defaults_run_hourly_without_a_webhook():
    config = CoachingConfig(_env_file=None)
    assert config.nudge_period_s == 3600 and config.webhook_url == ""


def test_the_earlier_period_name_is_read_and_the_new_name_wins(monkeypatch):
    monkeypatch.setenv("OPENMSK_NUDGE_PERIOD_S", "600")
    assert CoachingConfig(_env_file=None).nudge_period_s == 600
    monkeypatch.setenv("OPENMSK_COACHING_NUDGE_PERIOD_S", "900")
    assert CoachingConfig(_env_file=None).nudge_period_s == 900


def test_a_period_of_zero_is_refused_naming_the_field(monkeypatch):
    monkeypatch.setenv("OPENMSK_COACHING_NUDGE_PERIOD_S", "0")
    with pytest.raises(ValidationError, match="NUDGE_PERIOD_S"):
        CoachingConfig(_env_file=None)


def test_the_webhook_comes_from_the_settings_unless_the_job_context_has_one(monkeypatch):
    assert channels.webhook_from({}) is None
    monkeypatch.setenv("OPENMSK_COACHING_WEBHOOK_URL", "https://sms.example.test/send")
    monkeypatch.setenv("OPENMSK_COACHING_WEBHOOK_TIMEOUT_S", "3")
    coaching_config.cache_clear()
    built = channels.webhook_from({})
    assert isinstance(built, channels.HttpWebhook)
    assert built.url == "https://sms.example.test/send" and built.timeout_s == 3
    fake = channels.FakeWebhook()
    assert channels.webhook_from({"coaching_webhook": fake}) is fake
