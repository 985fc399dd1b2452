"""The retention purge (security-ops.md §9): ``retention_purge`` and ``manage.py purge_retention``."""

import uuid
from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from messaging.models import ClientConfirmation, NotificationOutbox
from messaging.tests.factories import add_confirmation, add_outbox
from payments.models import StripeWebhookEvent
from payments.tests.factories import add_payment, add_stripe_event
from projects.models import Evidence, Project
from projects.services import project_anonymize
from projects.tests.factories import add_evidence, make_project
from vejapro.core.actors import Actor
from vejapro.core.models import AuditLog, TokenRedemption
from vejapro.ops.retention import retention_purge

pytestmark = pytest.mark.django_db

NOW = timezone.now()
CATEGORIES = [
    "audit_security_deleted",
    "audit_business_deleted",
    "audit_ip_cleared",
    "outbox_deleted",
    "stripe_payloads_cleared",
    "confirmation_phones_cleared",
    "leads_anonymized",
    "projects_anonymized",
    "token_redemptions_deleted",
]


def days_ago(days: int):
    return NOW - timedelta(days=days)


def audit_row(action: str, age_days: int, **extra) -> AuditLog:
    return AuditLog.objects.create(
        entity_type="system",
        entity_id=uuid.UUID(int=0),
        action=action,
        actor_type="SYSTEM",
        ip_address="203.0.113.5",
        user_agent="Mozilla",
        timestamp=days_ago(age_days),
        **extra,
    )


def project(age_days: int, **fields) -> Project:
    client_info = fields.pop(
        "client_info",
        {
            "client_id": "c1",
            "name": "Jonas Jonaitis",
            "email": "jonas@example.com",
            "phone": "+37061234567",
            "address": "Vilniaus g. 1",
            "whatsapp_consent": True,
            "estimate": {"service": "sejimas", "address": "Vilniaus g. 1", "phone": "861234567", "notes": "šuo"},
        },
    )
    created = make_project(client_info=client_info, client_key="a" * 64, **fields)
    Project.objects.filter(pk=created.pk).update(updated_at=days_ago(age_days))
    created.refresh_from_db()
    return created


def outbox_row(status: str, age_days: int) -> NotificationOutbox:
    row = add_outbox(status=status, template_key="CLIENT_PORTAL_ACCESS", payload={"to": "jonas@example.com"})
    NotificationOutbox.objects.filter(pk=row.pk).update(updated_at=days_ago(age_days))
    return row


def stripe_event(age_days: int) -> StripeWebhookEvent:
    event = add_stripe_event(payload={"id": "evt"})
    StripeWebhookEvent.objects.filter(pk=event.pk).update(received_at=days_ago(age_days))
    return event


def confirmation(project_row: Project, age_days: int) -> ClientConfirmation:
    row = add_confirmation(
        project_row,
        channel="sms",
        status="CONFIRMED",
        expires_at=days_ago(age_days - 3),
        confirmed_at=days_ago(age_days),
        confirmed_from_phone="+37061234567",
    )
    ClientConfirmation.objects.filter(pk=row.pk).update(created_at=days_ago(age_days))
    return row


