"""The app's database connections killed under light load: it recovers without a restart (issue 14).

A real gunicorn (the README's command, the checkout's ``gunicorn.conf.py``) serves ``/health`` from the test database
with the production connection settings (``CONN_MAX_AGE`` 60 s, ``CONN_HEALTH_CHECKS`` on, which the settings set for
every PostgreSQL ``DATABASE_URL``). While a client keeps asking, every other backend of the database is terminated
with ``pg_terminate_backend``; ``/health`` answers 200 again at once, from the same worker process."""

import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="terminates PostgreSQL backends"),
    pytest.mark.django_db(transaction=True),
]


def health(port: int) -> int:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        head = sock.recv(64)
    return int(head.split()[1]) if head.startswith(b"HTTP/") else 0


def children(pid: int) -> set[int]:
    return {int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}


def terminate_other_backends() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


@pytest.fixture
def server(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}:{quote(db['PASSWORD'] or '')}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    log_path = tmp_path / "gunicorn.log"
    log = log_path.open("w")
    process = subprocess.Popen(  # noqa: S603
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "vejapro.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "4",
        ],
        cwd=ROOT,
        env={
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "DATABASE_URL": database_url,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        },
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if health(port) == 200:
                    break
            except OSError:
                pass
            assert process.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.2)
        yield process, port
    finally:
        process.terminate()
        process.wait(30)
        log.close()


def test_killed_database_connections_are_replaced_without_a_restart(server):
    process, port = server
    workers = children(process.pid)
    assert len(workers) == 1
    for _ in range(8):  # every thread holds its persistent connection (CONN_MAX_AGE)
        assert health(port) == 200

    answers: list[int] = []
    stop = threading.Event()

    def light_load():
        while not stop.is_set():
            try:
                answers.append(health(port))
            except OSError:
                answers.append(0)
            time.sleep(0.02)

    load = threading.Thread(target=light_load)
    load.start()
    try:
        killed = 0
        for _ in range(3):  # three rounds, so connections opened in between are killed too
            time.sleep(0.2)
            killed += terminate_other_backends()
        time.sleep(0.5)
    finally:
        stop.set()
        load.join(30)

    assert killed >= 1  # the server's connections really were terminated
    after = [health(port) for _ in range(10)]
    assert after == [200] * 10  # recovered at once, every thread
    assert children(process.pid) == workers  # the same worker: nothing was restarted
    assert set(answers) <= {200, 503}  # a request that met a dead connection is the health check's 503, never a 500
    assert answers.count(200) >= len(answers) // 2  # light load went on being served meanwhile
    print(f"killed {killed} backends; answers during the kills: {dict(Counter(answers))}")
