"""Coaching settings (OPENMSK_COACHING_* variables): the nudge job's period and the SMS/push webhook."""

from functools import lru_cache

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class CoachingConfig(BaseSettings):
    """How often the nudge job runs and where SMS/push messages go."""

    model_config = SettingsConfigDict(env_prefix="OPENMSK_COACHING_", env_file=".env", extra="ignore",
                                      populate_by_name=True)

    # Hourly matches the simulator's tick, so production behaves like the audited simulation.
    # OPENMSK_NUDGE_PERIOD_S is the earlier name, still read.
    nudge_period_s: float = Field(default=3600.0, gt=0, validation_alias=AliasChoices(
        "OPENMSK_COACHING_NUDGE_PERIOD_S", "OPENMSK_NUDGE_PERIOD_S", "nudge_period_s"))
    # Empty: no SMS/push provider, so nudges use in-app and email only.
    webhook_url: str = ""
    webhook_timeout_s: float = Field(default=10.0, gt=0, le=120)


@lru_cache
def coaching_config() -> CoachingConfig:
    """The process-wide coaching settings, read once."""
    return CoachingConfig()
