"""The operator's files in deploy/ (security-ops.md §10): environment examples, scripts and units."""

import os
import re
import runpy
import stat
import subprocess
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from vejapro.tests.required_tools import require_tool

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
SETTINGS_SOURCE = (ROOT / "vejapro" / "settings.py").read_text()
ENV_EXAMPLES = sorted((DEPLOY / "env").glob("*.env.example"))
SCRIPTS = sorted((DEPLOY / "bin").iterdir())
UNITS = sorted((DEPLOY / "systemd").iterdir())


def variables_read_by_settings() -> set[str]:
    names = set(re.findall(r'env\.(?:str|bool|int|float|list|json)\(\s*"([A-Za-z0-9_]+)"', SETTINGS_SOURCE))
    names |= set(re.findall(r'env_list\(\s*"([A-Za-z0-9_]+)"', SETTINGS_SOURCE))
    for first, second in re.findall(
        r'env_(?:str|bool)_alias\(\s*"([A-Za-z0-9_]+)",\s*"([A-Za-z0-9_]+)"', SETTINGS_SOURCE
    ):
        names |= {first, second}
    return names


def ignored_variables() -> set[str]:
    block = SETTINGS_SOURCE[SETTINGS_SOURCE.index("IGNORED_ENV_VARIABLES") :]
    return set(re.findall(r'"([A-Z][A-Z0-9_]+)"', block[: block.index("]")]))


def test_settings_read_the_variables_we_expect():
    names = variables_read_by_settings()

    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "SUPABASE_JWT_AUDIENCE", "JWT_AUDIENCE", "docs_enabled"} <= names
    assert len(names) == 142
    assert ignored_variables() == {
        "AUDIT_LOG_RETENTION_DAYS",
        "ENABLE_ROBOT_ADAPTER",
        "FINANCE_METRICS_RATE_LIMIT_PER_MIN",
        "SECRET_KEY",
    }


@pytest.mark.parametrize("example", ENV_EXAMPLES, ids=lambda path: path.name)
def test_env_example_documents_every_variable_the_settings_read(example):
    text = example.read_text()
    documented = set(re.findall(r"^#?([A-Za-z][A-Za-z0-9_]*)=", text, flags=re.MULTILINE))

    assert variables_read_by_settings() - documented == set()
    assert {name for name in ignored_variables() if name not in text} == set()


def test_env_examples_exist_for_production_and_staging():
    assert [path.name for path in ENV_EXAMPLES] == ["production.env.example", "staging.env.example"]


@pytest.mark.parametrize("example", ENV_EXAMPLES, ids=lambda path: path.name)
def test_env_example_sets_nothing_twice(example):
    names = re.findall(r"^([A-Za-z][A-Za-z0-9_]*)=", example.read_text(), flags=re.MULTILINE)

    assert len(names) == len(set(names))


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_scripts_are_strict_executable_bash(script):
    text = script.read_text()

    assert text.startswith("#!/usr/bin/env bash\n")
    assert "\nset -euo pipefail\n" in text
    assert script.stat().st_mode & stat.S_IXUSR
    subprocess.run(["bash", "-n", str(script)], check=True)  # noqa: S603, S607


def test_units_start_only_scripts_that_exist():
    started = set()
    for unit in UNITS:
        started |= set(re.findall(r"^ExecStart=/usr/local/bin/(\S+)", unit.read_text(), flags=re.MULTILINE))

    assert started == {"vejapro-update", "vejapro-backup", "vejapro-healthcheck", "vejapro-diskcheck"}
    assert {path.name for path in SCRIPTS} >= started


def test_web_unit_runs_gunicorn_as_specified():
    unit = (DEPLOY / "systemd" / "vejapro-web.service").read_text()

    assert (
        "ExecStart=/srv/vejapro/venv/bin/gunicorn vejapro.wsgi:application --bind 127.0.0.1:8000 --worker-class "
        "gthread --workers 3 --threads 8 --timeout 60 --graceful-timeout 30 --max-requests 2000 "
        "--max-requests-jitter 200 --access-logfile -\n"
    ) in unit
    for line in ("NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes"):
        assert f"\n{line}\n" in unit
    assert "\nStateDirectory=vejapro\n" in unit


def test_update_path_unit_watches_the_deploy_trigger_file():
    from django.conf import settings

    unit = (DEPLOY / "systemd" / "vejapro-update.path").read_text()

    assert f"PathChanged={settings.DEPLOY_TRIGGER_FILE}\n" in unit
    assert "Unit=vejapro-update.service" in unit


@pytest.mark.parametrize(
    ("timer", "schedule"),
    [
        ("vejapro-backup.timer", "OnCalendar=*-*-* 02:15:00"),
        ("vejapro-retention.timer", "OnCalendar=*-*-* 03:30:00"),
        ("vejapro-stripe-reconcile.timer", "OnCalendar=*-*-* 04:00:00"),
        ("vejapro-diskcheck.timer", "OnCalendar=*-*-* 06:00:00"),
        ("vejapro-healthcheck.timer", "OnUnitActiveSec=1min"),
        ("vejapro-update.timer", "OnUnitActiveSec=5min"),
    ],
)
def test_timer_schedules(timer, schedule):
    assert f"\n{schedule}\n" in (DEPLOY / "systemd" / timer).read_text()


