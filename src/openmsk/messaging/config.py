"""Messaging settings (OPENMSK_MESSAGING_* variables) and the response-time calendar they define."""

from datetime import date, time
from functools import lru_cache

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from openmsk.messaging.business_time import BusinessCalendar

MAX_BODY_CHARS = 4000
MAX_SUBJECT_CHARS = 200


class MessagingConfig(BaseSettings):
    """Response target, working hours, holidays and the role that answers by default."""

    model_config = SettingsConfigDict(env_prefix="OPENMSK_MESSAGING_", env_file=".env", extra="ignore")

    # A program decision, not a clinical threshold: the issue sets one business day as the default.
    response_target_business_days: float = Field(default=1.0, gt=0, le=10)
    business_day_start: time = time(9)
    business_day_end: time = time(17)
    # "us_federal" (5 U.S.C. 6103) and/or ISO dates, comma-separated; "none" for no holidays.
    holidays: str = "us_federal"
    # Every member has a physical therapist (enrollment assigns one), so a reply task always has an owner.
    response_role: str = "physical_therapist"

    @field_validator("holidays")
    @classmethod
    def _valid_holidays(cls, value: str) -> str:
        for item in _items(value):
            if item not in ("us_federal", "none"):
                date.fromisoformat(item)  # ValueError names the bad entry's format
        return value

    def calendar(self, timezone: str) -> BusinessCalendar:
        """The business calendar of a clinician in `timezone`."""
        items = _items(self.holidays)
        return BusinessCalendar(
            timezone=timezone, day_start=self.business_day_start, day_end=self.business_day_end,
            holidays=frozenset(date.fromisoformat(i) for i in items if i not in ("us_federal", "none")),
            us_federal="us_federal" in items)


def _items(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


@lru_cache
def messaging_config() -> MessagingConfig:
    """The process-wide messaging settings, read once."""
    return MessagingConfig()
