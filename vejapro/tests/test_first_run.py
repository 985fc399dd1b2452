"""The first run as a new user meets it (issue 13 A): what `make run` starts — migrate, the demo data, runserver and
the worker beside it, with no setting changed — carries a project from DRAFT to ACTIVE through HTTP, the client
confirming by the link of the e-mail the worker prints.

The processes get an empty environment except a temporary SQLite database and the `DJANGO_DEBUG=true` the Makefile
sets, so nothing of the test process (its settings, its PostgreSQL) leaks in."""

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

BASE_DIR = Path(__file__).resolve().parents[2]
DEMO_ADMIN = ("admin@demo.vejapro.lt", "VejaPRO-demo-2026")
CLIENT_NAME = "Rūta Pirmaitė"
MESSAGE_SEPARATOR = "-" * 79
STARTUP_SECONDS = 30
EMAIL_SECONDS = 30


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _manage(env: dict[str, str], *args: str, **popen) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, text=True, **popen
    )


@pytest.fixture
def first_run(tmp_path):
    """Server and worker as `make run` starts them; both stopped after the test."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "DJANGO_DEBUG": "true",
    }
    for command in (("migrate", "--noinput"), ("load_demo_data",)):
        done = _manage(env, *command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        output, _ = done.communicate(timeout=120)
        assert done.returncode == 0, output
    port = _free_port()
    worker_log = tmp_path / "worker.log"
    server_log = tmp_path / "server.log"
    with worker_log.open("w") as worker_out, server_log.open("w") as server_out:
        worker = _manage(env, "run_worker", stdout=worker_out, stderr=subprocess.STDOUT)
        server = _manage(env, "runserver", "--noreload", f"127.0.0.1:{port}", stdout=server_out, stderr=server_out)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + STARTUP_SECONDS
            while True:
                try:
                    requests.get(f"{base}/health", timeout=2)
                    break
                except requests.ConnectionError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        pytest.fail(f"runserver did not start:\n{server_log.read_text()}")
                    time.sleep(0.2)
            yield base, worker_log
        finally:
            for process in (server, worker):
                process.terminate()
            for process in (server, worker):
                process.wait(timeout=30)


class Admin:
    """A browser session in the back office: the CSRF token from its cookie, redirects followed."""

    def __init__(self, base: str):
        self.base = base
        self.session = requests.Session()

    def get(self, path: str) -> str:
        response = self.session.get(self.base + path, timeout=30)
        assert response.status_code == 200, (path, response.status_code)
        return response.text

    def post(self, path: str, data: dict | None = None) -> str:
        token = self.session.cookies.get("csrftoken")
        response = self.session.post(
            self.base + path,
            data={"csrfmiddlewaretoken": token, **(data or {})},
            headers={"Referer": self.base + path},
            timeout=30,
        )
        assert response.status_code == 200, (path, response.status_code, response.text[:500])
        return response.text

    def sign_in(self) -> None:
        self.get("/admin/login/")
        html = self.post("/admin/login/", {"username": DEMO_ADMIN[0], "password": DEMO_ADMIN[1], "next": "/admin/"})
        assert "Darbo eilė" in html


def _form_value(html: str, name: str) -> str:
    return html.split(f'name="{name}"', 1)[1].split('value="', 1)[1].split('"', 1)[0]


def _first_option(html: str, select_name: str) -> str:
    select = html.split(f'name="{select_name}"', 1)[1].split("</select>", 1)[0]
    return next(value for value in re.findall(r'<option value="([^"]*)"', select) if value)


def _confirmation_link(worker_log: Path) -> str:
    """The link of the e-mail the worker printed for our client (the demo's own e-mails are printed too)."""
    deadline = time.monotonic() + EMAIL_SECONDS
    while time.monotonic() < deadline:
        for message in worker_log.read_text().split(MESSAGE_SEPARATOR):
            if f"Sveiki, {CLIENT_NAME}" in message:
                return re.search(r"http://\S+/api/v1/public/confirm-payment/[\w-]+", message).group(0)
        time.sleep(0.5)
    pytest.fail(f"no confirmation e-mail printed by the worker:\n{worker_log.read_text()[-3000:]}")


def test_make_run_walks_a_project_from_draft_to_active_with_the_e_mail_link(first_run):
    base, worker_log = first_run
    admin = Admin(base)
    admin.sign_in()
    assert "Pranešimų siuntimas veikia" in admin.get("/admin/")

    html = admin.post(
        "/admin/projects/project/add/",
        {"name": CLIENT_NAME, "email": "ruta.pirmaite@example.lt", "phone": "+37061234999",
         "address": "Kaunas, Žaliakalnis", "area_m2": "150"},
    )  # fmt: skip
    assert "Projektas sukurtas." in html
    project = re.search(r"/admin/projects/project/([0-9a-f-]{36})/veiksmas/depozitas/", html).group(1)
    screen, action = f"/admin/projects/project/{project}/change/", f"/admin/projects/project/{project}/veiksmas/"

    html = admin.post(
        action + "depozitas/",
        {"deposit-amount": "300.00", "deposit-payment_method": "BANK_TRANSFER", "deposit-currency": "EUR",
         "deposit-provider_event_id": _form_value(html, "deposit-provider_event_id")},
    )  # fmt: skip
    assert "Mokėjimas įrašytas, projektas apmokėtas." in html
    assert "Rangovas priskirtas." in admin.post(action + "rangovas/", {"user": _first_option(html, "user")})
    html = admin.post(action + "pazymeti-suplanuotu/", {"starts_at": "2027-05-04 10:00", "ends_at": "2027-05-04 12:00"})
    assert "Projektas pažymėtas suplanuotu." in html
    assert "Ekspertas priskirtas." in admin.post(action + "ekspertas/", {"user": _first_option(html, "user")})
    assert "Projektas perduotas ekspertui." in admin.post(action + "perduoti-ekspertui/")
    assert "Pridėta sertifikavimo nuotraukų: 3." in admin.post(action + "sert-foto-seed/")
    checklist = {f"check_{key}": "on" for key in ("ground", "seed", "edges", "cleanliness")}
    html = admin.post(action + "sertifikuoti/", {**checklist, "notes": "Viskas tvarkinga"})
    assert "Projektas sertifikuotas." in html
    html = admin.post(
        action + "galutinis/",
        {"final-amount": "675.00", "final-payment_method": "CASH", "final-currency": "EUR",
         "final-provider_event_id": _form_value(html, "final-provider_event_id")},
    )  # fmt: skip
    assert "Mokėjimas įrašytas. Patvirtinimas klientui įtrauktas į eilę." in html

    # The client opens the printed link (its host is PUBLIC_BASE_URL's; the path is what matters) and confirms.
    link = base + urlsplit(_confirmation_link(worker_log)).path
    page = requests.get(link, headers={"Accept": "text/html"}, timeout=30)
    assert page.status_code == 200
    assert "Patvirtinu" in page.text
    confirmed = requests.post(link, data={}, timeout=30)
    assert confirmed.status_code == 200

    assert '<span class="vp-pill vp-pill-bright">Aktyvus</span>' in admin.get(screen)
