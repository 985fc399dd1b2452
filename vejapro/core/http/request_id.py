"""A short id per request in every log line written while serving it (security-ops.md §10.7: timestamp, level,
logger, request id, message), so the lines of one request can be found together in journald."""

import logging
import uuid
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

NO_REQUEST = "-"
_current: ContextVar[str] = ContextVar("vejapro_request_id", default=NO_REQUEST)


def current_request_id() -> str:
    return _current.get()


class RequestIdMiddleware:
    """Outermost middleware: every line logged while the request is served carries its id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current.set(uuid.uuid4().hex[:12])
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to each record (``-`` outside a request: commands, the worker, start-up)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True
