"""Log lines carry timestamp, level, logger, request id and message (security-ops.md §10.7)."""

import logging
import re

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from vejapro.core.http.request_id import RequestIdFilter, RequestIdMiddleware, current_request_id


def console_handler() -> logging.Handler:
    [handler] = [
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(item, RequestIdFilter) for item in handler.filters)
    ]
    return handler


def formatted_line(message: str) -> str:
    record = logging.LogRecord("vejapro.test", logging.WARNING, __file__, 1, message, None, None)
    handler = console_handler()
    handler.filter(record)
    return handler.format(record)


def test_lines_logged_while_serving_a_request_carry_its_id():
    lines, ids = [], []

    def view(request):
        ids.append(current_request_id())
        lines.append(formatted_line("inside"))
        return HttpResponse("ok")

    RequestIdMiddleware(view)(RequestFactory().get("/"))
    RequestIdMiddleware(view)(RequestFactory().get("/"))

    assert all(re.fullmatch(r"[0-9a-f]{12}", request_id) for request_id in ids)
    assert ids[0] != ids[1]
    assert re.fullmatch(rf"\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d,\d{{3}} WARNING vejapro\.test {ids[0]} inside", lines[0])


def test_outside_a_request_the_id_is_a_dash():
    assert current_request_id() == "-"
    assert formatted_line("start-up").endswith(" WARNING vejapro.test - start-up")


def test_the_id_is_cleared_after_the_response_even_on_errors():
    def failing(request):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        RequestIdMiddleware(failing)(RequestFactory().get("/"))

    assert current_request_id() == "-"
