"""Aggregate enrollment counts for program administrators, with small cells suppressed."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from openmsk.members.models import Member, Organization

# CMS cell-size suppression policy: counts from 1 to 10 are never shown
# (CMS, "Cell Size Suppression Policy", 2020).
MIN_CELL = 11


@dataclass(frozen=True)
class CountRow:
    """One organization's enrollment by status; None marks a suppressed cell."""

    organization: str
    total: int | None
    by_status: dict[str, int | None]


def _shown(n: int) -> int | None:
    return n if n == 0 or n >= MIN_CELL else None


def enrollment_counts(session: Session) -> list[CountRow]:
    """Members per organization and status, suppressing cells of 1 to 10 and their complements."""
    counts: dict[str, dict[str, int]] = {}
    for org, status, n in session.execute(
            select(Organization.name, Member.status, func.count())
            .join(Member, Member.organization_id == Organization.id)
            .group_by(Organization.name, Member.status)):
        counts.setdefault(org, {})[status] = n
    rows = []
    for org, statuses in sorted(counts.items()):
        shown = {s: _shown(n) for s, n in statuses.items()}
        hidden = [s for s, v in shown.items() if v is None]
        if len(hidden) == 1 and len(shown) > 1:
            # One hidden cell could be recovered from the total: hide the next smallest too.
            nxt = min((s for s in shown if s not in hidden), key=lambda s: statuses[s])
            shown[nxt] = None
        rows.append(CountRow(org, _shown(sum(statuses.values())), shown))
    return rows