@pytest.fixture
def dataset():
    old_project = project(4000, marketing_consent=True, marketing_consent_at=days_ago(4100))
    before = add_evidence(old_project, "SITE_BEFORE", file_url="/media/a.webp", show_on_web=True, is_featured=True)
    add_payment(old_project, "DEPOSIT", "100.00", key="legacy-1")
    recent_project = project(30)
    return {
        "security_old": audit_row("RATE_LIMIT_BLOCKED", 91),
        "ai_old": audit_row("AI_INTENT_CLASSIFIED", 95),
        "security_recent": audit_row("TWILIO_SIGNATURE_INVALID", 10),
        "business_ancient": audit_row("STATUS_CHANGE", 3651),
        "business_old": audit_row("STATUS_CHANGE", 100, new_value={"status": "PAID"}),
        "business_recent": audit_row("STATUS_CHANGE", 10),
        "outbox_sent_old": outbox_row("SENT", 91),
        "outbox_failed_old": outbox_row("FAILED", 200),
        "outbox_skipped_old": outbox_row("SKIPPED", 91),
        "outbox_pending_old": outbox_row("PENDING", 200),
        "outbox_sent_recent": outbox_row("SENT", 5),
        "stripe_old": stripe_event(91),
        "stripe_recent": stripe_event(5),
        "phone_old": confirmation(recent_project, 91),
        "phone_recent": confirmation(recent_project, 5),
        "redemption_expired": TokenRedemption.objects.create(
            jti="a", subject="s", role="CLIENT", expires_at=NOW - timedelta(minutes=1)
        ),
        "redemption_live": TokenRedemption.objects.create(
            jti="b", subject="s", role="CLIENT", expires_at=NOW + timedelta(hours=1)
        ),
        "old_project": old_project,
        "old_photo": before,
        "recent_project": recent_project,
    }


EXPECTED_COUNTS = {
    "audit_security_deleted": 2,
    "audit_business_deleted": 1,
    "audit_ip_cleared": 1,
    "outbox_deleted": 3,
    "stripe_payloads_cleared": 1,
    "confirmation_phones_cleared": 1,
    "leads_anonymized": 0,
    "projects_anonymized": 1,
    "token_redemptions_deleted": 1,
}


def test_dry_run_counts_every_category_and_changes_nothing(dataset):
    audit_rows = AuditLog.objects.count()

    counts = retention_purge(commit=False, now=NOW)

    assert list(counts) == CATEGORIES
    assert counts == EXPECTED_COUNTS
    assert AuditLog.objects.count() == audit_rows
    assert NotificationOutbox.objects.count() == 5
    assert TokenRedemption.objects.count() == 2
    assert Project.objects.get(pk=dataset["old_project"].pk).client_info["email"] == "jonas@example.com"


def test_commit_applies_every_rule(dataset):
    counts = retention_purge(commit=True, now=NOW)

    assert counts == EXPECTED_COUNTS
    remaining = set(
        AuditLog.objects.exclude(action__in=["RETENTION_PURGE_EXECUTED", "PROJECT_ANONYMIZED"]).values_list(
            "pk", flat=True
        )
    )
    assert remaining == {dataset[key].pk for key in ("security_recent", "business_old", "business_recent")}
    business_old = AuditLog.objects.get(pk=dataset["business_old"].pk)
    assert (business_old.ip_address, business_old.user_agent, business_old.new_value) == (
        None,
        None,
        {"status": "PAID"},
    )
    recent = AuditLog.objects.get(pk=dataset["business_recent"].pk)
    assert (recent.ip_address, recent.user_agent) == ("203.0.113.5", "Mozilla")
    assert set(NotificationOutbox.objects.values_list("pk", flat=True)) == {
        dataset["outbox_pending_old"].pk,
        dataset["outbox_sent_recent"].pk,
    }
    assert StripeWebhookEvent.objects.get(pk=dataset["stripe_old"].pk).payload is None
    assert StripeWebhookEvent.objects.get(pk=dataset["stripe_recent"].pk).payload == {"id": "evt"}
    assert ClientConfirmation.objects.get(pk=dataset["phone_old"].pk).confirmed_from_phone is None
    assert ClientConfirmation.objects.get(pk=dataset["phone_recent"].pk).confirmed_from_phone == "+37061234567"
    assert list(TokenRedemption.objects.values_list("jti", flat=True)) == ["b"]


