"""The FHIR R4 API under /fhir/R4: CapabilityStatement, read, search, $everything, errors as OperationOutcome."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from sqlalchemy import select
from sqlalchemy.orm import Session

from openmsk.auth import audit
from openmsk.auth.policy import _bearer, can_access_member, current_principal
from openmsk.auth.principal import Principal
from openmsk.db import SessionDep, session_dependency
from openmsk.errors import AppError, BadRequest, Forbidden, NotFound, Unauthenticated
from openmsk.interop import fhir_search as search, smart
from openmsk.members.models import Member
from openmsk.members.service import visible_members

FHIR_JSON = "application/fhir+json"
PREFIX = "/fhir/R4"
_ISSUE_CODES = {400: "invalid", 401: "login", 403: "forbidden", 404: "not-found", 409: "conflict",
                413: "too-costly", 422: "invalid", 429: "throttled"}


class FhirResponse(JSONResponse):
    """JSON with the FHIR media type."""

    media_type = FHIR_JSON


def outcome(status: int, message: str, *, code: str | None = None) -> FhirResponse:
    """An OperationOutcome error response (https://hl7.org/fhir/R4/operationoutcome.html)."""
    body = {"resourceType": "OperationOutcome", "issue": [{
        "severity": "error", "code": code or _ISSUE_CODES.get(status, "exception"), "diagnostics": message}]}
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return FhirResponse(body, status_code=status, headers=headers)


class FhirRoute(APIRoute):
    """Answers every failure of a FHIR route (policy, validation, domain) as an OperationOutcome."""

    def get_route_handler(self):
        handler = super().get_route_handler()

        async def fhir_handler(request: Request):
            try:
                return await handler(request)
            except AppError as exc:
                return outcome(exc.status_code, exc.message)
            except RequestValidationError:
                return outcome(400, "the request has invalid parameters")

        return fhir_handler


@dataclass(frozen=True)
class FhirCaller:
    """A signed-in user or a machine client with SMART scopes."""

    principal: Principal | None
    client: smart.MachineClient | None


def fhir_access(request: Request, session: Session = session_dependency) -> FhirCaller:
    """Users' bearer tokens or cookies, or machine-client tokens; anyone else gets 401."""
    principal = current_principal(request, session)
    if principal is not None:
        return FhirCaller(principal, None)
    token = _bearer(request)
    client = smart.machine_client(session, token) if token else None
    if client is None:
        raise Unauthenticated("a valid bearer token is required")
    return FhirCaller(None, client)


def _declared(name: str):
    def marker() -> None:
        return None

    marker.__openmsk_policy__ = name
    return marker


fhir_access.__openmsk_policy__ = "fhir_access"
Caller = Annotated[FhirCaller, Depends(fhir_access)]
router = APIRouter(prefix=PREFIX, route_class=FhirRoute, include_in_schema=False)


def check_member(request: Request, session: Session, caller: FhirCaller, member_id: str, rtype: str) -> Member:
    """The member, if the caller may read this type of their data; audits the read or the refusal."""
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound(f"{rtype}: no such resource")
    if caller.principal is not None:
        allowed = can_access_member(session, caller.principal, member_id)
    else:
        allowed = caller.client.may_read(rtype)
    detail = {"client_id": caller.client.client_id, "api": "fhir"} if caller.client else {"api": "fhir"}
    if not allowed:
        audit.record_denied(request.app.state.db, caller.principal, action="read", resource_type=f"Fhir{rtype}",
                            member_id=member_id)
        raise Forbidden("this member's data is not available to you")
    audit.record(session, caller.principal, action="read", resource_type=f"Fhir{rtype}", resource_id=member_id,
                 member_id=member_id, detail=detail)
    return member


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/") + PREFIX


def _params(request: Request) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        params.setdefault(key, []).append(value)
    unknown = sorted(set(params) - set(search.SEARCH_PARAMS) - {"_format"})
    if unknown:
        raise BadRequest(f"unsupported search parameter: {unknown[0]}")
    return params


def _check_type(rtype: str) -> None:
    if rtype not in search.SUPPORTED:
        raise NotFound(f"resource type {rtype} is not supported here")


@router.get("/metadata", dependencies=[Depends(_declared("fhir_discovery"))])
def metadata(request: Request) -> FhirResponse:
    """The CapabilityStatement (public, as FHIR servers publish it)."""
    from openmsk.interop.fhir_capability import capability_statement

    return FhirResponse(capability_statement(_base(request)))


@router.get("/.well-known/smart-configuration", dependencies=[Depends(_declared("fhir_discovery"))])
def smart_configuration(request: Request) -> JSONResponse:
    """SMART discovery: where to get a Backend Services token."""
    return JSONResponse({"token_endpoint": f"{_base(request)}/auth/token",
                         "token_endpoint_auth_methods_supported": ["private_key_jwt"],
                         "token_endpoint_auth_signing_alg_values_supported": smart.ALGORITHMS,
                         "grant_types_supported": ["client_credentials"],
                         "scopes_supported": ["system/*.read", "system/*.rs"], "capabilities": ["client-confidential-asymmetric"]})


@router.post("/auth/token", dependencies=[Depends(_declared("fhir_client_assertion"))])
def token(request: Request, session: SessionDep, grant_type: Annotated[str, Form()],
          client_assertion_type: Annotated[str, Form()], client_assertion: Annotated[str, Form()],
          scope: Annotated[str, Form()] = "system/*.read") -> JSONResponse:
    """SMART Backend Services token: client_credentials with a signed JWT assertion."""
    if grant_type != "client_credentials":
        return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
    try:
        issued = smart.issue_token(session, assertion=client_assertion, assertion_type=client_assertion_type,
                                   scope=scope, token_url=f"{_base(request)}/auth/token")
    except AppError as exc:
        return JSONResponse({"error": "invalid_client", "error_description": exc.message}, status_code=401)
    return JSONResponse(issued, headers={"Cache-Control": "no-store"})


@router.get("/Patient/{pid}/$everything")
def everything(request: Request, pid: str, session: SessionDep, caller: Caller) -> FhirResponse:
    """Everything we hold for one member (our data and imported records) as a searchset Bundle."""
    member = check_member(request, session, caller, pid, "Patient")
    resources = []
    for rtype in search.SUPPORTED:
        if caller.client is None or caller.client.may_read(rtype):
            resources.extend(search.resources_of(session, member, rtype))
    params = {k: v for k, v in _params(request).items() if k in ("_count", "_offset")}
    return FhirResponse(search.searchset(resources, base=_base(request), url=str(request.url), params=params))


@router.get("/{rtype}/{rid}")
def read(request: Request, rtype: str, rid: str, session: SessionDep, caller: Caller) -> FhirResponse:
    """Read one resource by id."""
    _check_type(rtype)
    member_id = search.member_of(session, rtype, rid)
    if member_id is None:
        raise NotFound(f"{rtype}/{rid} not found")
    member = check_member(request, session, caller, member_id, rtype)
    found = next((r for r in search.resources_of(session, member, rtype) if r["id"] == rid), None)
    if found is None:
        raise NotFound(f"{rtype}/{rid} not found")
    return FhirResponse(found)


def _patients_for(session: Session, caller: FhirCaller, params: dict[str, list[str]], rtype: str) -> list[str]:
    refs = params.get("patient", []) + params.get("subject", [])
    if rtype == "Patient":
        refs += [i for v in params.get("_id", []) for i in v.split(",")]
    if refs:
        return [search.patient_id(r) for ref in refs for r in ref.split(",")]
    if caller.principal is not None and caller.principal.is_member:
        return [caller.principal.member_id]
    if rtype != "Patient":
        raise BadRequest(f"searching {rtype} needs the patient parameter")
    if caller.principal is not None:
        return [m.id for m in visible_members(session, principal=caller.principal, limit=500, offset=0)]
    if not caller.client.may_read("Patient"):
        raise Forbidden("this client's scopes do not cover Patient")
    return list(session.scalars(select(Member.id).order_by(Member.id).limit(search.MAX_COUNT)))


@router.get("/{rtype}")
def search_type(request: Request, rtype: str, session: SessionDep, caller: Caller) -> FhirResponse:
    """Search one resource type by patient, code, date, with `_count` paging."""
    _check_type(rtype)
    params = _params(request)
    resources: list[dict[str, Any]] = []
    for member_id in _patients_for(session, caller, params, rtype):
        member = check_member(request, session, caller, member_id, rtype)
        resources.extend(search.resources_of(session, member, rtype))
    resources = search.apply_filters(resources, params)
    return FhirResponse(search.searchset(resources, base=_base(request), url=str(request.url), params=params))
