"""Tokens never reach a log line (security-ops.md §8.2): public links carry them in the path, magic links in the
query string."""

import io
import logging
import logging.config
import runpy
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings

from vejapro.core.http.log_redaction import redact_secrets

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "Internal Server Error: /api/v1/public/confirm-payment/AB-CD_123",
            "Internal Server Error: /api/v1/public/confirm-payment/***",
        ),
        ("GET /api/v1/public/activations/XYZ987/confirm", "GET /api/v1/public/activations/***/confirm"),
        ("GET /api/v1/public/offer/tok3n/respond", "GET /api/v1/public/offer/***/respond"),
        ("GET /contractor?token=eyJ.a.b&project=1", "GET /contractor?token=***&project=1"),
        ("GET /api/v1/projects/123", "GET /api/v1/projects/123"),
    ],
)
def test_tokens_are_replaced(line, expected):
    assert redact_secrets(line) == expected


def test_the_console_handler_of_the_settings_hides_tokens():
    stream = io.StringIO()
    config = {**settings.LOGGING, "disable_existing_loggers": False}
    config["handlers"] = {"console": {**config["handlers"]["console"], "stream": stream}}
    logging.config.dictConfig(config)
    try:
        logging.getLogger("django.request").error("Internal Server Error: %s", "/api/v1/public/confirm-payment/SECRET1")
    finally:
        logging.config.dictConfig(settings.LOGGING)

    output = stream.getvalue()
    assert "/api/v1/public/confirm-payment/***" in output
    assert "SECRET1" not in output


def test_gunicorn_access_log_hides_the_token_of_a_public_link():
    from gunicorn.config import Config

    config = Config()
    config.set("accesslog", "-")
    for name, value in runpy.run_path(str(ROOT / "gunicorn.conf.py")).items():
        if name in config.settings:
            config.set(name, value)
    path = "/api/v1/public/confirm-payment/SECRET2"
    request = SimpleNamespace(method="GET", path=path, query="", version=(1, 1), headers=[])
    environ = {
        "REMOTE_ADDR": "127.0.0.1",
        "REQUEST_METHOD": "GET",
        "RAW_URI": path,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    response = SimpleNamespace(status="200 OK", status_code=200, sent=0, headers=[])
    logger = config.logger_class(config)

    line = config.access_log_format % logger.atoms(response, request, environ, timedelta(seconds=0.01))

    assert '"GET /api/v1/public/confirm-payment/*** HTTP/1.1" 200' in line
    assert "SECRET2" not in line


def test_nginx_logs_use_the_redacted_targets():
    http = (ROOT / "deploy" / "nginx" / "vejapro-http.conf").read_text()

    assert "$request_method $vejapro_log_target $server_protocol" in http
    assert "$request_method $vejapro_log_uri $server_protocol" in http
    assert '"$request"' not in http
