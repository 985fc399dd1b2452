"""GET /api/v1/admin/projects/view — the work-queue read model (api.md §6.6)."""

import base64
import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from messaging.models import NotificationOutbox
from messaging.tests.factories import add_confirmation, add_outbox
from payments.models import PaymentType
from payments.tests.factories import add_payment, add_waiver
from projects.models import Project
from projects.tests.factories import make_project

URL = "/api/v1/admin/projects/view"
pytestmark = pytest.mark.django_db
ITEM_FIELDS = {
    "id", "status", "scheduled_for", "assigned_contractor_id", "assigned_expert_id", "created_at", "updated_at",
    "client_key", "client_masked", "attention_flags", "stuck_reason", "last_activity", "next_best_action",
    "deposit_state", "final_state",
}  # fmt: skip


def failed_outbox(project) -> None:
    NotificationOutbox.objects.create(
        entity_type="project",
        entity_id=project.pk,
        channel="email",
        template_key="FINAL_PAYMENT_CONFIRMATION",
        payload_json={},
        dedupe_key=f"test:{uuid.uuid4()}",
        status="FAILED",
    )


def item_for(api, admin_user, project, query: str = "") -> dict:
    body = api(admin_user).get(URL + "?limit=200" + query).json()
    return next(item for item in body["items"] if item["id"] == str(project.pk))


@pytest.mark.parametrize(
    ("user", "status"),
    [(None, 401), ("client_user", 403), ("contractor_user", 403), ("expert_user", 403), ("admin_user", 200)],
)
def test_permission_matrix(api, request, user, status):
    response = api(request.getfixturevalue(user) if user else None).get(URL)
    assert response.status_code == status


def test_item_shape_and_masked_contact(api, admin_user, client_user, contractor_user):
    project = make_project("DRAFT", client=client_user, contractor=contractor_user)
    item = item_for(api, admin_user, project)

    assert set(item) == ITEM_FIELDS
    assert item["client_masked"] == "j***@g***.com / +370******67"
    assert item["client_key"] == str(client_user.pk)
    assert item["assigned_contractor_id"] == str(contractor_user.pk)
    assert item["last_activity"] == item["updated_at"]
    assert "jonas" not in str(item)


@pytest.mark.parametrize(
    ("client_info", "masked"),
    [({"email": "jonas@gmail.com"}, "j***@g***.com"), ({"phone": "861234567"}, "+370******67"), ({}, "-")],
)
def test_contact_masking_variants(api, admin_user, client_info, masked):
    project = make_project("DRAFT", client_info=client_info)
    assert item_for(api, admin_user, project)["client_masked"] == masked


def _state(status, *facts):
    project = make_project(status)
    for fact in facts:
        fact(project)
    return project


DEPOSIT = add_payment
WAIVER = add_waiver
FINAL = lambda project: add_payment(project, PaymentType.FINAL)  # noqa: E731
CONFIRMED = lambda project: add_confirmation(project, channel="admin", status="CONFIRMED")  # noqa: E731
FAILED_OUTBOX = lambda project: add_outbox(project, status="FAILED")  # noqa: E731
SCHEDULED_VISIT = lambda project: Project.objects.filter(pk=project.pk).update(scheduled_for=timezone.now())  # noqa: E731


@pytest.mark.parametrize(
    ("status", "facts", "flags", "reason", "action", "deposit", "final"),
    [
        ("DRAFT", [], ["missing_deposit"], "Reikia įrašyti depozitą", "record_deposit", "PENDING", "PENDING"),
        ("DRAFT", [WAIVER], [], "Reikia dėmesio", None, "PAID", "PENDING"),
        ("DRAFT", [FAILED_OUTBOX], ["failed_outbox", "missing_deposit"], "Nepavyko išsiųsti pranešimo",
         "record_deposit", "PENDING", "PENDING"),
        ("PAID", [DEPOSIT], ["stale_paid_no_schedule"], "Apmokėta, bet nesuplanuotas vizitas", "schedule_visit",
         "PAID", "PENDING"),
        ("PAID", [DEPOSIT, SCHEDULED_VISIT], [], "Reikia dėmesio", "schedule_visit", "PAID", "PENDING"),
        ("SCHEDULED", [DEPOSIT], [], "Reikia dėmesio", "assign_expert", "PAID", "PENDING"),
        ("PENDING_EXPERT", [DEPOSIT], [], "Reikia dėmesio", "certify_project", "PAID", "PENDING"),
        ("CERTIFIED", [DEPOSIT], ["missing_final"], "Reikia įrašyti galutinį mokėjimą", "record_final", "PAID",
         "PENDING"),
        ("CERTIFIED", [DEPOSIT, FINAL], ["pending_confirmation"], "Laukia kliento patvirtinimo",
         "resend_confirmation", "PAID", "AWAITING_CONFIRMATION"),
        ("CERTIFIED", [DEPOSIT, FINAL, FAILED_OUTBOX], ["pending_confirmation", "failed_outbox"],
         "Laukia kliento patvirtinimo", "resend_confirmation", "PAID", "AWAITING_CONFIRMATION"),
        ("ACTIVE", [DEPOSIT, FINAL, CONFIRMED], [], "Reikia dėmesio", None, "PAID", "CONFIRMED"),
    ],
)  # fmt: skip
def test_flags_and_actions_by_state(api, admin_user, status, facts, flags, reason, action, deposit, final):
    project = _state(status, *facts)
    item = item_for(api, admin_user, project)

    assert item["attention_flags"] == flags
    assert item["stuck_reason"] == reason
    assert (item["deposit_state"], item["final_state"]) == (deposit, final)
    if action is None:
        assert item["next_best_action"] is None
    else:
        labels = {
            "record_deposit": "Įrašyti depozitą",
            "schedule_visit": "Suplanuoti vizitą",
            "assign_expert": "Priskirti ekspertą",
            "certify_project": "Sertifikuoti",
            "record_final": "Įrašyti galutinį mokėjimą",
            "resend_confirmation": "Persiųsti patvirtinimą",
        }
        assert item["next_best_action"] == {"type": action, "project_id": str(project.pk), "label": labels[action]}


