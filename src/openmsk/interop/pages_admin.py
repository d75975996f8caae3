"""Admin pages: provider feeds, FHIR API clients (SMART Backend Services) and the patient-match review queue."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from openmsk.auth.policy import CurrentAdmin
from openmsk.console.rendering import render
from openmsk.db import SessionDep
from openmsk.errors import AppError, NotFound
from openmsk.interop import pull, service, smart

router = APIRouter(include_in_schema=False)
FormText = Annotated[str, Form()]


def _feeds(request: Request, session, status_code: int = 200, **context):
    return render(request, "interop_admin_feeds.html", status_code=status_code, feeds=pull.list_feeds(session),
                  **context)


@router.get("/admin/fhir-feeds", response_class=HTMLResponse)
def feeds_page(request: Request, session: SessionDep, _: CurrentAdmin):
    """Provider feeds with their last notifications, a form to register one and a disable button."""
    return _feeds(request, session)


@router.post("/admin/fhir-feeds", response_class=HTMLResponse)
def feeds_register(request: Request, session: SessionDep, admin: CurrentAdmin, provider: FormText = "",
                   base_url: FormText = "", client_id: FormText = "", token_url: FormText = "",
                   csrf_token: FormText = ""):
    """Register a feed and show its notification secret, this one time only."""
    try:
        with session.begin_nested():
            feed, secret = pull.register_feed(session, provider=provider, base_url=base_url,
                                              client_id=client_id.strip() or None,
                                              token_url=token_url.strip() or None, actor=admin)
    except AppError as exc:
        return _feeds(request, session, status_code=exc.status_code, error=exc.message,
                      form={"provider": provider, "base_url": base_url, "client_id": client_id,
                            "token_url": token_url})
    return _feeds(request, session, created=feed, secret=secret,
                  notify_url=f"{request.app.state.settings.base_url.rstrip('/')}/fhir/R4/notifications/{feed.id}")


@router.post("/admin/fhir-feeds/{feed_id}/disable", response_class=HTMLResponse)
def feeds_disable(feed_id: str, session: SessionDep, admin: CurrentAdmin, csrf_token: FormText = ""):
    """Disable a feed: its notifications are refused from now on."""
    pull.disable_feed(session, feed_id=feed_id, actor=admin)
    return RedirectResponse("/admin/fhir-feeds", status_code=303)


def _clients(request: Request, session, status_code: int = 200, **context):
    return render(request, "interop_admin_clients.html", status_code=status_code,
                  clients=smart.list_clients(session), **context)


@router.get("/admin/fhir-clients", response_class=HTMLResponse)
def clients_page(request: Request, session: SessionDep, _: CurrentAdmin):
    """Registered FHIR API clients, a form to register one and a revoke button."""
    return _clients(request, session)


@router.post("/admin/fhir-clients", response_class=HTMLResponse)
def clients_register(request: Request, session: SessionDep, admin: CurrentAdmin, client_id: FormText = "",
                     name: FormText = "", public_key: FormText = "", scopes: FormText = "",
                     csrf_token: FormText = ""):
    """Register a client from its public key (PEM or JWKS) and allowed scopes."""
    try:
        with session.begin_nested():
            smart.register_client(session, client_id=client_id.strip(), name=name,
                                  public_key_pem=smart.public_key_pem(public_key),
                                  scopes=smart.check_scopes(scopes), actor=admin)
    except AppError as exc:
        return _clients(request, session, status_code=exc.status_code, error=exc.message,
                        form={"client_id": client_id, "name": name, "public_key": public_key, "scopes": scopes})
    return RedirectResponse("/admin/fhir-clients?registered=1", status_code=303)


@router.post("/admin/fhir-clients/{client_pk}/revoke", response_class=HTMLResponse)
def clients_revoke(client_pk: str, session: SessionDep, admin: CurrentAdmin, csrf_token: FormText = ""):
    """Revoke a client: its tokens stop working at once."""
    smart.revoke_client(session, client_pk=client_pk, actor=admin)
    return RedirectResponse("/admin/fhir-clients", status_code=303)


@router.get("/admin/fhir-matches", response_class=HTMLResponse)
def matches_page(request: Request, session: SessionDep, admin: CurrentAdmin):
    """Uncertain matches: the provider's patient next to the candidate member, with the score."""
    return render(request, "interop_admin_matches.html", items=service.review_items(session, principal=admin))


@router.post("/admin/fhir-matches/{link_id}/{decision}", response_class=HTMLResponse)
def matches_decide(link_id: str, decision: str, session: SessionDep, admin: CurrentAdmin,
                   csrf_token: FormText = ""):
    """Accept (link) or reject one match, then return to the queue."""
    if decision not in ("accept", "reject"):
        raise NotFound("no such decision; use accept or reject")
    service.resolve_review(session, link_id=link_id, accept=decision == "accept", actor=admin)
    return RedirectResponse(f"/admin/fhir-matches?{decision}ed=1", status_code=303)
