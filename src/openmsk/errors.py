"""One error shape for every failure, the domain errors that map onto it, and their handlers."""

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from openmsk.logs import request_id_var

log = logging.getLogger(__name__)


class ErrorDetail(BaseModel):
    """One problem with the request, located where possible."""

    location: list[str | int] = []
    message: str


class ErrorBody(BaseModel):
    """The machine-readable part of an error."""

    code: str
    message: str
    details: list[ErrorDetail] = []


class ErrorResponse(BaseModel):
    """The body of every non-2xx response."""

    error: ErrorBody
    request_id: str | None = None


class AppError(Exception):
    """A failure the client can act on; its message must never contain health data."""

    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, details: list[ErrorDetail] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class BadRequest(AppError):
    """The request is malformed."""


class Unauthenticated(AppError):
    """No valid credentials were presented."""

    status_code = 401
    code = "unauthenticated"


class Forbidden(AppError):
    """The caller is known but may not do this."""

    status_code = 403
    code = "forbidden"


class NotFound(AppError):
    """The named thing does not exist."""

    status_code = 404
    code = "not_found"


class Conflict(AppError):
    """The request clashes with the current state."""

    status_code = 409
    code = "conflict"


class Invalid(AppError):
    """The request is well-formed but its values are not acceptable."""

    status_code = 422
    code = "invalid"


class TooLarge(AppError):
    """The body is over the configured limit."""

    status_code = 413
    code = "payload_too_large"


class TooManyRequests(AppError):
    """The caller is being throttled."""

    status_code = 429
    code = "too_many_requests"


_DESCRIPTIONS = {
    400: "Malformed request",
    401: "Not signed in",
    403: "Not allowed",
    404: "Not found",
    409: "Conflict with the current state",
    413: "Body too large",
    422: "Invalid values",
}
ERROR_RESPONSES: dict[int | str, dict] = {
    status: {"model": ErrorResponse, "description": text} for status, text in _DESCRIPTIONS.items()
}

_HTTP_CODES = {400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 409: "conflict", 413: "payload_too_large",
               422: "invalid", 429: "too_many_requests"}


def error_json(status: int, code: str, message: str, details: list[ErrorDetail] | None = None,
               headers: dict | None = None) -> JSONResponse:
    """The uniform error response."""
    body = ErrorResponse(error=ErrorBody(code=code, message=message, details=details or []),
                         request_id=request_id_var.get())
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


def _validation_details(exc: RequestValidationError) -> tuple[int, str, list[ErrorDetail]]:
    details = []
    malformed = False
    for err in exc.errors():
        if err.get("type") == "json_invalid":
            malformed = True
        message = {"extra_forbidden": "unknown field",
                   "json_invalid": "malformed JSON"}.get(err.get("type", ""), err.get("msg", "invalid"))
        details.append(ErrorDetail(location=[str(p) for p in err.get("loc", ())], message=message))
    if malformed:
        return 400, "malformed JSON body", details
    return 422, "the request has invalid or unknown fields", details


def wants_html(request: Request) -> bool:
    """True for a browser page request (pages get HTML errors, the APIs JSON)."""
    path = request.url.path
    return (not path.startswith(("/api/", "/fhir/", "/healthz"))
            and "text/html" in request.headers.get("accept", ""))


def install_error_handlers(app: FastAPI) -> None:
    """Route every exception through the uniform error shape (an HTML page for browsers)."""

    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError):
        if wants_html(request) and hasattr(request.app.state, "html_error"):
            return request.app.state.html_error(request, exc.status_code, exc.message)
        headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
        return error_json(exc.status_code, exc.code, exc.message, exc.details, headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        status, message, details = _validation_details(exc)
        return error_json(status, "bad_request" if status == 400 else "invalid", message, details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        message = exc.detail if isinstance(exc.detail, str) else _DESCRIPTIONS.get(exc.status_code, "error")
        if wants_html(request) and hasattr(request.app.state, "html_error"):
            return request.app.state.html_error(request, exc.status_code, message)
        return error_json(exc.status_code, _HTTP_CODES.get(exc.status_code, "error"), message,
                          headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        # Only the exception type is logged: messages of arbitrary exceptions may carry data.
        log.error("unhandled error", extra={"error_type": type(exc).__name__})
        return error_json(500, "internal_error", "an unexpected error occurred")
