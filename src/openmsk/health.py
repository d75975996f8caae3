"""The health check."""

from fastapi import APIRouter
from sqlalchemy import text

from openmsk.auth.policy import PublicPrincipal
from openmsk.db import SessionDep
from openmsk.errors import ERROR_RESPONSES

router = APIRouter(responses=ERROR_RESPONSES)


@router.get("/healthz", tags=["health"])
def healthz(session: SessionDep, _: PublicPrincipal) -> dict:
    """200 with {"status": "ok"} when the database answers."""
    session.execute(text("SELECT 1"))
    return {"status": "ok"}
