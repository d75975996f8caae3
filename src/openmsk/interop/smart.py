"""SMART Backend Services (https://hl7.org/fhir/smart-app-launch/backend-services.html), both sides.

Server: registered clients sign a JWT assertion (RS384) to get a short-lived token with `system/*` scopes.
Client: the same assertion, built to pull from a provider's FHIR server.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

import jwt
from cryptography.hazmat.primitives import serialization
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from openmsk.auth import audit
from openmsk.auth.principal import Principal
from openmsk.auth.secrets import new_token, token_digest
from openmsk.db import utcnow
from openmsk.errors import BadRequest, Conflict, Invalid, NotFound, Unauthenticated
from openmsk.interop.models import FhirClient, FhirClientToken, FhirRevocation

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
# Backend Services: "The authorization server SHALL ... [accept] RS384"; assertions live at most 5 minutes.
ALGORITHMS = ["RS384", "ES384"]
MAX_ASSERTION_S = 300
TOKEN_TTL_S = 300
READ_SCOPES = ("read", "rs", "*")
# SMART v1/v2 system scopes, system/<Type or *>.<read | rs | *>:
# https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html
SCOPE_PATTERN = re.compile(r"system/(\*|[A-Z][A-Za-z]{1,63})\.(read|rs|\*)")
CLIENT_ID_PATTERN = re.compile(r"[A-Za-z0-9._:-]{3,200}")


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


def public_key_pem(key: str) -> str:
    """A public key as PEM, from PEM text or a JWKS / JWK (its first RS384- or ES384-capable key)."""
    text = key.strip()
    try:
        if text.startswith("{"):
            document = json.loads(text)
            keys = document.get("keys", [document]) if isinstance(document, dict) else []
            usable = [k for k in keys if isinstance(k, dict) and k.get("kty") in ("RSA", "EC")
                      and k.get("alg", "RS384") in ALGORITHMS]
            if not usable:
                raise ValueError("no RSA or EC key")
            loaded = jwt.PyJWK(usable[0], algorithm=usable[0].get("alg", "RS384" if usable[0]["kty"] == "RSA"
                                                                    else "ES384")).key
        else:
            loaded = serialization.load_pem_public_key(text.encode())
        return loaded.public_bytes(serialization.Encoding.PEM,
                                   serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    except (ValueError, TypeError, AttributeError, jwt.PyJWTError):
        raise Invalid("public_key must be a PEM public key or a JWKS with an RS384 or ES384 key") from None


def check_scopes(scopes: str) -> str:
    """The scopes, space-separated, each a SMART `system/` read scope."""
    items = scopes.replace(",", " ").split()
    if not items or any(not SCOPE_PATTERN.fullmatch(s) for s in items):
        raise Invalid("scopes must be system/<Type or *>.<read, rs or *> scopes, space-separated")
    return " ".join(dict.fromkeys(items))


def register_client(session: Session, *, client_id: str, name: str, public_key_pem: str, scopes: str,
                    actor: Principal | None = None) -> FhirClient:
    """Register a machine client with its public key and the scopes it may ask for."""
    if not CLIENT_ID_PATTERN.fullmatch(client_id):
        raise Invalid("client_id must be 3 to 200 letters, digits or . _ : -")
    if not name.strip():
        raise Invalid("name is required")
    if session.scalar(select(FhirClient.id).where(FhirClient.client_id == client_id)):
        raise Conflict("a client with this client_id exists")
    client = FhirClient(client_id=client_id, name=name.strip()[:200], public_key_pem=public_key_pem, scopes=scopes)
    session.add(client)
    session.flush()
    audit.record(session, actor, action="create", resource_type="FhirClient", resource_id=client.id)
    return client


def _revoked_ids(session: Session, kind: str) -> dict[str, FhirRevocation]:
    return {r.target_id: r for r in session.scalars(select(FhirRevocation).where(FhirRevocation.kind == kind))}


def list_clients(session: Session) -> list[tuple[FhirClient, FhirRevocation | None]]:
    """Every registered machine client, newest first, with its revocation if revoked."""
    revoked = _revoked_ids(session, "client")
    clients = session.scalars(select(FhirClient).order_by(FhirClient.created_at.desc(), FhirClient.id))
    return [(c, revoked.get(c.id)) for c in clients]


def revoke_client(session: Session, *, client_pk: str, actor: Principal | None) -> FhirClient:
    """Revoke a machine client: its live tokens stop working and it gets no new ones."""
    client = session.get(FhirClient, client_pk)
    if client is None:
        raise NotFound("no FHIR client with this id")
    if client_pk not in _revoked_ids(session, "client"):
        session.add(FhirRevocation(kind="client", target_id=client_pk, revoked_by=actor.user_id if actor else None))
    session.execute(delete(FhirClientToken).where(FhirClientToken.client_pk == client_pk))
    audit.record(session, actor, action="revoke", resource_type="FhirClient", resource_id=client_pk)
    return client


def _is_revoked(session: Session, client_pk: str) -> bool:
    return session.scalar(select(FhirRevocation.id).where(FhirRevocation.kind == "client",
                                                          FhirRevocation.target_id == client_pk)) is not None


def issue_token(session: Session, *, assertion: str, assertion_type: str, scope: str, token_url: str) -> dict:
    """Check a signed client assertion and issue an access token for the allowed part of the scope."""
    if assertion_type != ASSERTION_TYPE:
        raise BadRequest("client_assertion_type must be jwt-bearer")
    try:
        client_id = jwt.decode(assertion, options={"verify_signature": False}).get("iss", "")
    except jwt.PyJWTError:
        raise Unauthenticated("client_assertion is not a JWT") from None
    client = session.scalar(select(FhirClient).where(FhirClient.client_id == str(client_id)))
    if client is None or _is_revoked(session, client.id):
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
