"""Row-level security without policies on every application table (security-ops.md §8.4, data-model.md §8)."""

import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from vejapro.core.models import TokenRedemption
from vejapro.core.row_level_security import application_tables, row_level_security_enable


def rls_state() -> dict[str, tuple[bool, bool]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class "
            "WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r'"
        )
        return {name: (enabled, forced) for name, enabled, forced in cursor.fetchall()}


@pytest.mark.django_db
def test_the_application_tables_are_every_model_table_and_the_migration_table():
    tables = set(application_tables(connection))

    assert {
        "users",
        "users_groups",
        "users_user_permissions",
        "audit_logs",
        "token_redemptions",
        "projects",
        "evidences",
        "payments",
        "stripe_webhook_events",
        "client_confirmations",
        "notification_outbox",
        "margins",
        "django_session",
        "django_admin_log",
        "auth_group",
        "django_migrations",
    } <= tables


@pytest.mark.django_db
def test_nothing_happens_on_other_databases():
    if connection.vendor == "postgresql":
        pytest.skip("SQLite only")

    assert row_level_security_enable(connection) == []


@pytest.mark.postgres
@pytest.mark.django_db
def test_every_application_table_has_row_level_security_and_no_policy():
    state = rls_state()
    tables = application_tables(connection)

    assert tables
    assert {table: state[table] for table in tables} == {table: (True, False) for table in tables}
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_policies WHERE schemaname = current_schema()")
        assert cursor.fetchone()[0] == 0


@pytest.mark.postgres
@pytest.mark.django_db
def test_enabling_again_changes_nothing():
    assert row_level_security_enable(connection) == []


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_table_created_later_is_covered_after_migrate():
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE token_redemptions DISABLE ROW LEVEL SECURITY")

    call_command("migrate", verbosity=0)

    assert rls_state()["token_redemptions"] == (True, False)


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_owner_reads_and_writes_while_an_api_role_sees_nothing():
    """As on Supabase: Django connects as the role that owns the tables (RLS does not apply to it); the API roles
    have table grants but no policy, so they see no rows. The roles exist only in the test's transaction."""
    suffix = uuid.uuid4().hex[:8]
    owner, api_role = f"vejapro_rls_owner_{suffix}", f"vejapro_rls_api_{suffix}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = connection.ops.quote_name(cursor.fetchone()[0])
        cursor.execute(f"CREATE ROLE {owner} NOLOGIN")
        cursor.execute(f"CREATE ROLE {api_role} NOLOGIN")
        cursor.execute(f"GRANT USAGE ON SCHEMA {schema} TO {owner}, {api_role}")
        cursor.execute(f"ALTER TABLE token_redemptions OWNER TO {owner}")
        cursor.execute(f"GRANT SELECT ON token_redemptions TO {api_role}")
        try:
            cursor.execute(f"SET LOCAL ROLE {owner}")
            cursor.execute(
                "INSERT INTO token_redemptions (id, jti, subject, role, redeemed_at, expires_at) "
                "VALUES (%s, %s, 'sub', 'CLIENT', now(), %s)",
                [uuid.uuid4(), uuid.uuid4().hex, timezone.now() + timedelta(days=1)],
            )
            cursor.execute("SELECT count(*) FROM token_redemptions")
            owner_sees = cursor.fetchone()[0]
            cursor.execute(f"SET LOCAL ROLE {api_role}")
            cursor.execute("SELECT count(*) FROM token_redemptions")
            api_sees = cursor.fetchone()[0]
        finally:
            cursor.execute("RESET ROLE")

    assert (owner_sees, api_sees) == (1, 0)


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_application_still_reads_and_writes():
    TokenRedemption.objects.create(
        jti=uuid.uuid4().hex, subject="sub", role="CLIENT", expires_at=timezone.now() + timedelta(days=1)
    )

    assert TokenRedemption.objects.count() == 1