def test_commit_anonymises_old_projects_only(dataset):
    retention_purge(commit=True, now=NOW)

    old = Project.objects.get(pk=dataset["old_project"].pk)
    assert old.client_info == {
        "client_id": "c1",
        "whatsapp_consent": True,
        "estimate": {"service": "sejimas"},
        "name": "Anonimizuota",
    }
    assert (old.marketing_consent, old.marketing_consent_at, old.client_key) == (False, None, "unknown")
    photo = Evidence.objects.get(pk=dataset["old_photo"].pk)
    assert (photo.show_on_web, photo.is_featured) == (False, False)
    assert old.payments.count() == 1
    assert old.status == "DRAFT"
    row = AuditLog.objects.get(action="PROJECT_ANONYMIZED")
    assert (row.entity_type, row.entity_id, row.actor_type, row.actor_id) == ("project", old.pk, "SYSTEM", None)
    assert row.new_value == {
        "anonymized_keys": ["name", "email", "phone", "address", "estimate.address", "estimate.phone", "estimate.notes"]
    }
    assert row.metadata == {"reason": "retention"}
    assert Project.objects.get(pk=dataset["recent_project"].pk).client_info["email"] == "jonas@example.com"


def test_commit_writes_one_purge_audit_row_with_the_counts(dataset):
    retention_purge(commit=True, now=NOW)

    row = AuditLog.objects.get(action="RETENTION_PURGE_EXECUTED")
    assert (row.entity_type, str(row.entity_id), row.actor_type, row.actor_id) == (
        "system",
        "00000000-0000-0000-0000-000000000000",
        "SYSTEM",
        None,
    )
    assert row.new_value == EXPECTED_COUNTS
    assert row.metadata == {"dry_run": False}


def test_dry_run_writes_no_audit_row(dataset):
    retention_purge(commit=False, now=NOW)

    assert not AuditLog.objects.filter(action="RETENTION_PURGE_EXECUTED").exists()


def state() -> tuple:
    return (
        sorted(AuditLog.objects.exclude(action="RETENTION_PURGE_EXECUTED").values_list("pk", "ip_address")),
        sorted(NotificationOutbox.objects.values_list("pk", flat=True)),
        sorted(StripeWebhookEvent.objects.values_list("pk", "payload")),
        sorted(ClientConfirmation.objects.values_list("pk", "confirmed_from_phone")),
        sorted(Project.objects.values_list("pk", "client_info", "updated_at")),
        sorted(TokenRedemption.objects.values_list("pk", flat=True)),
    )


def test_second_run_changes_nothing(dataset):
    retention_purge(commit=True, now=NOW)
    after_first = state()

    counts = retention_purge(commit=True, now=NOW)

    assert counts == dict.fromkeys(CATEGORIES, 0)
    assert state() == after_first
    assert AuditLog.objects.filter(action="RETENTION_PURGE_EXECUTED").count() == 2


def test_retention_periods_come_from_the_settings(dataset, settings):
    settings.RETENTION_AUDIT_SECURITY_DAYS = 5
    settings.RETENTION_OUTBOX_DAYS = 1

    counts = retention_purge(commit=False, now=NOW)

    assert counts["audit_security_deleted"] == 3
    assert counts["outbox_deleted"] == 4


def test_project_with_a_uuid_client_keeps_its_client_key(db):
    client_id = str(uuid.uuid4())
    old = project(4000, client_info={"client_id": client_id, "email": "a@b.lt"}, client_user_id=client_id)

    retention_purge(commit=True, now=NOW)

    old.refresh_from_db()
    assert old.client_key == client_id
    assert old.client_info == {"client_id": client_id, "name": "Anonimizuota"}


def test_project_anonymize_on_request(admin_user):
    target = project(1)

    removed = project_anonymize(project_id=target.pk, actor=Actor.for_user(admin_user), reason="request")

    assert removed == ["name", "email", "phone", "address", "estimate.address", "estimate.phone", "estimate.notes"]
    row = AuditLog.objects.get(action="PROJECT_ANONYMIZED")
    assert (row.actor_type, row.actor_id, row.metadata) == ("ADMIN", str(admin_user.pk), {"reason": "request"})
    assert project_anonymize(project_id=target.pk, actor=Actor.for_user(admin_user), reason="request") == []
    assert AuditLog.objects.filter(action="PROJECT_ANONYMIZED").count() == 1


