"""Jinja2 templates and the anonymous-form CSRF cookie for the console pages."""

import hmac
import secrets
from pathlib import Path

from fastapi import Request
from urllib.parse import quote

from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from openmsk.console.nav import chart_links, nav_links
from openmsk.errors import Forbidden

# Every capability may keep page templates in its own templates/ folder; names are prefixed by
# capability (e.g. intake_onboarding.html) so that they never clash.
TEMPLATE_DIRS = [Path(__file__).parent / "templates"] + sorted(
    p for p in Path(__file__).parents[1].glob("*/templates") if p.parent.name != "console")
templates = Jinja2Templates(directory=TEMPLATE_DIRS)
templates.env.globals["nav_links"] = nav_links
templates.env.globals["chart_links"] = chart_links
FORM_COOKIE = "openmsk_form"


def render(request: Request, name: str, status_code: int = 200, **context) -> HTMLResponse:
    """Render a page with the signed-in principal (if any) and the form token in its context."""
    principal = request.state._state.get("principal")
    form_token = request.cookies.get(FORM_COOKIE) or secrets.token_urlsafe(24)
    csrf = principal.csrf_token if principal and principal.csrf_token else form_token
    response = templates.TemplateResponse(
        request, name, {"principal": principal, "csrf_token": csrf, **context}, status_code=status_code)
    if not request.cookies.get(FORM_COOKIE):
        settings = request.app.state.settings
        response.set_cookie(FORM_COOKIE, form_token, httponly=True, samesite="strict",
                            secure=settings.secure_cookies, path="/")
    return response


def check_form_token(request: Request, sent: str) -> None:
    """Anonymous forms (sign-in, password links) echo the form cookie: double-submit CSRF defence."""
    cookie = request.cookies.get(FORM_COOKIE, "")
    if not cookie or not hmac.compare_digest(cookie, sent or ""):
        raise Forbidden("the form expired; reload the page and try again")


_TITLES = {403: "Not allowed", 404: "Not found", 413: "Too large", 429: "Slow down"}


def html_error(request: Request, status_code: int, message: str):
    """Browsers are sent to sign in on 401 and shown a plain error page otherwise."""
    if status_code == 401:
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
    return render(request, "error.html", status_code=status_code, title=_TITLES.get(status_code, "Error"),
                  message=message)
