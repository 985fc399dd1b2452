"""The database side of deploy/ run for real on PostgreSQL (security-ops.md §8.4, §10.8): the Supabase set-up SQL,
migrations as the role it creates, the daily backup, and the restore drill into a scratch database."""

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest

from vejapro.ops.tests.scratch_database import scratch_database
from vejapro.tests.required_tools import require_tool

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
TOOLS = ".ci/install-deploy-tools"
SEARCH_PATH = "options=-c%20search_path%3Dvejapro"
DUMP_DATE = "2026-03-20"


def run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        args, env={**os.environ, **env}, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )


def as_role(url: str, role: str) -> str:
    parts = urlsplit(url)
    return parts._replace(netloc=f"{role}:drill-password@{parts.hostname}:{parts.port or 5432}").geturl()


@pytest.fixture(scope="module")
def production_like(django_db_blocker):
    """A scratch database set up by deploy/supabase/setup.sql and migrated as its role, with a few rows."""
    psql = require_tool("psql", installed_by=TOOLS)
    role = None
    try:
        with scratch_database("deploy") as admin_url:
            role = f"{urlsplit(admin_url).path.lstrip('/')}_app"
            setup = [psql, admin_url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-v", f"app_role={role}"]
            setup += ["-v", "app_password=drill-password", "-f", str(DEPLOY / "supabase" / "setup.sql")]
            for _ in range(2):  # a second run changes nothing and does not fail
                result = run(setup)
                assert result.returncode == 0, result.stderr
            app_url = f"{as_role(admin_url, role)}?{SEARCH_PATH}"
            migrate = run([sys.executable, "manage.py", "migrate", "--noinput"], DATABASE_URL=app_url)
            assert migrate.returncode == 0, migrate.stderr
            with psycopg.connect(app_url, autocommit=True) as app:
                app.execute(
                    "INSERT INTO users (id, email, role, is_active, is_staff, is_superuser, password, full_name, "
                    "created_at, updated_at) VALUES (gen_random_uuid(), 'a@vejapro.lt', 'ADMIN', true, true, false, "
                    "'!', '', now(), now()), (gen_random_uuid(), 'b@vejapro.lt', 'CLIENT', true, false, false, '!', "
                    "'', now(), now())"
                )
                app.execute(
                    'INSERT INTO audit_logs (id, entity_type, entity_id, action, actor_type, "timestamp") '
                    "SELECT gen_random_uuid(), 'system', gen_random_uuid(), 'DRILL', 'SYSTEM', now() "
                    "FROM generate_series(1, 25)"
                )
            yield {"admin_url": admin_url, "app_url": app_url, "role": role, "psql": psql}
    finally:
        # Roles belong to the cluster, not to the scratch database that was just dropped.
        if role is not None:
            admin_url = urlsplit(os.environ["DATABASE_URL"])._replace(path="/postgres").geturl()
            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(f'DROP ROLE IF EXISTS "{role}"')


def test_supabase_setup_gives_every_table_row_level_security_and_the_role_owns_them(production_like):
    result = run(
        [production_like["psql"], production_like["admin_url"], "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-f",
         str(DEPLOY / "supabase" / "check.sql")]
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert result.stdout == ""  # check.sql lists problems only
    with psycopg.connect(production_like["admin_url"]) as admin:
        owners = admin.execute("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'vejapro'").fetchall()
        tables = admin.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'vejapro'").fetchone()[0]
        public = admin.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0]
    assert owners == [(production_like["role"],)]
    assert tables > 15
    assert public == 0


def test_backup_then_restore_drill_restores_counts_and_passes_migrate_check(production_like, tmp_path):
    require_tool("pg_dump", installed_by=TOOLS)
    require_tool("pg_restore", installed_by=TOOLS)
    backups = tmp_path / "backups"
    drill_log = tmp_path / "RESTORE_DRILL.md"

    backup = run([str(DEPLOY / "bin" / "vejapro-backup")], DATABASE_URL=production_like["admin_url"],
                 BACKUP_DIR=str(backups), BACKUP_DATE=DUMP_DATE)  # fmt: skip

    assert backup.returncode == 0, backup.stderr
    counts = (backups / f"vejapro-{DUMP_DATE}.dump.counts").read_text().splitlines()
    assert counts[:2] == ["users 2", "projects 0"]
    assert "audit_logs 25" in counts

    with scratch_database("drill") as drill_url:
        drill = run(
            [str(DEPLOY / "bin" / "vejapro-restore-drill")],
            DRILL_DATABASE_URL=drill_url,
            BACKUP_DIR=str(backups),
            DRILL_LOG=str(drill_log),
            APP=str(ROOT),
            VENV=str(Path(sys.executable).parent.parent),
            ENV_FILE="",
        )
        with psycopg.connect(f"{drill_url}?{SEARCH_PATH}") as restored:
            restored_users = restored.execute("SELECT count(*) FROM users").fetchone()[0]

    assert drill.returncode == 0, drill.stdout + drill.stderr
    assert restored_users == 2
    line = drill_log.read_text().splitlines()[-1]
    assert re.fullmatch(rf"\| \d{{4}}-\d\d-\d\d \| vejapro-{DUMP_DATE}\.dump \| \d+ s \| OK \|", line), line


def test_restore_drill_fails_when_the_counts_differ(production_like, tmp_path):
    backups = tmp_path / "backups"
    drill_log = tmp_path / "RESTORE_DRILL.md"
    backup = run([str(DEPLOY / "bin" / "vejapro-backup")], DATABASE_URL=production_like["admin_url"],
                 BACKUP_DIR=str(backups), BACKUP_DATE=DUMP_DATE)  # fmt: skip
    assert backup.returncode == 0, backup.stderr
    counts = backups / f"vejapro-{DUMP_DATE}.dump.counts"
    counts.write_text(counts.read_text().replace("users 2", "users 3"))

    with scratch_database("drill") as drill_url:
        drill = run(
            [str(DEPLOY / "bin" / "vejapro-restore-drill")],
            DRILL_DATABASE_URL=drill_url,
            BACKUP_DIR=str(backups),
            DRILL_LOG=str(drill_log),
            APP=str(ROOT),
            VENV=str(Path(sys.executable).parent.parent),
            ENV_FILE="",
        )

    assert drill.returncode == 1
    assert drill_log.read_text().splitlines()[-1].endswith(" s | FAILED | users: 2 != 3;")
