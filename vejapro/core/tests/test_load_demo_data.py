"""load_demo_data: projects in every status with payments, written through the services; a second run changes
nothing."""

import pytest
from django.core.management import call_command

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
    assert AuditLog.objects.filter(action="STATUS_CHANGE", actor_type="EXPERT").count() == 2
    assert AuditLog.objects.filter(action="CERTIFY_PROJECT").count() == 2
    assert Evidence.objects.filter(category="EXPERT_CERTIFICATION").count() == 6
    assert "admin@demo.vejapro.lt" in output
    assert "VejaPRO-demo-2026" in output

    call_command("load_demo_data")
    assert _counts() == first


def test_refuses_in_production(settings):
    settings.ENVIRONMENT = "production"
    with pytest.raises(Exception, match="production"):
        call_command("load_demo_data")
