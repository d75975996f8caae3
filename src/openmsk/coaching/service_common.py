"""Helpers shared by the coaching services: the member, their local today, and field errors."""

from collections.abc import Callable
from datetime import date, datetime
from typing import TypeVar

from sqlalchemy.orm import Session

from openmsk.coaching.checks import FieldProblem
from openmsk.coaching.localtime import local_date
from openmsk.db import utcnow
from openmsk.errors import ErrorDetail, Invalid, NotFound
from openmsk.members.models import Member

T = TypeVar("T")


def member_or_404(session: Session, member_id: str) -> Member:
    """The member, or NotFound."""
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound("no member with this id")
    return member


def local_today(member: Member, now: datetime | None = None) -> date:
    """The member's calendar date now, in their own time zone."""
    return local_date(now or utcnow(), member.timezone or "UTC")


def invalid(problem: FieldProblem) -> Invalid:
    """A 422 naming the field (never the value)."""
    return Invalid(f"{problem.field} {problem.message}",
                   details=[ErrorDetail(location=["body", problem.field], message=problem.message)])


def checked(fn: Callable[..., T], *args, **kwargs) -> T:
    """Run a plausibility check, turning its FieldProblem into a 422."""
    try:
        return fn(*args, **kwargs)
    except FieldProblem as problem:
        raise invalid(problem) from None
