"""Dependency aliases for the services the composition root puts on app.state."""

from typing import Annotated

from fastapi import Depends, Request

from openmsk.auth.secrets import LinkSigner
from openmsk.auth.throttle import AttemptThrottle
from openmsk.config import Settings
from openmsk.db import Database
from openmsk.errors import TooManyRequests
from openmsk.jobs.registry import JobQueue


def _settings(request: Request) -> Settings:
    return request.app.state.settings


def _db(request: Request) -> Database:
    return request.app.state.db


def _queue(request: Request) -> JobQueue:
    return request.app.state.queue


def _signer(request: Request) -> LinkSigner:
    return request.app.state.signer


SettingsDep = Annotated[Settings, Depends(_settings)]
DatabaseDep = Annotated[Database, Depends(_db)]
QueueDep = Annotated[JobQueue, Depends(_queue)]
SignerDep = Annotated[LinkSigner, Depends(_signer)]


def throttle_sign_in(request: Request) -> None:
    """Refuse a client that tries to sign in (or reset) too often."""
    throttle: AttemptThrottle = request.app.state.throttle
    client = request.client.host if request.client else "unknown"
    if not throttle.allow(client):
        raise TooManyRequests("too many attempts from this address; wait a minute")


SignInThrottle = Depends(throttle_sign_in)
