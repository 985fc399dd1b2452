"""``manage.py import_legacy`` against a PostgreSQL database built with the legacy schema (data-model.md §9)."""

from datetime import UTC, datetime
from decimal import Decimal
from io import StringIO
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command

from messaging.models import ClientConfirmation, NotificationOutbox
from payments.models import Payment
from projects.models import Evidence, Project
from vejapro.core.audit.actions import AuditAction
from vejapro.core.models import NIL_UUID, AuditLog, User
from vejapro.ops.legacy_import import legacy_import
from vejapro.ops.tests.scratch_database import scratch_database

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

LEGACY = Path(__file__).parent / "legacy"
BUSINESS_TABLES = (User, Project, Evidence, Payment, ClientConfirmation, NotificationOutbox, AuditLog)


@pytest.fixture(scope="module")
def legacy_url(django_db_blocker):
    with scratch_database("legacy") as url:
        with psycopg.connect(url, autocommit=True) as legacy:
            legacy.execute((LEGACY / "schema.sql").read_text())
            legacy.execute((LEGACY / "rows.sql").read_text())
        yield url


def run(legacy_url: str, *flags: str) -> str:
    out = StringIO()
    call_command("import_legacy", "--source", legacy_url, *flags, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in BUSINESS_TABLES}


def test_dry_run_reports_counts_and_every_skipped_row_and_writes_nothing(legacy_url):
    output = run(legacy_url)

    assert output.startswith("Dry run, nothing written (use --commit to import):\n")
    assert "  users: 4 in source, 4 imported, 0 already present, 0 skipped\n" in output
    assert "  projects: 4 in source, 4 imported, 0 already present, 0 skipped\n" in output
    assert "  evidences: 4 in source, 2 imported, 0 already present, 2 skipped\n" in output
    assert "  payments: 3 in source, 3 imported, 0 already present, 0 skipped\n" in output
    assert "  client_confirmations: 1 in source, 1 imported, 0 already present, 0 skipped\n" in output
    assert "  notification_outbox: 2 in source, 1 imported, 0 already present, 1 skipped\n" in output
    assert "  audit_logs: 4 in source, 4 imported, 0 already present, 0 skipped\n" in output
    assert "  margins: 1 in source, 1 imported, 0 already present, 0 skipped\n" in output
    assert "  conversation_locks: 1 in source, not copied (ephemeral)\n" in output
    assert "  call_requests: 1 in source, not imported: no model in this release\n" in output
    assert "  appointments: 1 in source, not imported: no model in this release\n" in output
    assert "  finance_ledger_entries: 1 in source, not imported: no model in this release\n" in output
    assert (
        "Skipped rows: 3\n"
        "  evidences c0000000-0000-4000-8000-000000000003: project b0000000-0000-4000-8000-0000000000ff not imported\n"
        "  evidences c0000000-0000-4000-8000-000000000004: no project\n"
        "  notification_outbox f0000000-0000-4000-8000-000000000002: entity id 'lead-17' is not a UUID\n"
    ) in output
    assert (
        "  projects b0000000-0000-4000-8000-000000000003: assigned_contractor_id "
        "a0000000-0000-4000-8000-00000000dead is not a known user: cleared\n"
    ) in output
    assert (
        "  projects b0000000-0000-4000-8000-000000000003: client id 'legacy-42' is not a UUID: API tokens only, "
        "no portal\n"
    ) in output
    assert "  payments d0000000-0000-4000-8000-000000000001: payment method 'GRYNIEJI' → OTHER\n" in output
    assert row_counts() == dict.fromkeys(row_counts(), 0)


