"""Base classes shared by every capability's request and response schemas."""

from zoneinfo import ZoneInfo, available_timezones

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

_ZONES = frozenset(available_timezones())

# Deliberately loose (one @, a dot in the domain): deliverability is proven by the invitation email.
Email = Annotated[str, Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]


class StrictInput(BaseModel):
    """Request bodies: unknown fields are an error, strings are trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Output(BaseModel):
    """Response bodies, built from ORM objects."""

    model_config = ConfigDict(from_attributes=True)


def check_timezone(value: str) -> str:
    """An IANA time zone name, or a ValueError naming the problem."""
    if value not in _ZONES:
        raise ValueError(f"unknown time zone {value!r}; use an IANA name such as America/New_York")
    ZoneInfo(value)
    return value