def test_retention_unit_purges_then_clears_sessions():
    unit = (DEPLOY / "systemd" / "vejapro-retention.service").read_text()

    assert re.findall(r"^ExecStart=(.*)$", unit, flags=re.MULTILINE) == [
        "/srv/vejapro/venv/bin/python manage.py purge_retention --commit",
        "/srv/vejapro/venv/bin/python manage.py clearsessions",
    ]


def test_units_pass_systemd_analyze_verify():
    systemd_analyze = require_tool("systemd-analyze", installed_by=".ci/install-deploy-tools")

    result = subprocess.run(  # noqa: S603
        [systemd_analyze, "verify", "--man=no", *(f"./{unit.name}" for unit in UNITS)],
        cwd=DEPLOY / "systemd",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    problems = [line for line in (result.stdout + result.stderr).splitlines() if "is not executable" not in line]
    assert problems == []


def test_nginx_vhost_essentials():
    conf = (DEPLOY / "nginx" / "vejapro.conf").read_text()
    http = (DEPLOY / "nginx" / "vejapro-http.conf").read_text()
    proxy = (DEPLOY / "nginx" / "snippets" / "vejapro-proxy.conf").read_text()

    assert "listen 127.0.0.1:80 default_server;" in conf
    assert "set_real_ip_from 127.0.0.1;" in conf
    assert "real_ip_header CF-Connecting-IP;" in conf
    assert "return 301 https://vejapro.lt$request_uri;" in conf
    assert "client_max_body_size 12m;" in conf
    assert "proxy_set_header X-Real-IP $remote_addr;" in proxy
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in proxy
    assert "proxy_set_header X-Forwarded-Proto https;" in proxy
    assert "rate=20r/m" in http
    limited = re.findall(r"location (= /\S*) \{\n\s+limit_req zone=vejapro_forms burst=5 nodelay;", conf)
    assert limited == ["= /login", "= /register", "= /"]
    assert "location /api/v1/webhook" not in conf
    assert "location = /api/v1/webhook" not in conf
    for location in ("= /api/v1/admin/finance/metrics", "/admin/finansai/metrika/", "= /api/v1/admin/dashboard/sse"):
        block = conf[conf.index(f"location {location} {{") :]
        block = block[: block.index("}")]
        assert "vejapro_noquery" in block
        assert "vejapro-sse.conf" in block
    portal_block = conf[conf.index("location ~ ^/(client|contractor|expert)(/|$) {") :]
    assert "vejapro_noquery" in portal_block[: portal_block.index("}")]


# --- The scripts themselves ------------------------------------------------------------------------------------


@pytest.fixture
def fake_bin(tmp_path) -> Path:
    """A PATH directory whose ``systemctl`` and ``logger`` only record their arguments."""
    directory = tmp_path / "bin"
    directory.mkdir()
    for name in ("systemctl", "logger"):
        tool = directory / name
        tool.write_text(f'#!/usr/bin/env bash\necho "$*" >> "{tmp_path}/{name}.calls"\n')
        tool.chmod(0o755)
    return directory


def run_script(name: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [str(DEPLOY / "bin" / name), *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_healthcheck_restarts_the_web_service_after_three_failures(tmp_path, fake_bin):
    env = {"PATH": f"{fake_bin}:{os.environ['PATH']}", "STATE_DIRECTORY": str(tmp_path / "state")}
    args = ("--url", "http://127.0.0.1:9/health", "--service", "vejapro-web")

    results = [run_script("vejapro-healthcheck", *args, env=env) for _ in range(3)]

    assert [result.returncode for result in results] == [0, 0, 0]
    assert (tmp_path / "systemctl.calls").read_text() == "restart vejapro-web\n"
    assert "ALERT vejapro-healthcheck" in results[2].stderr
    assert "ALERT" not in results[1].stderr


@pytest.mark.postgres
def test_backup_dumps_counts_and_keeps_14_daily_and_6_monthly(tmp_path, fake_bin, db):
    from django.db import connection

    database = connection.settings_dict
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    backups = tmp_path / "backups"
    backups.mkdir()
    day = date(2025, 8, 1)
    while day < date(2026, 3, 20):
        (backups / f"vejapro-{day}.dump").write_text("old")
        (backups / f"vejapro-{day}.dump.counts").write_text("users 1\n")
        day += timedelta(days=1)
    env = {
        "PATH": f"{fake_bin}:{os.environ['PATH']}",
        "DATABASE_URL": url,
        "BACKUP_DIR": str(backups),
        "BACKUP_SCHEMA": "public",
        "BACKUP_DATE": "2026-03-20",
    }

    result = run_script("vejapro-backup", env=env)

    assert result.returncode == 0, result.stderr
    subprocess.run(["pg_restore", "--list", str(backups / "vejapro-2026-03-20.dump")], check=True, capture_output=True)  # noqa: S603, S607
    counts = (backups / "vejapro-2026-03-20.dump.counts").read_text().splitlines()
    assert counts[:2] == ["users 0", "projects 0"]
    assert "audit_logs 0" in counts
    kept = sorted(path.name for path in backups.glob("*.dump"))
    daily = [f"vejapro-{date(2026, 3, 20) - timedelta(days=n)}.dump" for n in range(14)]
    monthly = [
        f"vejapro-{month}-01.dump" for month in ("2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03")
    ]
    assert kept == sorted(daily + monthly)
    assert sorted(path.name for path in backups.glob("*.counts")) == sorted(f"{name}.counts" for name in kept)


def test_backup_without_database_url_alerts_and_fails(tmp_path, fake_bin):
    env = {"PATH": f"{fake_bin}:{os.environ['PATH']}", "BACKUP_DIR": str(tmp_path)}

    result = run_script("vejapro-backup", env=env)

    assert result.returncode == 1
    assert "ALERT vejapro-backup DATABASE_URL is not set" in result.stderr


def test_gunicorn_access_log_never_records_query_strings_or_referrers():
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    config = Config()
    config.set("accesslog", "-")
    for name, value in runpy.run_path(str(ROOT / "gunicorn.conf.py")).items():
        if name in config.settings:
            config.set(name, value)
    request = SimpleNamespace(
        method="GET", path="/contractor", query="token=eyJ.secret.jwt", version=(1, 1), headers=[]
    )
    environ = {
        "REMOTE_ADDR": "127.0.0.1",
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/contractor?token=eyJ.secret.jwt",
        "PATH_INFO": "/contractor",
        "QUERY_STRING": "token=eyJ.secret.jwt",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": "https://vejapro.lt/contractor?token=eyJ.secret.jwt",
        "HTTP_USER_AGENT": "Mozilla/5.0",
    }
    response = SimpleNamespace(status="302 Found", status_code=302, sent=0, headers=[])
    atoms = Logger(config).atoms(response, request, environ, timedelta(seconds=0.01))

    line = config.access_log_format % atoms

    assert "/contractor" in line
    assert "eyJ.secret.jwt" not in line
    assert '"GET /contractor HTTP/1.1" 302' in line


@pytest.mark.parametrize("vhost", ["vejapro.conf", "vejapro-staging.conf"])
def test_nginx_accepts_the_configuration(tmp_path, vhost):
    nginx = require_tool("nginx", installed_by=".ci/install-deploy-tools")
    snippets = tmp_path / "snippets"
    snippets.mkdir()
    for snippet in (DEPLOY / "nginx" / "snippets").iterdir():
        snippets.joinpath(snippet.name).write_text(snippet.read_text().replace("/etc/nginx/snippets/", f"{snippets}/"))
    (tmp_path / "logs").mkdir()
    site = (DEPLOY / "nginx" / vhost).read_text()
    site = site.replace("/etc/nginx/snippets/", f"{snippets}/").replace("/var/log/nginx/", f"{tmp_path}/logs/")
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/logs/error.log;\nevents {{}}\n"
        f"http {{\n  include {DEPLOY}/nginx/vejapro-http.conf;\n  include {tmp_path}/site.conf;\n}}\n"
    )

    result = subprocess.run(  # noqa: S603
        [nginx, "-t", "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr


# --- deploy/well-known and deploy/supabase ------------------------------------------------------------------------


def test_security_txt_names_a_contact_and_has_not_expired():
    from datetime import UTC, datetime

    fields = dict(
        line.split(": ", 1)
        for line in (DEPLOY / "well-known" / "security.txt").read_text().splitlines()
        if line and not line.startswith("#")
    )

    assert fields["Contact"].startswith("mailto:")
    assert fields["Canonical"] == "https://vejapro.lt/.well-known/security.txt"
    expires = datetime.fromisoformat(fields["Expires"])
    # RFC 9116: at most a year ahead. This fails once it has passed: renew the file then.
    assert datetime.now(UTC) < expires < datetime.now(UTC) + timedelta(days=366)


@pytest.mark.parametrize(
    ("vhost", "checkout"), [("vejapro.conf", "/srv/vejapro"), ("vejapro-staging.conf", "/srv/vejapro-staging")]
)
def test_nginx_serves_the_well_known_files_from_the_checkout(vhost, checkout):
    conf = (DEPLOY / "nginx" / vhost).read_text()

    assert f"location ^~ /.well-known/ {{\n        alias {checkout}/app/deploy/well-known/;" in conf


@pytest.mark.parametrize("template", sorted((DEPLOY / "supabase" / "email-templates").iterdir()), ids=lambda p: p.name)
def test_supabase_email_templates_are_lithuanian_and_carry_the_link(template):
    text = template.read_text()

    assert '<a href="{{ .ConfirmationURL }}">' in text
    assert "<p>Sveiki,</p>" in text
    assert "Subject: " in text.splitlines()[0]


def test_supabase_email_templates_cover_every_auth_message():
    names = {path.name for path in (DEPLOY / "supabase" / "email-templates").iterdir()}

    assert names == {
        "confirm-signup.html",
        "invite.html",
        "magic-link.html",
        "change-email.html",
        "reset-password.html",
    }