def test_commit_carries_ids_timestamps_payments_confirmations_photos_and_audit_rows(legacy_url):
    output = run(legacy_url, "--commit")

    assert output.startswith("Legacy import committed:\n")
    admin = User.objects.get(pk="a0000000-0000-4000-8000-000000000001")
    assert (admin.email, admin.is_staff, admin.has_usable_password()) == ("vadovas@vejapro.lt", True, False)
    assert admin.created_at == datetime(2024, 3, 1, 8, tzinfo=UTC)
    assert User.objects.get(email="rangovas@example.lt").is_staff is False

    certified = Project.objects.get(pk="b0000000-0000-4000-8000-000000000003")
    assert certified.status == "CERTIFIED"
    assert certified.certified_at == datetime(2024, 5, 20, 11, 30, tzinfo=UTC)  # the STATUS_CHANGE audit row
    assert certified.assigned_contractor_id is None
    assert str(certified.assigned_expert_id) == "a0000000-0000-4000-8000-000000000003"
    assert (certified.client_user_id, len(certified.client_key)) == ("legacy-42", 64)
    assert certified.created_at == datetime(2024, 4, 3, 9, tzinfo=UTC)
    assert certified.updated_at == datetime(2024, 5, 20, 12, tzinfo=UTC)
    active = Project.objects.get(pk="b0000000-0000-4000-8000-000000000004")
    assert active.certified_at == datetime(2024, 6, 1, 15, tzinfo=UTC)  # status_changed_at
    assert active.client_key == active.client_user_id == "a0000000-0000-4000-8000-000000000004"

    photo = Evidence.objects.get(pk="c0000000-0000-4000-8000-000000000001")
    assert photo.file_url == "https://legacy.supabase.co/storage/v1/object/public/evidences/b3/before.jpg"
    assert photo.thumbnail_url == "https://legacy.supabase.co/storage/v1/object/public/evidences/b3/before_thumb.webp"
    assert photo.storage_path == "b3/before.jpg"
    assert (photo.show_on_web, photo.is_featured) == (True, True)
    assert Evidence.objects.get(pk="c0000000-0000-4000-8000-000000000002").storage_path == "b3/cert.jpg"

    cash = Payment.objects.get(pk="d0000000-0000-4000-8000-000000000001")
    assert (cash.provider_event_id, cash.payment_method, cash.currency, cash.amount) == (
        "legacy-d0000000-0000-4000-8000-000000000001",
        "OTHER",
        "EUR",
        Decimal("300.00"),
    )
    assert cash.created_at == datetime(2024, 4, 10, 10, tzinfo=UTC)
    assert Payment.objects.get(pk="d0000000-0000-4000-8000-000000000002").provider_event_id == "evt_3Legacy0001"
    confirmation = ClientConfirmation.objects.get(pk="e0000000-0000-4000-8000-000000000001")
    assert (confirmation.status, confirmation.confirmed_at) == ("CONFIRMED", datetime(2024, 6, 1, 14, 55, tzinfo=UTC))

    status_change = AuditLog.objects.get(pk="96000000-0000-4000-8000-000000000001")
    assert (status_change.timestamp, status_change.ip_address, status_change.actor_id) == (
        datetime(2024, 5, 20, 11, 30, tzinfo=UTC),
        "203.0.113.7",
        "a0000000-0000-4000-8000-000000000003",
    )
    assert AuditLog.objects.get(pk="96000000-0000-4000-8000-000000000002").new_value == {"channel": "email"}
    lead = AuditLog.objects.get(pk="96000000-0000-4000-8000-000000000003")
    assert (lead.entity_type, lead.entity_id) == ("system", NIL_UUID)
    assert lead.new_value == {"source": "voice", "phone": "[REDACTED]"}
    assert AuditLog.objects.get(pk="96000000-0000-4000-8000-000000000004").new_value == {
        "amount": 300.0,
        "email": "[REDACTED]",
    }

    summary = AuditLog.objects.get(action=AuditAction.LEGACY_IMPORT_EXECUTED)
    assert (summary.entity_type, summary.actor_type) == ("system", "SYSTEM")
    assert summary.new_value == {
        "users": 4,
        "projects": 4,
        "evidences": 2,
        "payments": 3,
        "client_confirmations": 1,
        "notification_outbox": 1,
        "audit_logs": 4,
        "margins": 1,
    }
    assert summary.metadata["skipped"]["evidences"] == 2


def test_second_run_imports_nothing(legacy_url):
    run(legacy_url, "--commit")
    before = row_counts()

    output = run(legacy_url, "--commit")

    assert "  audit_logs: 4 in source, 0 imported, 4 already present, 0 skipped\n" in output
    assert "  payments: 3 in source, 0 imported, 3 already present, 0 skipped\n" in output
    assert row_counts() == before
    assert AuditLog.objects.filter(action=AuditAction.LEGACY_IMPORT_EXECUTED).count() == 1


def test_production_without_commit_writes_nothing(legacy_url, settings):
    settings.ENVIRONMENT = "production"
    settings.IS_PRODUCTION = True

    output = run(legacy_url)

    assert output.startswith("Dry run, nothing written (use --commit to import):\n")
    assert row_counts() == dict.fromkeys(row_counts(), 0)


def test_refused_rows_are_reported_and_the_rest_imported(legacy_url):
    User.objects.create_user("rangovas@example.lt", role="SUBCONTRACTOR")  # the e-mail is taken by another id

    report = legacy_import(source_url=legacy_url, commit=True)

    assert (
        "users a0000000-0000-4000-8000-000000000002: e-mail rangovas@example.lt already belongs to user"
        in (report.skipped_rows[0])
    )
    project = Project.objects.get(pk="b0000000-0000-4000-8000-000000000002")
    assert project.assigned_contractor_id is None
    assert Payment.objects.get(pk="d0000000-0000-4000-8000-000000000001").collected_by_id is None


def test_progress_is_reported_per_batch_on_long_tables(legacy_url):
    seen = []

    legacy_import(source_url=legacy_url, commit=False, batch_size=3, progress=lambda *args: seen.append(args))

    assert ("audit_logs", 3, 4) in seen
    assert ("audit_logs", 4, 4) in seen
    assert not [table for table, _done, _total in seen if table == "margins"]  # one batch: no progress lines


def test_a_source_that_is_not_postgresql_is_refused():
    with pytest.raises(CommandError, match="--source must be a PostgreSQL URL"):
        call_command("import_legacy", "--source", "sqlite:///old.db")


def test_the_source_defaults_to_the_legacy_database_url_setting(legacy_url, settings):
    settings.LEGACY_DATABASE_URL = legacy_url
    out = StringIO()

    call_command("import_legacy", stdout=out)

    assert "  users: 4 in source, 4 imported, 0 already present, 0 skipped\n" in out.getvalue()


def test_without_a_source_it_says_what_to_give(settings):
    settings.LEGACY_DATABASE_URL = ""

    with pytest.raises(CommandError, match="Give --source or set LEGACY_DATABASE_URL"):
        call_command("import_legacy")
