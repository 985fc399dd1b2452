"""The finance read model and mini-triage (api.md §14.1, §14.2; finance.md §6)."""

import datetime as dt

import pytest

from finance.selectors import finance_mini_triage
from payments.models import PaymentType
from payments.tests.factories import add_payment, add_waiver
from projects.tests.factories import make_project
from vejapro.core.actors import Actor
from vejapro.core.audit.services import audit_record

VIEW_URL = "/api/v1/admin/finance/view"
TRIAGE_URL = "/api/v1/admin/finance/mini-triage"


@pytest.fixture(autouse=True)
def _ledger_on(settings):
    settings.ENABLE_FINANCE_LEDGER = True


@pytest.mark.django_db
def test_triage_lists_projects_waiting_for_money(api, admin_user):
    waiting_deposit = make_project("DRAFT")
    waived = make_project("DRAFT")
    add_waiver(waived)
    waiting_final = make_project("CERTIFIED")
    paid_final = make_project("CERTIFIED")
    add_payment(paid_final, PaymentType.FINAL, "500")
    make_project("PAID")

    body = api(admin_user).get(TRIAGE_URL).json()

    assert body["view_version"] == "1.0"
    assert body["items"] == [
        {
            "project_id": str(waiting_final.pk),
            "client_key": waiting_final.client_key,
            "contact_masked": "j***@g***.com / +370******67",
            "urgency": "medium",
            "stuck_reason": "Reikia įrašyti galutinį mokėjimą",
            "primary_action": {
                "label": "Įrašyti galutinį mokėjimą",
                "action_key": "record_final",
                "payload": {"project_id": str(waiting_final.pk), "client_key": waiting_final.client_key},
            },
        },
        {
            "project_id": str(waiting_deposit.pk),
            "client_key": waiting_deposit.client_key,
            "contact_masked": "j***@g***.com / +370******67",
            "urgency": "high",
            "stuck_reason": "Reikia įrašyti depozitą",
            "primary_action": {
                "label": "Įrašyti įnašą",
                "action_key": "record_deposit",
                "payload": {"project_id": str(waiting_deposit.pk), "client_key": waiting_deposit.client_key},
            },
        },
    ]


@pytest.mark.django_db
def test_triage_scans_twice_the_limit_of_recent_projects(django_assert_num_queries):
    for _ in range(3):
        add_payment(make_project("DRAFT"))  # recent, not waiting
    older = make_project("DRAFT")
    older.__class__.objects.filter(pk=older.pk).update(updated_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))

    with django_assert_num_queries(1):
        assert finance_mini_triage(limit=1)["items"] == []
    assert [item["project_id"] for item in finance_mini_triage(limit=2)["items"]] == [str(older.pk)]


@pytest.mark.django_db
def test_triage_returns_at_most_limit_items():
    for _ in range(3):
        make_project("DRAFT")

    assert len(finance_mini_triage(limit=2)["items"]) == 2


@pytest.mark.django_db
def test_view_counts_manual_payments_of_the_last_7_days(api, admin_user):
    make_project("DRAFT")
    actor = Actor.for_user(admin_user)
    for _ in range(2):
        audit_record(entity_type="payment", entity_id=None, action="PAYMENT_RECORDED_MANUAL", actor=actor)

    body = api(admin_user).get(VIEW_URL).json()

    assert body["manual_payments_count_7d"] == 2
    assert body["ai_summary"] is None
    assert body["view_version"] == "1.0"
    assert [item["action_key"] for item in (i["primary_action"] for i in body["items"])] == ["record_deposit"]


@pytest.mark.django_db
@pytest.mark.parametrize("limit", [0, 51, "x"])
def test_triage_limit_is_1_to_50(api, admin_user, limit):
    assert api(admin_user).get(TRIAGE_URL, {"limit": limit}).status_code == 422


@pytest.mark.django_db
@pytest.mark.parametrize("path", [VIEW_URL, TRIAGE_URL])
@pytest.mark.parametrize(
    ("who", "expected"),
    [(None, 401), ("client_user", 403), ("expert_user", 403), ("contractor_user", 403), ("admin_user", 200)],
)
def test_permission_matrix(api, request, path, who, expected):
    user = request.getfixturevalue(who) if who else None

    assert api(user).get(path).status_code == expected


@pytest.mark.django_db
@pytest.mark.parametrize("path", [VIEW_URL, TRIAGE_URL])
def test_flag_off_is_404(api, admin_user, settings, path):
    settings.ENABLE_FINANCE_LEDGER = False

    assert api(admin_user).get(path).json() == {"detail": "Nerastas"}
