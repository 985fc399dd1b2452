"""gunicorn as the README and the systemd units start it, with the checkout's ``gunicorn.conf.py`` (issue 14 §9).

gunicorn must never face the internet (nginx buffers and times out slow clients in front of it); its own settings
are still the safe ones where gunicorn has one: a connection closes after its response, so a request body the
application never read cannot leave the connection waiting for a "next request" made of that body."""

import os
import runpy
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def test_the_config_file_sets_the_timeouts_and_no_keep_alive():
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))

    assert config["keepalive"] == 0
    assert config["timeout"] == 60
    assert config["graceful_timeout"] == 30
    assert config["worker_class"] == "gthread"


@pytest.fixture
def gunicorn_server(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(  # noqa: S603 - the README's command, on a free loopback port
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "vejapro.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "2",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                    sock.sendall(b"GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                    if sock.recv(64).startswith(b"HTTP/1"):
                        break
            except OSError:
                pass
            assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()
            assert time.monotonic() < deadline, (tmp_path / "gunicorn.log").read_text()
            time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(30)
        log.close()


def read_until_closed(sock: socket.socket, seconds: float) -> tuple[bytes, bool]:
    sock.settimeout(seconds)
    received = b""
    try:
        while chunk := sock.recv(4096):
            received += chunk
    except TimeoutError:
        return received, False
    return received, True


def test_a_body_the_application_never_read_does_not_hold_the_connection(gunicorn_server):
    """An unknown /api path answers 404 without reading the body. The client has sent only part of the body it
    announced: with keep-alive gunicorn would wait for the rest (holding a thread) before it could reuse the
    connection; without keep-alive the connection closes right after the answer."""
    with socket.create_connection(("127.0.0.1", gunicorn_server), timeout=5) as sock:
        sock.sendall(
            b"POST /api/v1/no-such-endpoint HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
            b"Content-Length: 100000\r\n\r\n" + b"x" * 1000
        )
        started = time.monotonic()
        received, closed = read_until_closed(sock, seconds=3)

    assert received.startswith(b"HTTP/1.1 404")
    assert b"Connection: close" in received
    assert closed
    assert time.monotonic() - started < 2


def test_the_readmes_say_gunicorn_must_not_face_the_internet():
    """Slow clients that trickle their headers hold gthread threads; no gunicorn setting prevents it, nginx does."""
    for readme in (ROOT / "README.md", ROOT / "deploy" / "README.md"):
        text = readme.read_text()
        assert "must never face the internet" in text, readme
        assert "127.0.0.1" in text, readme
