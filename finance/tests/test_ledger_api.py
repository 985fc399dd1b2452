"""The cost ledger API (api.md §14.3-§14.5): add, list, reverse; permission matrix, flag, audit rows."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from finance.models import LedgerEntry, LedgerEntryType
from finance.tests.factories import add_cost, reverse_cost
from projects.tests.factories import make_project
from vejapro.core.audit.actions import AuditAction
from vejapro.core.tests.audit import audit_rows

LEDGER_URL = "/api/v1/admin/finance/ledger"


def reverse_url(entry_id) -> str:
    return f"{LEDGER_URL}/{entry_id}/reverse"


@pytest.fixture(autouse=True)
def _ledger_on(settings):
    settings.ENABLE_FINANCE_LEDGER = True


def cost_body(**fields) -> dict:
    return {"entry_type": "EXPENSE", "category": "FUEL", "amount": 42.505, **fields}


@pytest.mark.django_db
def test_admin_adds_an_overhead_cost(api, admin_user):
    response = api(admin_user).post_json(
        LEDGER_URL, cost_body(description="  Degalai VW ", currency="eur", payment_method="card")
    )

    assert response.status_code == 200
    body = response.json()
    entry = LedgerEntry.objects.get()
    assert body == {
        "id": str(entry.pk),
        "project_id": None,
        "entry_type": "EXPENSE",
        "category": "FUEL",
        "description": "Degalai VW",
        "amount": 42.51,
        "currency": "EUR",
        "payment_method": "CARD",
        "document_id": None,
        "reverses_entry_id": None,
        "reversed_by_entry_id": None,
        "recorded_by": str(admin_user.pk),
        "occurred_at": None,
        "created_at": entry.created_at.astimezone(dt.UTC).isoformat(),
    }
    [row] = audit_rows(AuditAction.FINANCE_LEDGER_ENTRY_CREATED)
    assert (row.entity_type, row.entity_id, row.actor_type, row.actor_id) == (
        "finance_ledger",
        entry.pk,
        "ADMIN",
        str(admin_user.pk),
    )
    assert row.new_value == {"entry_type": "EXPENSE", "category": "FUEL", "amount": 42.51, "project_id": None}


@pytest.mark.django_db
def test_empty_description_is_stored_as_null_and_project_is_linked(api, admin_user):
    project = make_project()
    response = api(admin_user).post_json(LEDGER_URL, cost_body(project_id=str(project.pk), description=""))

    assert response.status_code == 200
    entry = LedgerEntry.objects.get()
    assert (entry.description, entry.project_id) == (None, project.pk)
    assert audit_rows(AuditAction.FINANCE_LEDGER_ENTRY_CREATED)[0].new_value["project_id"] == str(project.pk)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        (cost_body(entry_type="ADJUSTMENT"), 400, "Koregavimo įrašai kuriami tik per /reverse"),
        (cost_body(project_id=str(uuid.uuid4())), 404, "Projektas nerastas"),
        (cost_body(document_id=str(uuid.uuid4())), 404, "Dokumentas nerastas"),
    ],
)
def test_refusals_with_the_contract_texts(api, admin_user, body, status, detail):
    response = api(admin_user).post_json(LEDGER_URL, body)

    assert (response.status_code, response.json()["detail"]) == (status, detail)
    assert not LedgerEntry.objects.exists()
    assert audit_rows(AuditAction.FINANCE_LEDGER_ENTRY_CREATED) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        (cost_body(amount=0), "amount"),
        (cost_body(amount=-5), "amount"),
        (cost_body(amount=1000000.01), "amount"),
        (cost_body(amount="abc"), "amount"),
        (cost_body(category="PIZZA"), "category"),
        (cost_body(entry_type="INCOME"), "entry_type"),
        (cost_body(currency="EURO"), "currency"),
        (cost_body(payment_method="CHEQUE"), "payment_method"),
        (cost_body(description="x" * 501), "description"),
        (cost_body(occurred_at="vakar"), "occurred_at"),
        ({"category": "FUEL", "amount": 5}, "entry_type"),
    ],
)
def test_bad_input_is_422_and_nothing_is_written(api, admin_user, body, field):
    response = api(admin_user).post_json(LEDGER_URL, body)

    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [["body", field]]
    assert not LedgerEntry.objects.exists()


@pytest.mark.django_db
def test_contractor_adds_an_expense_to_an_assigned_project(api, contractor_user):
    project = make_project("SCHEDULED", contractor=contractor_user)

    response = api(contractor_user).post_json(LEDGER_URL, cost_body(project_id=str(project.pk)))

    assert response.status_code == 200
    assert response.json()["recorded_by"] == str(contractor_user.pk)
    assert audit_rows(AuditAction.FINANCE_LEDGER_ENTRY_CREATED)[0].actor_type == "SUBCONTRACTOR"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("assigned", "fields", "status", "detail"),
    [
        (False, {}, 403, "Prieiga uždrausta"),
        (True, {"entry_type": "TAX"}, 403, "Prieiga uždrausta"),
    ],
)
def test_contractor_limits(api, contractor_user, other_contractor, assigned, fields, status, detail):
    project = make_project("SCHEDULED", contractor=contractor_user if assigned else other_contractor)

    response = api(contractor_user).post_json(LEDGER_URL, cost_body(project_id=str(project.pk), **fields))

    assert (response.status_code, response.json()["detail"]) == (status, detail)
    assert not LedgerEntry.objects.exists()


@pytest.mark.django_db
def test_contractor_must_name_a_project(api, contractor_user):
    response = api(contractor_user).post_json(LEDGER_URL, cost_body())

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "project_id"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path"),
    [("post", LEDGER_URL), ("get", LEDGER_URL), ("post", reverse_url(uuid.uuid4()))],
)
@pytest.mark.parametrize(
    ("who", "expected"),
    [(None, 401), ("client_user", 403), ("expert_user", 403)],
)
def test_permission_matrix(api, request, method, path, who, expected):
    user = request.getfixturevalue(who) if who else None
    client = api(user)
    response = client.post_json(path, cost_body()) if method == "post" else client.get(path)

    assert response.status_code == expected


@pytest.mark.django_db
def test_contractor_may_not_reverse(api, admin_user, contractor_user):
    entry = add_cost(admin_user)

    response = api(contractor_user).post_json(reverse_url(entry.pk), {"reason": "x"})

    assert (response.status_code, response.json()["detail"]) == (403, "Draudžiama")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path"),
    [("post", LEDGER_URL), ("get", LEDGER_URL), ("post", reverse_url(uuid.uuid4()))],
)
def test_flag_off_answers_404(api, admin_user, settings, method, path):
    settings.ENABLE_FINANCE_LEDGER = False
    client = api(admin_user)
    response = client.post_json(path, cost_body()) if method == "post" else client.get(path)

    assert (response.status_code, response.json()) == (404, {"detail": "Nerastas"})


# --- list (§14.4) ---


@pytest.mark.django_db
def test_list_is_newest_first_with_cursor_paging_and_filters(api, admin_user):
    project = make_project()
    first = add_cost(admin_user, "10", project=project)
    second = add_cost(admin_user, "20", entry_type=LedgerEntryType.TAX, category="TAXES")
    third = add_cost(admin_user, "30", project=project, category="TOOLS")
    client = api(admin_user)

    page1 = client.get(LEDGER_URL, {"limit": 2}).json()
    page2 = client.get(LEDGER_URL, {"limit": 2, "cursor": page1["next_cursor"]}).json()

    assert [item["id"] for item in page1["items"]] == [str(third.pk), str(second.pk)]
    assert page1["has_more"] is True
    assert [item["id"] for item in page2["items"]] == [str(first.pk)]
    assert (page2["has_more"], page2["next_cursor"]) == (False, None)
    by_project = client.get(LEDGER_URL, {"project_id": str(project.pk)}).json()["items"]
    assert [item["id"] for item in by_project] == [str(third.pk), str(first.pk)]
    assert [i["id"] for i in client.get(LEDGER_URL, {"entry_type": "tax"}).json()["items"]] == [str(second.pk)]
    assert [i["id"] for i in client.get(LEDGER_URL, {"category": "TOOLS"}).json()["items"]] == [str(third.pk)]


@pytest.mark.django_db
def test_list_shows_the_reversal_link_both_ways(api, admin_user):
    entry = add_cost(admin_user, "50")
    reversal = reverse_cost(admin_user, entry)

    items = {item["id"]: item for item in api(admin_user).get(LEDGER_URL).json()["items"]}

    assert items[str(entry.pk)]["reversed_by_entry_id"] == str(reversal.pk)
    assert items[str(reversal.pk)]["reverses_entry_id"] == str(entry.pk)
    assert items[str(reversal.pk)]["entry_type"] == "ADJUSTMENT"


@pytest.mark.django_db
def test_contractor_sees_only_what_they_recorded(api, admin_user, contractor_user):
    project = make_project("SCHEDULED", contractor=contractor_user)
    add_cost(admin_user, "10", project=project)
    own = add_cost(contractor_user, "20", project=project)

    items = api(contractor_user).get(LEDGER_URL).json()["items"]

    assert [item["id"] for item in items] == [str(own.pk)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "status"),
    [({"limit": 0}, 422), ({"limit": 201}, 422), ({"cursor": "%%%"}, 400), ({"project_id": "x"}, 422)],
)
def test_bad_list_queries(api, admin_user, query, status):
    assert api(admin_user).get(LEDGER_URL, query).status_code == status


# --- reversal (§14.5) ---


@pytest.mark.django_db
def test_reversal_creates_the_adjustment_and_leaves_the_original(api, admin_user):
    project = make_project()
    entry = add_cost(admin_user, "75.10", project=project, category="REPAIR")

    response = api(admin_user).post_json(reverse_url(entry.pk), {"reason": "Dublikatas"})

    assert response.status_code == 200
    body = response.json()
    reversal = LedgerEntry.objects.get(reverses_entry=entry)
    assert body["id"] == str(reversal.pk)
    assert (body["entry_type"], body["category"], body["amount"], body["description"]) == (
        "ADJUSTMENT",
        "REPAIR",
        75.1,
        "Dublikatas",
    )
    assert (body["project_id"], body["reverses_entry_id"]) == (str(project.pk), str(entry.pk))
    assert body["occurred_at"] is not None
    original = LedgerEntry.objects.get(pk=entry.pk)
    assert (original.amount, original.entry_type) == (Decimal("75.10"), "EXPENSE")
    [row] = audit_rows(AuditAction.FINANCE_LEDGER_ENTRY_REVERSED)
    assert (row.entity_type, row.entity_id, row.actor_type) == ("finance_ledger", entry.pk, "ADMIN")
    assert row.old_value == {"original_entry_id": str(entry.pk), "amount": 75.1}
    assert row.new_value == {"reversal_entry_id": str(reversal.pk), "reason": "Dublikatas"}


@pytest.mark.django_db
def test_a_second_reversal_is_refused_and_writes_nothing(api, admin_user):
    entry = add_cost(admin_user)
    client = api(admin_user)
    client.post_json(reverse_url(entry.pk), {"reason": "Klaida"})

    again = client.post_json(reverse_url(entry.pk), {"reason": "Klaida"})

    assert (again.status_code, again.json()["detail"]) == (400, "Įrašas jau koreguotas")
    assert LedgerEntry.objects.count() == 2
    assert len(audit_rows(AuditAction.FINANCE_LEDGER_ENTRY_REVERSED)) == 1


@pytest.mark.django_db
def test_a_reversal_cannot_be_reversed(api, admin_user):
    reversal = reverse_cost(admin_user, add_cost(admin_user))

    response = api(admin_user).post_json(reverse_url(reversal.pk), {"reason": "x"})

    assert (response.status_code, response.json()["detail"]) == (400, "Koregavimo įrašo koreguoti negalima")
    assert LedgerEntry.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("entry_id", [uuid.uuid4(), "ne-uuid"])
def test_reversing_an_unknown_entry(api, admin_user, entry_id):
    response = api(admin_user).post_json(reverse_url(entry_id), {"reason": "x"})

    assert (response.status_code, response.json()["detail"]) == (404, "Įrašas nerastas")


@pytest.mark.django_db
@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "x" * 513}])
def test_reversal_needs_a_reason(api, admin_user, body):
    entry = add_cost(admin_user)

    response = api(admin_user).post_json(reverse_url(entry.pk), body)

    assert response.status_code == 422
    assert LedgerEntry.objects.count() == 1
