"""Tokens never reach a log line (security-ops.md §8.2): public links carry them in the path, magic links in the
query string."""

import io
import logging
import logging.config
import re
import runpy
import shutil
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


# --- Issue 14 §5: redaction on the decoded path ------------------------------------------------------------------

ENCODED_LINKS = [
    "/api/v1/public/confirm-payment/%20SECRET9%20",
    "/api/v1/public/confirm-payment/%09SECRET9",
    "/api/v1/public/confirm-payment/SECRET9%0A",
    "/api/v1/public/confirm%2Dpayment/SECRET9",
    "/api/v1/public/activations/%20SECRET9/confirm",
    "/api/v1/public/confirm-payment/%2FSECRET9",
    "/API/V1/PUBLIC/CONFIRM-PAYMENT/SECRET9",
]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "Not Found: /api/v1/public/confirm-payment/ SECRET9 ",
            "Not Found: /api/v1/public/confirm-payment/***",
        ),
        (
            "Not Found: /api/v1/public/confirm-payment//SECRET9",
            "Not Found: /api/v1/public/confirm-payment/***",
        ),
        (
            "Not Found: /api/v1/public/activations/ SECRET9 /confirm",
            "Not Found: /api/v1/public/activations/***/confirm",
        ),
        (
            '"GET /api/v1/public/confirm-payment/%20SECRET9%20 HTTP/1.1" 404',
            '"GET /api/v1/public/confirm-payment/*** HTTP/1.1" 404',
        ),
        (
            '"GET /api/v1/public/confirm%2Dpayment/SECRET9 HTTP/1.1" 404',
            '"GET /api/v1/public/confirm-payment/*** HTTP/1.1" 404',
        ),
        ("GET /contractor?%74oken=SECRET9", "GET /contractor?token=***"),
    ],
)
def test_tokens_are_replaced_in_decoded_and_encoded_paths(line, expected):
    assert redact_secrets(line) == expected


@pytest.mark.parametrize("path", ENCODED_LINKS)
def test_the_django_log_line_of_an_encoded_link_hides_the_token(settings, rf, path):
    """Django logs the decoded ``request.path`` ('Internal Server Error: <path>')."""
    request = rf.post(path)
    stream = io.StringIO()
    config = {**settings.LOGGING, "disable_existing_loggers": False}
    config["handlers"] = {"console": {**config["handlers"]["console"], "stream": stream}}
    logging.config.dictConfig(config)
    try:
        logging.getLogger("django.request").error("Internal Server Error: %s", request.path)
    finally:
        logging.config.dictConfig(settings.LOGGING)

    output = stream.getvalue()
    assert "Internal Server Error: " in output
    assert output.count("***") == 1
    assert "SECRET9" not in output.upper()


