"""load_demo_data: projects in every status with payments, written through the services; a second run changes
nothing."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from finance.models import LedgerEntry
from messaging.models import Appointment, CallRequest
from payments.models import Payment
from projects.models import Evidence, Project
from vejapro.core.models import AuditLog, User

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return (
        User.objects.count(),
        Project.objects.count(),
        Payment.objects.count(),
        Evidence.objects.count(),
        LedgerEntry.objects.count(),
        AuditLog.objects.count(),
    )


def test_demo_data_is_complete_and_idempotent(capsys):
    call_command("load_demo_data")
    first = _counts()
    output = capsys.readouterr().out

    statuses = sorted(Project.objects.values_list("status", flat=True))
    assert set(statuses) == {"DRAFT", "PAID", "SCHEDULED", "PENDING_EXPERT", "CERTIFIED", "ACTIVE"}
    assert Payment.objects.filter(payment_method="WAIVED").count() == 1
    assert Payment.objects.filter(payment_type="FINAL").count() == 2
    assert Project.objects.filter(status="ACTIVE", is_certified=True).count() == 1
    assert AuditLog.objects.filter(action="STATUS_CHANGE", actor_type="ADMIN").count() == 1 + 2 + 3 + 3 + 4
    assert AuditLog.objects.filter(action="ADMIN_CONFIRMED").count() == 1
    assert AuditLog.objects.filter(action="STATUS_CHANGE", actor_type="EXPERT").count() == 2
    assert AuditLog.objects.filter(action="CERTIFY_PROJECT").count() == 2
    assert Evidence.objects.filter(category="EXPERT_CERTIFICATION").count() == 6
    assert Evidence.objects.filter(category="SITE_BEFORE").count() == 2
    assert AuditLog.objects.filter(action="UPLOAD_EVIDENCE").count() == 10
    assert LedgerEntry.objects.filter(reverses_entry__isnull=True).count() == 13
    assert LedgerEntry.objects.filter(reverses_entry__isnull=False).count() == 1
    assert AuditLog.objects.filter(action="FINANCE_LEDGER_ENTRY_CREATED").count() == 13
    assert AuditLog.objects.filter(action="FINANCE_LEDGER_ENTRY_REVERSED").count() == 1
    assert len({entry.occurred_at.month for entry in LedgerEntry.objects.all()}) >= 3
    assert Payment.objects.filter(received_at__isnull=False).count() == Payment.objects.count()
    assert "admin@demo.vejapro.lt" in output
    assert "VejaPRO-demo-2026" in output

    call_command("load_demo_data")
    assert _counts() == first


def test_each_demo_project_has_its_own_short_id_and_client_and_a_second_run_keeps_them():
    call_command("load_demo_data")
    first = sorted(Project.objects.values_list("id", "client_info"), key=lambda row: str(row[0]))
    call_command("load_demo_data")

    assert sorted(Project.objects.values_list("id", "client_info"), key=lambda row: str(row[0])) == first
    assert len({str(project_id)[:8] for project_id, _info in first}) == len(first) == 7
    clients = [(info["name"], info["email"], info["phone"]) for _id, info in first]
    assert len(set(clients)) == len(clients)
    assert sorted(name for name, _email, _phone in clients) == [
        "Aušra Paulauskienė",
        "Gintarė Petrauskienė",
        "Jonas Jonaitis",
        "Laura Stankevičienė",
        "Mindaugas Kazlauskas",
        "Rūta Žukauskaitė",
        "Tomas Vasiliauskas",
    ]
    portal_logins = {
        info["name"]: User.objects.get(pk=info["client_id"]).email for _id, info in first if "client_id" in info
    }
    assert portal_logins == {
        "Jonas Jonaitis": "klientas@demo.vejapro.lt",
        "Aušra Paulauskienė": "kitas@demo.vejapro.lt",
    }


def test_refuses_in_production(settings):
    settings.ENVIRONMENT = "production"
    with pytest.raises(Exception, match="production"):
        call_command("load_demo_data")


def test_demo_photos_are_generated_images_stored_with_variants(settings):
    call_command("load_demo_data")

    photo = Evidence.objects.filter(category="EXPERT_CERTIFICATION").first()
    assert photo.file_url.startswith("/media/evidences/")
    assert photo.thumbnail_url.endswith(".webp")
    assert photo.medium_url.endswith(".webp")
    for url in (photo.file_url, photo.thumbnail_url, photo.medium_url):
        stored = Path(settings.MEDIA_ROOT) / url.removeprefix("/media/")
        assert stored.stat().st_size > 0
    with Image.open(Path(settings.MEDIA_ROOT) / photo.thumbnail_url.removeprefix("/media/")) as thumbnail:
        assert thumbnail.format == "WEBP"


def test_demo_leads_and_visits_are_complete_and_idempotent():
    call_command("load_demo_data")
    first = (CallRequest.objects.count(), Appointment.objects.count(), AuditLog.objects.count())
    call_command("load_demo_data")

    assert (CallRequest.objects.count(), Appointment.objects.count(), AuditLog.objects.count()) == first
    assert set(CallRequest.objects.values_list("status", flat=True)) == {"NEW", "CONTACTED", "SCHEDULED", "CLOSED"}
    assert set(CallRequest.objects.values_list("source", flat=True)) == {"public", "voice", "chat", "email"}
    confirmed = Appointment.objects.filter(status="CONFIRMED", visit_type="PRIMARY", project__isnull=False)
    assert confirmed.count() == Project.objects.filter(status__in=["SCHEDULED", "PENDING_EXPERT"]).count() > 0
    assert Appointment.objects.filter(status="HELD", call_request__email="ruta@demo.vejapro.lt").count() == 1
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    assert all(monday <= timezone.localdate(visit.starts_at) < monday + timedelta(days=7) for visit in confirmed)
    for visit in confirmed:
        assert visit.project.scheduled_for == visit.starts_at
