"""Every bad input answers a clear 4xx and changes nothing: never a 500 (payment endpoints)."""

import pytest

from payments.models import Payment
from projects.tests.factories import make_project
from projects.tests.test_bad_input import GARBAGE_BODIES
from vejapro.core.models import AuditLog

pytestmark = pytest.mark.django_db

PATHS = [
    "/api/v1/projects/{pk}/payments/manual",
    "/api/v1/projects/{pk}/quick-payment-and-transition",
    "/api/v1/admin/projects/{pk}/payments/deposit-waive",
]
FIELD_GARBAGE = [
    {"amount": 1e308},
    {"amount": -1e308},
    {"amount": "1e309"},
    {"amount": "-Infinity"},
    {"amount": "sNaN"},
    {"amount": "1" * 5000},
    {"amount": "0x10"},
    {"amount": ""},
    {"received_at": "9999-12-31T23:59:59-23:59"},
    {"received_at": "2026-01-01T25:00:00"},
    {"received_at": ""},
    {"received_at": {"y": 2026}},
    {"currency": None},
    {"currency": ""},
    {"notes": None},
    {"notes": 5},
    {"receipt_no": 12345},
    {"proof_url": "javascript:alert(1)"},
    {"payment_method": "cash\u0000"},
    {"provider_event_id": "x\u0000y"},
    {"transition_to": ["PAID"]},
]


@pytest.fixture(autouse=True)
def _flags(settings):
    settings.ENABLE_FINANCE_LEDGER = True


@pytest.mark.parametrize("path", PATHS)
def test_garbage_bodies(api, admin_user, path):
    project = make_project("DRAFT")
    client = api(admin_user)
    for raw in GARBAGE_BODIES:
        response = client.post(
            path.format(pk=project.pk), data=raw.encode("utf-8", "surrogateescape"), content_type="application/json"
        )
        assert 400 <= response.status_code < 500, (raw, response.status_code)
    assert (Payment.objects.count(), AuditLog.objects.count()) == (0, 0)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("garbage", FIELD_GARBAGE)
def test_garbage_fields(api, admin_user, path, garbage):
    project = make_project("DRAFT")
    body = {"payment_type": "DEPOSIT", "amount": 10, "payment_method": "CASH", "provider_event_id": "G-1", **garbage}
    response = api(admin_user).post_json(path.format(pk=project.pk), body)
    assert response.status_code < 500, (garbage, response.status_code, response.content[:300])
    if response.status_code >= 400:
        assert Payment.objects.count() == 0


def test_garbage_ids(api, admin_user):
    client = api(admin_user)
    for project_id in ["%00", "null", "a" * 300, "00000000-0000-0000-0000-000000000000"]:
        assert client.get(f"/api/v1/admin/projects/{project_id}/payments").status_code == 404
        for path in PATHS:
            body = {"payment_type": "DEPOSIT", "amount": 1, "payment_method": "CASH", "provider_event_id": "x"}
            response = client.post_json(path.format(pk=project_id), body)
            assert (response.status_code, response.json()) == (404, {"detail": "Projektas nerastas"})