def gunicorn_access_line(raw_uri: str) -> str:
    from urllib.parse import unquote

    from gunicorn.config import Config

    config = Config()
    config.set("accesslog", "-")
    for name, value in runpy.run_path(str(ROOT / "gunicorn.conf.py")).items():
        if name in config.settings:
            config.set(name, value)
    path = unquote(raw_uri)  # gunicorn's PATH_INFO is the decoded path
    request = SimpleNamespace(method="POST", path=path, query="", version=(1, 1), headers=[])
    environ = {
        "REMOTE_ADDR": "127.0.0.1",
        "REQUEST_METHOD": "POST",
        "RAW_URI": raw_uri,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    response = SimpleNamespace(status="404 Not Found", status_code=404, sent=0, headers=[])
    logger = config.logger_class(config)
    atoms = logger.atoms(response, request, environ, timedelta(seconds=0.01))
    return config.access_log_format % atoms + " " + atoms["r"]


@pytest.mark.parametrize("raw_uri", ENCODED_LINKS)
def test_gunicorn_access_log_hides_the_token_of_an_encoded_link(raw_uri):
    line = gunicorn_access_line(raw_uri)

    assert "***" in line
    assert "SECRET9" not in line.upper()


# nginx's maps, read from the deployed file and evaluated the way nginx does (first matching regex wins, on the
# decoded and slash-merged $uri and on the raw $request_uri). The same file is run by a real nginx below when the
# machine has one.
def nginx_maps() -> dict[str, tuple[str, list[tuple[str, str]], str]]:
    import re

    http = (ROOT / "deploy" / "nginx" / "vejapro-http.conf").read_text()
    maps = {}
    for source, target, body in re.findall(r"map (\$\w+) (\$\w+) \{\n(.*?)\n\}", http, flags=re.S):
        entries, default = [], None
        for line in body.strip().splitlines():
            key, value = re.match(r'\s*("(?:[^"\\]|\\.)*"|\S+)\s+("(?:[^"\\]|\\.)*"|\S+);', line).groups()
            key, value = key.strip('"').replace("\\\\", "\\"), value.strip('"')
            if key == "default":
                default = value
            else:
                entries.append((key, value))
        maps[target] = (source, entries, default)
    return maps


def nginx_eval(variable: str, variables: dict[str, str]) -> str:
    import re

    maps = nginx_maps()
    if variable not in maps:
        return variables[variable]
    source, entries, default = maps[variable]
    value = nginx_eval(source, variables)
    captures: dict[str, str] = {}
    chosen = default
    for key, template in entries:
        if key.startswith("~"):
            flags = re.I if key.startswith("~*") else 0
            pattern = key.lstrip("~*").replace("(?<", "(?P<")
            match = re.search(pattern, value, flags)
            if match:
                captures, chosen = match.groupdict(), template
                break
        elif key == value:
            chosen = template
            break

    def substitute(found):
        name = found.group(1)
        if name in captures:
            return captures[name]
        return nginx_eval(f"${name}", variables)

    return re.sub(r"\$(\w+)", substitute, chosen)


@pytest.mark.parametrize("raw_uri", [*ENCODED_LINKS, "/api/v1/public/confirm-payment/SECRET9?x=1"])
def test_nginx_maps_hide_the_token_of_an_encoded_link(raw_uri):
    from urllib.parse import unquote

    variables = {"$request_uri": raw_uri, "$uri": re.sub("/+", "/", unquote(raw_uri.split("?")[0]))}

    for name in ("$vejapro_log_target", "$vejapro_log_uri"):
        logged = nginx_eval(name, variables)
        assert "***" in logged, name
        assert "SECRET9" not in logged.upper(), name


def test_nginx_maps_keep_other_paths():
    variables = {"$request_uri": "/api/v1/projects/1?limit=5", "$uri": "/api/v1/projects/1"}

    assert nginx_eval("$vejapro_log_target", variables) == "/api/v1/projects/1?limit=5"
    assert nginx_eval("$vejapro_log_uri", variables) == "/api/v1/projects/1"


def test_nginx_maps_keep_the_suffix_of_a_plain_link():
    variables = {
        "$request_uri": "/api/v1/public/activations/TOK/confirm",
        "$uri": "/api/v1/public/activations/TOK/confirm",
    }

    assert nginx_eval("$vejapro_log_target", variables) == "/api/v1/public/activations/***/confirm"


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed on this machine")
def test_a_running_nginx_logs_no_token_of_an_encoded_link(tmp_path):
    import socket
    import subprocess
    import time

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    (tmp_path / "logs").mkdir()
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/logs/error.log;\ndaemon off;\nevents {{}}\n"
        f"http {{\n  include {ROOT}/deploy/nginx/vejapro-http.conf;\n"
        f"  server {{\n    listen 127.0.0.1:{port};\n"
        f"    access_log {tmp_path}/logs/main.log vejapro_main;\n"
        f"    location / {{ access_log {tmp_path}/logs/main.log vejapro_main;"
        f" access_log {tmp_path}/logs/noquery.log vejapro_noquery; return 200 ok; }}\n  }}\n}}\n"
    )
    server = subprocess.Popen(  # noqa: S603
        ["nginx", "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)],  # noqa: S607
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline
                assert server.poll() is None
                time.sleep(0.05)
        for raw_uri in ENCODED_LINKS:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
                sock.sendall(f"GET {raw_uri} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
                while sock.recv(4096):
                    pass
    finally:
        server.terminate()
        server.wait(10)

    main = (tmp_path / "logs" / "main.log").read_text()
    noquery = (tmp_path / "logs" / "noquery.log").read_text()
    assert main.count("***") >= len(ENCODED_LINKS) - 1  # nginx itself refuses some encodings with 400
    for log in (main, noquery):
        assert "SECRET9" not in log.upper(), log
