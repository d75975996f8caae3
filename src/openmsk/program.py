"""Program calendar helpers shared by every capability."""

from datetime import date, datetime


def program_week(program_start: date, at: datetime) -> int:
    """Whole weeks since the program started (week 0 is the first seven days; negative before it).

    >>> from datetime import UTC
    >>> program_week(date(2026, 1, 1), datetime(2026, 1, 15, 9, tzinfo=UTC))
    2
    """
    return (at.date() - program_start).days // 7