def test_command_dry_run_prints_the_counts(dataset):
    out = StringIO()

    call_command("purge_retention", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == "Dry run, nothing changed (use --commit to apply):"
    assert lines[1:] == [f"  {name}: {EXPECTED_COUNTS[name]}" for name in CATEGORIES]
    assert TokenRedemption.objects.count() == 2


def test_command_commit(dataset):
    out = StringIO()

    call_command("purge_retention", "--commit", stdout=out)

    assert out.getvalue().splitlines()[0] == "Retention purge committed:"
    assert "  token_redemptions_deleted: 1" in out.getvalue().splitlines()
    assert AuditLog.objects.filter(action="RETENTION_PURGE_EXECUTED").count() == 1


@pytest.mark.postgres
def test_purge_passes_the_append_only_trigger_and_leaves_it_armed(dataset):
    retention_purge(commit=True, now=NOW)

    assert not AuditLog.objects.filter(pk=dataset["security_old"].pk).exists()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_logs WHERE id = %s", [dataset["business_recent"].pk])


def test_old_unconverted_leads_are_anonymised():
    call_request_model = apps.get_model("messaging", "CallRequest")
    inbound_model = apps.get_model("messaging", "ProcessedInboundEmail")
    lead = call_request_model.objects.create(
        name="Ona",
        phone="+37061234567",
        email="ona@example.com",
        notes="Skambinti vakare",
        status="CLOSED",
        intake_state={"workflow": {"phase": "OFFER_SENT"}, "questionnaire": {"address": "Kauno g. 2"}},
    )
    kept = call_request_model.objects.create(name="Petras", phone="+37061234568", status="SCHEDULED")
    call_request_model.objects.filter(pk__in=[lead.pk, kept.pk]).update(updated_at=days_ago(400))
    inbound_model.objects.create(message_id_hash="h" * 64, message_id="<m@x>", call_request=lead, outcome="created")

    counts = retention_purge(commit=True, now=NOW)

    lead.refresh_from_db()
    assert counts["leads_anonymized"] == 1
    assert (lead.name, lead.phone, lead.email, lead.notes) == ("Anonimizuota", "", None, None)
    assert lead.intake_state == {"workflow": {"phase": "OFFER_SENT"}}
    assert lead.anonymized_at is not None
    assert not inbound_model.objects.exists()
    assert call_request_model.objects.get(pk=kept.pk).name == "Petras"


def test_small_batches_give_the_same_counts_and_report_progress(dataset):
    for age in range(91, 96):
        audit_row("RATE_LIMIT_BLOCKED", age)
    seen = []

    counts = retention_purge(commit=True, now=NOW, batch_size=2, progress=lambda *args: seen.append(args))

    assert counts == {**EXPECTED_COUNTS, "audit_security_deleted": 7}
    assert [done for category, done in seen if category == "audit_security_deleted"] == [2, 4, 6, 7]
    assert [done for category, done in seen if category == "outbox_deleted"] == [2, 3]
    assert not AuditLog.objects.filter(action="RATE_LIMIT_BLOCKED", timestamp__lt=days_ago(90)).exists()
    assert AuditLog.objects.get(action="RETENTION_PURGE_EXECUTED").new_value == counts


def test_command_commit_prints_progress_on_stderr(dataset):
    out, err = StringIO(), StringIO()

    call_command("purge_retention", "--commit", stdout=out, stderr=err)

    assert "  audit_security_deleted: 2 so far\n" in err.getvalue()
    assert "  outbox_deleted: 3 so far\n" in err.getvalue()
    assert out.getvalue().splitlines()[0] == "Retention purge committed:"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_batched_purge_passes_the_trigger_and_a_raw_delete_is_still_refused(dataset):
    counts = retention_purge(commit=True, now=NOW, batch_size=1)

    assert counts == EXPECTED_COUNTS
    assert not AuditLog.objects.filter(pk=dataset["business_ancient"].pk).exists()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_logs WHERE id = %s", [dataset["business_recent"].pk])
