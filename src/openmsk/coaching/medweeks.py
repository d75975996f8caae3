"""Daily and weekly morphine milligram equivalents (MME) from a member's medication periods.

The per-product MME comes from openmsk.clinical.opioids.daily_mme (CDC 2022, MMWR 71(RR-3)
Table 1). A day's total is the sum over the opioid products taken that day; a week's value is its
highest daily total, because CDC 2022 states dosage thresholds per day and averaging would hide a
high day. Unknown on any day (a dose not stated) makes the day and the week unknown: never a guess.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from openmsk.clinical.opioids import daily_mme, is_opioid


@dataclass(frozen=True)
class MedPeriod:
    """A product taken from started_on up to, not including, stopped_on."""

    name: str
    started_on: date
    stopped_on: date | None = None
    dose_value: float | None = None
    dose_unit: str | None = None
    doses_per_day: float | None = None
    rxcuis: tuple[str, ...] = field(default=())

    def taken_on(self, day: date) -> bool:
        """True when the product was taken on the day."""
        return self.started_on <= day and (self.stopped_on is None or day < self.stopped_on)

    @property
    def opioid(self) -> bool:
        """True for an opioid, identified by RxNorm ingredient code or by name."""
        return is_opioid(self.name, self.rxcuis)

    def mme(self) -> float | None:
        """The product's daily MME, or None when it cannot be computed."""
        return daily_mme(self.name, self.dose_value, self.dose_unit, self.doses_per_day, self.rxcuis).value


def day_total(periods: Iterable[MedPeriod], day: date) -> float | None:
    """The day's total MME over opioids taken that day; 0.0 with none; None if any is unknown."""
    total = 0.0
    for period in periods:
        if period.opioid and period.taken_on(day):
            value = period.mme()
            if value is None:
                return None
            total += value
    return round(total, 2)


def weekly_mme(periods: list[MedPeriod], program_start: date, through: date) -> dict[int, float | None]:
    """Program week -> highest daily MME in that week (None when unknown), weeks 0..through."""
    result: dict[int, float | None] = {}
    week = 0
    while (first := program_start + timedelta(weeks=week)) <= through:
        days = [first + timedelta(days=i) for i in range(7) if first + timedelta(days=i) <= through]
        totals = [day_total(periods, d) for d in days]
        result[week] = None if any(t is None for t in totals) else max(totals)
        week += 1
    return result
