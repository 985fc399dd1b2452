"""Period and project summaries (api.md §14.6, §14.7; finance.md §5): the worked examples of §5.4 number for
number, Europe/Vilnius dates, reversals in a later month, other currencies kept apart, fixed query counts."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from finance.models import LedgerEntry, LedgerEntryType
from finance.selectors import finance_period_summary, finance_project_summary
from finance.tests.factories import add_cost, reverse_cost
from payments.models import PaymentProvider, PaymentStatus, PaymentType
from payments.tests.factories import add_payment, add_waiver
from projects.tests.factories import make_project
from vejapro.core.actors import Actor

SUMMARY_URL = "/api/v1/admin/finance/summary"


def project_url(project_id) -> str:
    return f"/api/v1/admin/finance/projects/{project_id}"


@pytest.fixture(autouse=True)
def _ledger_on(settings):
    settings.ENABLE_FINANCE_LEDGER = True


def example_1(admin_user):
    project = make_project("CERTIFIED")
    add_payment(project, PaymentType.DEPOSIT, "500")
    add_payment(project, PaymentType.FINAL, "1000")
    add_cost(admin_user, "200", project=project)
    add_cost(admin_user, "50", project=project, entry_type=LedgerEntryType.TAX, category="TAXES")
    return project


def example_2(admin_user):
    project = make_project("PAID")
    add_payment(project, PaymentType.DEPOSIT, "1000")
    reverse_cost(admin_user, add_cost(admin_user, "300", project=project))
    return project


def example_3(admin_user):
    project = make_project("DRAFT")
    add_payment(project, PaymentType.DEPOSIT, "500", status=PaymentStatus.VOIDED)
    return project


def example_4(admin_user):
    project = make_project("CERTIFIED")
    add_waiver(project)
    add_payment(project, PaymentType.FINAL, "800")
    add_cost(admin_user, "100", project=project)
    return project


EXAMPLES = [
    (example_1, (1500, 250, 250, 1250)),
    (example_2, (1000, 300, 0, 1000)),
    (example_3, (0, 0, 0, 0)),
    (example_4, (800, 100, 100, 700)),
]


def figures(body: dict) -> tuple:
    return (body["total_income"], body["total_expenses"], body["net_expenses"], body["profit"])


@pytest.mark.django_db
@pytest.mark.parametrize(("build", "expected"), EXAMPLES, ids=["example1", "example2", "example3", "example4"])
def test_worked_examples_period_summary(api, admin_user, build, expected):
    build(admin_user)

    body = api(admin_user).get(SUMMARY_URL).json()

    assert figures(body) == expected
    assert body["period_start"] == "2020-01-01T00:00:00+00:00"
    assert body["project_count"] == (0 if expected[0] == 0 else 1)


@pytest.mark.django_db
@pytest.mark.parametrize(("build", "expected"), EXAMPLES, ids=["example1", "example2", "example3", "example4"])
def test_worked_examples_project_summary(api, admin_user, build, expected):
    project = build(admin_user)
    make_project_with_noise = make_project("PAID")
    add_payment(make_project_with_noise, PaymentType.DEPOSIT, "999")
    add_cost(admin_user, "11", project=make_project_with_noise)
    add_cost(admin_user, "7")  # overhead: in no project's summary

    body = api(admin_user).get(project_url(project.pk)).json()

    assert body == dict(
        zip(("total_income", "total_expenses", "net_expenses", "profit"), expected, strict=True),
        project_id=str(project.pk),
    )


@pytest.mark.django_db
def test_period_uses_business_dates_and_vilnius_midnight(api, admin_user):
    project = make_project("PAID")
    # 2026-01-31 22:30 UTC is 2026-02-01 00:30 in Vilnius: February.
    add_payment(project, PaymentType.DEPOSIT, "100", received_at=dt.datetime(2026, 1, 31, 22, 30, tzinfo=dt.UTC))
    # 21:59 UTC is still January 31 in Vilnius.
    add_payment(project, PaymentType.FINAL, "40", received_at=dt.datetime(2026, 1, 31, 21, 59, tzinfo=dt.UTC))
    january_cost = add_cost(admin_user, "30", occurred_at=dt.datetime(2026, 1, 15, 10, 0, tzinfo=dt.UTC))
    reversal = reverse_cost(admin_user, january_cost)  # dated now: lowers the month of the correction

    february = api(admin_user).get(SUMMARY_URL, {"start": "2026-02-01", "end": "2026-03-01"}).json()
    january = api(admin_user).get(SUMMARY_URL, {"start": "2026-01-01", "end": "2026-02-01"}).json()
    now_month = api(admin_user).get(SUMMARY_URL, {"start": reversal.occurred_at.date().isoformat()}).json()

    assert february["period_start"] == "2026-01-31T22:00:00+00:00"
    assert figures(february) == (100, 0, 0, 100)
    assert february["project_count"] == 1
    assert figures(january) == (40, 30, 30, 10)
    assert (now_month["total_expenses"], now_month["net_expenses"]) == (0, -30)


@pytest.mark.django_db
def test_other_currencies_never_join_the_eur_totals(api, admin_user):
    project = make_project("PAID")
    add_payment(project, PaymentType.DEPOSIT, "100")
    add_payment(project, PaymentType.FINAL, "70", currency="USD")
    add_cost(admin_user, "20", currency="USD", project=project)
    add_cost(admin_user, "5", project=project)

    summary = finance_period_summary()
    body = api(admin_user).get(SUMMARY_URL).json()

    assert figures(body) == (100, 5, 5, 95)
    assert project_summary_figures(api(admin_user), project) == (100, 5, 5, 95)
    usd = summary.summary.other_currencies["USD"]
    assert (usd.total_income, usd.total_expenses, usd.profit) == (Decimal("70.00"), Decimal("20.00"), Decimal("50.00"))


def project_summary_figures(client, project) -> tuple:
    return figures(client.get(project_url(project.pk)).json())


@pytest.mark.django_db
def test_stripe_income_counts_and_other_providers_do_not(api, admin_user):
    project = make_project("PAID")
    add_payment(project, PaymentType.DEPOSIT, "10", provider=PaymentProvider.STRIPE, method=None)
    add_payment(project, "UNKNOWN", "5", provider=PaymentProvider.STRIPE, method=None)

    assert api(admin_user).get(SUMMARY_URL).json()["total_income"] == 15


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [{"start": "vakar"}, {"end": "2026-13-01"}, {"start": "2026-03-01", "end": "2026-02-01"}],
)
def test_bad_periods_are_422(api, admin_user, query):
    response = api(admin_user).get(SUMMARY_URL, query)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "query"


@pytest.mark.django_db
def test_summary_accepts_iso_datetimes(api, admin_user):
    body = api(admin_user).get(SUMMARY_URL, {"start": "2026-02-01T10:00:00+02:00", "end": "2026-02-02T00:00:00"})

    assert body.json()["period_start"] == "2026-02-01T08:00:00+00:00"
    assert body.json()["period_end"] == "2026-02-02T00:00:00+00:00"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "expected"),
    [(None, 401), ("client_user", 403), ("expert_user", 403), ("contractor_user", 403), ("admin_user", 200)],
)
def test_summary_permission_matrix(api, request, who, expected):
    user = request.getfixturevalue(who) if who else None

    response = api(user).get(SUMMARY_URL)

    assert response.status_code == expected
    if expected == 403:
        assert response.json()["detail"] == "Draudžiama"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "expected", "detail"),
    [
        (None, 401, None),
        ("client_user", 403, "Draudžiama"),
        ("expert_user", 403, "Draudžiama"),
        ("other_contractor", 403, "Prieiga uždrausta"),
        ("contractor_user", 200, None),
        ("admin_user", 200, None),
    ],
)
def test_project_summary_permission_matrix(api, request, contractor_user, who, expected, detail):
    project = make_project("SCHEDULED", contractor=contractor_user)
    user = request.getfixturevalue(who) if who else None

    response = api(user).get(project_url(project.pk))

    assert response.status_code == expected
    if detail:
        assert response.json()["detail"] == detail


@pytest.mark.django_db
@pytest.mark.parametrize("project_id", [uuid.uuid4(), "ne-uuid"])
def test_unknown_project_is_404(api, admin_user, project_id):
    response = api(admin_user).get(project_url(project_id))

    assert (response.status_code, response.json()["detail"]) == (404, "Projektas nerastas")


@pytest.mark.django_db
@pytest.mark.parametrize("path", [SUMMARY_URL, project_url(uuid.uuid4())])
def test_flag_off_is_404(api, admin_user, settings, path):
    settings.ENABLE_FINANCE_LEDGER = False

    assert api(admin_user).get(path).json() == {"detail": "Nerastas"}


def _bulk_costs(project, count: int) -> None:
    LedgerEntry.objects.bulk_create(
        LedgerEntry(project=project, entry_type="EXPENSE", category="FUEL", amount=Decimal("1.25"))
        for _ in range(count)
    )
    for _ in range(count // 3):
        add_payment(project, PaymentType.DEPOSIT, "2")


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [3, 300])
def test_summaries_are_a_fixed_number_of_queries(django_assert_num_queries, admin_user, rows):
    project = make_project("PAID")
    _bulk_costs(project, rows)
    actor = Actor.for_user(admin_user)

    with django_assert_num_queries(3):
        summary = finance_period_summary()
    with django_assert_num_queries(3):  # the project look-up and two aggregates
        totals = finance_project_summary(project_id=project.pk, actor=actor)

    assert summary.summary.eur.total_expenses == Decimal("1.25") * rows
    assert totals["total_expenses"] == float(Decimal("1.25") * rows)


@pytest.mark.django_db
def test_summary_endpoint_query_count_does_not_grow(api, admin_user):
    project = make_project("PAID")
    client = api(admin_user)
    client.get(SUMMARY_URL)  # the token's user mirror is written once
    _bulk_costs(project, 3)
    with CaptureQueriesContext(connection) as few:
        client.get(SUMMARY_URL)
    _bulk_costs(project, 297)
    with CaptureQueriesContext(connection) as many:
        client.get(SUMMARY_URL)

    assert len(few) == len(many)
