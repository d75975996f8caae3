"""SMART Backend Services (https://hl7.org/fhir/smart-app-launch/backend-services.html), both sides.

Server: registered clients sign a JWT assertion (RS384) to get a short-lived token with `system/*` scopes.
Client: the same assertion, built to pull from a provider's FHIR server.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

import jwt
from sqlalchemy import select
from sqlalchemy.orm import Session

from openmsk.auth import audit
from openmsk.auth.secrets import new_token, token_digest
from openmsk.db import utcnow
from openmsk.errors import BadRequest, Conflict, Unauthenticated
from openmsk.interop.models import FhirClient, FhirClientToken

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
# Backend Services: "The authorization server SHALL ... [accept] RS384"; assertions live at most 5 minutes.
ALGORITHMS = ["RS384", "ES384"]
MAX_ASSERTION_S = 300
TOKEN_TTL_S = 300
READ_SCOPES = ("read", "rs", "*")


@dataclass(frozen=True)
class MachineClient:
    """A machine client acting on a token, with its granted scopes."""

    client_id: str
    scopes: frozenset[str]

    def may_read(self, resource_type: str) -> bool:
        """True when a `system/<type or *>.<read|rs|*>` scope covers this resource type."""
        for scope in self.scopes:
            context, _, rest = scope.partition("/")
            rtype, _, access = rest.partition(".")
            if context == "system" and rtype in ("*", resource_type) and access in READ_SCOPES:
                return True
        return False


def register_client(session: Session, *, client_id: str, name: str, public_key_pem: str, scopes: str) -> FhirClient:
    """Register a machine client with its public key and the scopes it may ask for."""
    if session.scalar(select(FhirClient.id).where(FhirClient.client_id == client_id)):
        raise Conflict("a client with this client_id exists")
    client = FhirClient(client_id=client_id, name=name, public_key_pem=public_key_pem, scopes=scopes)
    session.add(client)
    session.flush()
    audit.record(session, None, action="create", resource_type="FhirClient", resource_id=client.id)
    return client


def issue_token(session: Session, *, assertion: str, assertion_type: str, scope: str, token_url: str) -> dict:
    """Check a signed client assertion and issue an access token for the allowed part of the scope."""
    if assertion_type != ASSERTION_TYPE:
        raise BadRequest("client_assertion_type must be jwt-bearer")
    try:
        client_id = jwt.decode(assertion, options={"verify_signature": False}).get("iss", "")
    except jwt.PyJWTError:
        raise Unauthenticated("client_assertion is not a JWT") from None
    client = session.scalar(select(FhirClient).where(FhirClient.client_id == str(client_id)))
    if client is None:
        raise Unauthenticated("unknown client")
    try:
        claims = jwt.decode(assertion, client.public_key_pem, algorithms=ALGORITHMS, audience=token_url,
                            issuer=client.client_id, options={"require": ["exp", "iss", "sub", "aud", "jti"]})
    except jwt.PyJWTError as exc:
        raise Unauthenticated(f"client_assertion rejected: {type(exc).__name__}") from None
    if claims["sub"] != client.client_id or claims["exp"] - time.time() > MAX_ASSERTION_S:
        raise Unauthenticated("client_assertion rejected: sub or exp")
    allowed = set(client.scopes.split())
    granted = [s for s in scope.split() if s in allowed]
    if not granted:
        raise Unauthenticated("none of the requested scopes is allowed for this client")
    token = new_token()
    session.add(FhirClientToken(client_pk=client.id, token_digest=token_digest(token), scopes=" ".join(granted),
                                expires_at=utcnow() + timedelta(seconds=TOKEN_TTL_S)))
    audit.record(session, None, action="token", resource_type="FhirClient", resource_id=client.id)
    return {"access_token": token, "token_type": "bearer", "expires_in": TOKEN_TTL_S, "scope": " ".join(granted)}


def machine_client(session: Session, token: str) -> MachineClient | None:
    """The machine client behind a bearer token, if it is a live client token."""
    row = session.execute(select(FhirClientToken, FhirClient.client_id)
                          .join(FhirClient, FhirClient.id == FhirClientToken.client_pk)
                          .where(FhirClientToken.token_digest == token_digest(token))).first()
    if row is None or row[0].expires_at <= utcnow():
        return None
    return MachineClient(row[1], frozenset(row[0].scopes.split()))


def client_assertion(*, client_id: str, token_url: str, private_key_pem: str, kid: str | None = None) -> str:
    """A signed RS384 client assertion for a provider's token endpoint (we are the client)."""
    now = int(time.time())
    headers = {"kid": kid} if kid else None
    return jwt.encode({"iss": client_id, "sub": client_id, "aud": token_url, "exp": now + 240,
                       "jti": str(uuid.uuid4())}, private_key_pem, algorithm="RS384", headers=headers)