def test_voided_payments_are_not_facts(api, admin_user):
    project = make_project("DRAFT")
    add_payment(project, status="VOIDED")
    assert item_for(api, admin_user, project)["deposit_state"] == "PENDING"


def test_attention_only_and_status_filter(api, admin_user):
    flagged = make_project("DRAFT")
    quiet = _state("SCHEDULED", DEPOSIT)
    client = api(admin_user)

    ids = lambda query: [item["id"] for item in client.get(URL + query).json()["items"]]  # noqa: E731
    assert set(ids("")) == {str(flagged.pk), str(quiet.pk)}
    assert ids("?attention_only=true") == [str(flagged.pk)]
    assert ids("?status=SCHEDULED") == [str(quiet.pk)]
    assert ids("?status=SCHEDULED&attention_only=1") == []


def test_snapshot_and_cursor(api, admin_user):
    base = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
    projects = [make_project("DRAFT") for _ in range(5)]
    Project.objects.update(updated_at=base)
    later = make_project("DRAFT")
    Project.objects.filter(pk=later.pk).update(updated_at=base + dt.timedelta(hours=2))
    client = api(admin_user)
    as_of = (base + dt.timedelta(hours=1)).isoformat()

    first = client.get(URL, {"limit": 2, "as_of": as_of}).json()
    assert first["as_of"] == as_of
    assert first["view_version"] == "1.0"
    decoded = base64.urlsafe_b64decode(first["next_cursor"]).decode().split("|")
    assert decoded[0] == as_of

    seen = [item["id"] for item in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        body = client.get(URL, {"limit": 2, "cursor": cursor, "as_of": as_of}).json()
        assert body["as_of"] == as_of
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
    assert seen == sorted((str(p.pk) for p in projects), reverse=True)
    assert str(later.pk) not in seen

    # The cursor alone carries the snapshot.
    follow = client.get(URL, {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert follow["as_of"] == as_of


def test_cursor_as_of_mismatch(api, admin_user):
    for _ in range(3):
        make_project("DRAFT")
    client = api(admin_user)
    first = client.get(URL, {"limit": 1}).json()
    response = client.get(URL, {"limit": 1, "cursor": first["next_cursor"], "as_of": "2020-01-01T00:00:00+00:00"})
    assert (response.status_code, response.json()) == (400, {"detail": "Cursor/as_of mismatch"})


def test_as_of_without_offset_is_utc(api, admin_user):
    body = api(admin_user).get(URL, {"as_of": "2026-03-01T08:00:00"}).json()
    assert body["as_of"] == "2026-03-01T08:00:00+00:00"


@pytest.mark.parametrize(
    "cursor",
    ["***", base64.urlsafe_b64encode(b"2026-03-01T08:00:00+00:00|x").decode(),
     base64.urlsafe_b64encode(b"a|b|c").decode(),
     base64.urlsafe_b64encode(b"2026-03-01T08:00:00|2026-03-01T08:00:00|" + str(uuid.uuid4()).encode()).decode(),
     base64.urlsafe_b64encode(
         b"9999-12-31T23:59:59-23:59|2026-03-01T08:00:00+00:00|" + str(uuid.uuid4()).encode()).decode(),
     base64.urlsafe_b64encode(
         b"2026-03-01T08:00:00+00:00|0001-01-01T00:00:00+23:59|" + str(uuid.uuid4()).encode()).decode()],
)  # fmt: skip
def test_bad_cursor(api, admin_user, cursor):
    response = api(admin_user).get(URL, {"cursor": cursor})
    assert (response.status_code, response.json()) == (400, {"detail": "Invalid cursor"})


@pytest.mark.parametrize(
    ("query", "field"),
    [({"limit": 0}, "limit"), ({"limit": 201}, "limit"), ({"as_of": "tomorrow"}, "as_of"),
     ({"as_of": "2026-02-30T00:00:00"}, "as_of"), ({"attention_only": "maybe"}, "attention_only"),
     ({"status": "NEW"}, "status")],
)  # fmt: skip
def test_bad_query_is_422(api, admin_user, query, field):
    response = api(admin_user).get(URL, query)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", field]


def test_query_count_does_not_grow_with_rows(api, admin_user):
    client = api(admin_user)

    def count_for(total: int) -> int:
        while Project.objects.count() < total:
            project = make_project("CERTIFIED")
            add_payment(project, PaymentType.FINAL)
            add_outbox(project, status="FAILED")
        with CaptureQueriesContext(connection) as queries:
            assert len(client.get(URL, {"limit": 100}).json()["items"]) == total
        return len(queries)

    assert count_for(3) == count_for(30)
