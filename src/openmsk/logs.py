"""Structured JSON logs carrying the request id; nothing about a person goes in them."""

import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

# Only these extra fields are copied into a log line: an allow-list, so that a careless
# `extra={"member": ...}` cannot leak a person's data into the logs.
SAFE_FIELDS = frozenset(
    {"method", "route", "status", "duration_ms", "user_id", "error_type", "job", "event",
     "queue", "backend", "attempt", "count", "port", "database", "member_id", "task", "path"}
)


class JsonFormatter(logging.Formatter):
    """One JSON object per line with time, level, logger, message, request id and safe fields."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": request_id_var.get(),
        }
        line.update({k: v for k, v in record.__dict__.items() if k in SAFE_FIELDS})
        if record.exc_info:
            # The type only: tracebacks may quote values of a person's data.
            line["error_type"] = record.exc_info[0].__name__ if record.exc_info[0] else None
        return json.dumps(line, default=str)


def configure_logging(level: str = "INFO") -> None:
    """Send JSON lines to stderr for our loggers and silence the raw access log."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Raw access logs print full URLs, which may carry query values; our middleware logs
    # the route template instead.
    logging.getLogger("uvicorn.access").disabled = True
