"""Identical manual payments at the same moment: one payment, one audit row (PostgreSQL, real threads)."""

import pytest

from conftest import ApiClient
from payments.models import Payment
from projects.tests.factories import make_project
from projects.tests.test_concurrency import run_together
from vejapro.core.tests.audit import assert_audited

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_identical_manual_payments(admin_user):
    project = make_project("DRAFT")
    body = {"payment_type": "DEPOSIT", "amount": 120, "payment_method": "CASH", "provider_event_id": "RACE-1"}

    def pay():
        response = ApiClient(admin_user).post_json(f"/api/v1/projects/{project.pk}/payments/manual", body)
        return response.status_code, response.json()

    results = run_together(4, pay)

    assert sorted(code for code, _ in results) == [200, 200, 200, 201]
    assert len({answer["payment_id"] for _, answer in results}) == 1
    assert sorted(answer["idempotent"] for _, answer in results) == [False, True, True, True]
    assert Payment.objects.count() == 1
    assert_audited("PAYMENT_RECORDED_MANUAL", count=1)


def test_concurrent_identical_waivers(admin_user):
    project = make_project("DRAFT")

    def waive():
        response = ApiClient(admin_user).post_json(
            f"/api/v1/admin/projects/{project.pk}/payments/deposit-waive", {"provider_event_id": "RACE-W"}
        )
        return response.status_code

    assert sorted(run_together(3, waive)) == [200, 200, 201]
    assert Payment.objects.count() == 1
    assert_audited("DEPOSIT_WAIVED", count=1)


def test_same_key_on_two_projects_at_once(admin_user):
    first, second = make_project("DRAFT"), make_project("DRAFT")
    body = {"payment_type": "DEPOSIT", "amount": 120, "payment_method": "CASH", "provider_event_id": "RACE-2"}
    projects = [first, second]

    def pay():
        project = projects.pop()
        return ApiClient(admin_user).post_json(f"/api/v1/projects/{project.pk}/payments/manual", body).status_code

    assert sorted(run_together(2, pay)) == [201, 409]
    assert Payment.objects.count() == 1
    assert_audited("PAYMENT_RECORDED_MANUAL", count=1)
