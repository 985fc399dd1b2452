"""«Finansai» summary screen at /admin/finansai/ (ui.md §3.11): period selector, cards, category breakdown, other
currencies apart, waiting payments with the recommendation pill, the live card; navigation and old bookmark."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from finance.selectors import (
    PERIOD_CUSTOM,
    PERIOD_LAST_MONTH,
    PERIOD_THIS_MONTH,
    PERIOD_THIS_YEAR,
    finance_period_bounds,
)
from finance.tests.factories import add_cost, reverse_cost
from payments.models import PaymentType
from payments.tests.factories import add_payment
from projects.tests.factories import make_project
from vejapro.core.actors import Actor
from vejapro.core.audit.services import audit_record

URL = "/admin/finansai/"


@pytest.fixture(autouse=True)
def _flags(settings):
    settings.ENABLE_FINANCE_LEDGER = True
    settings.ENABLE_FINANCE_METRICS = True
    cache.clear()


@pytest.mark.django_db
def test_cards_categories_and_other_currencies(admin_client, admin_user):
    project = make_project("PAID")
    add_payment(project, PaymentType.DEPOSIT, "1500")
    add_payment(project, PaymentType.FINAL, "80", currency="USD")
    add_cost(admin_user, "200", project=project, category="MATERIALS")
    reverse_cost(admin_user, add_cost(admin_user, "50", category="FUEL"))
    add_cost(admin_user, "30", category="FUEL")

    html = admin_client.get(URL).content.decode()

    assert "<h1>Finansai</h1>" in html
    for chip in ("Šis mėnuo", "Praėjęs mėnuo", "Šie metai", "Pasirinkti…"):
        assert chip in html
    assert (
        '<span class="vp-card-value vp-money">1\u00a0500,00\u00a0€</span>\n      <span class="vp-card-label">Pajamos'
        in html
    )
    for label, value in (("Išlaidos", "280,00"), ("Grynos išlaidos", "230,00"), ("Pelnas", "1\u00a0270,00")):
        assert f'{value}\u00a0€</span>\n      <span class="vp-card-label">{label}' in html
    assert '<span class="vp-card-value vp-money">1</span>\n      <span class="vp-card-label">Projektų' in html
    assert "Išlaidos pagal kategoriją" in html
    assert "Medžiagos" in html
    assert "Kitos valiutos (neįtrauktos į sumas)" in html
    assert "80,00\u00a0USD" in html


@pytest.mark.django_db
def test_waiting_payments_and_recommendation(admin_client, admin_user):
    draft = make_project("DRAFT")
    for _ in range(3):
        audit_record(
            entity_type="payment", entity_id=None, action="PAYMENT_RECORDED_MANUAL", actor=Actor.for_user(admin_user)
        )

    html = admin_client.get(URL).content.decode()

    assert "Laukiantys mokėjimai" in html
    assert "Rekomenduojama: 1 laukiantis mokėjimas, 3 rankiniai per 7d." in html
    assert f'href="/admin/projects/project/{draft.pk}/change/">Įrašyti įnašą</a>' in html


@pytest.mark.django_db
def test_no_pill_when_nothing_waits(admin_client):
    html = admin_client.get(URL).content.decode()

    assert "Rekomenduojama" not in html
    assert "Laukiančių mokėjimų nėra." in html
    assert "Šiuo laikotarpiu išlaidų nėra." in html


@pytest.mark.django_db
def test_live_card_is_there_with_the_metrics_flag(admin_client, settings):
    html = admin_client.get(URL).content.decode()
    assert "Realaus laiko metrika" in html
    assert 'data-stream-url="/admin/finansai/metrika/"' in html
    assert "admin-custom/finance_live.js" in html
    for label in (
        "Šiandienos apyvarta",
        "Rankiniai / Stripe",
        "Atmetimo dažnis",
        "Vidut. bandymai",
        "Vidut. patvirtinimo laikas",
        "Iš viso patvirtinimų",
        "Jungiamasi...",
    ):
        assert label in html
    assert "<script>" not in html  # CSP: scripts come from static files only

    settings.ENABLE_FINANCE_METRICS = False
    assert "Realaus laiko metrika" not in admin_client.get(URL).content.decode()


@pytest.mark.django_db
def test_period_presets_pick_the_period(admin_client, admin_user):
    add_cost(admin_user, "40", occurred_at=dt.datetime(2025, 6, 10, 9, 0, tzinfo=dt.UTC))

    this_month = admin_client.get(URL).content.decode()
    custom = admin_client.get(URL, {"laikotarpis": "pasirinkti", "nuo": "2025-06-01", "iki": "2025-06-30"})

    assert "40,00" not in this_month
    assert "40,00\u00a0€" in custom.content.decode()
    assert "2025-06-01 \u2013 2025-06-30" in custom.content.decode()


def test_period_bounds_in_vilnius():
    today = dt.date(2026, 3, 15)

    assert finance_period_bounds(preset=None, today=today)[1:] == (
        dt.datetime(2026, 2, 28, 22, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 31, 21, tzinfo=dt.UTC),  # summer time starts on 29 March
    )
    assert finance_period_bounds(preset=PERIOD_LAST_MONTH, today=today)[1:] == (
        dt.datetime(2026, 1, 31, 22, tzinfo=dt.UTC),
        dt.datetime(2026, 2, 28, 22, tzinfo=dt.UTC),
    )
    assert finance_period_bounds(preset=PERIOD_THIS_YEAR, today=today)[1] == dt.datetime(
        2025, 12, 31, 22, tzinfo=dt.UTC
    )
    custom = finance_period_bounds(preset=PERIOD_CUSTOM, start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 1))
    assert custom[2] - custom[1] == dt.timedelta(days=1)
    assert finance_period_bounds(preset=PERIOD_CUSTOM, start=dt.date(2026, 2, 1), end=dt.date(2026, 1, 1))[0] == (
        PERIOD_THIS_MONTH
    )
    assert finance_period_bounds(preset="nesamone", today=today)[0] == PERIOD_THIS_MONTH


@pytest.mark.django_db
def test_flag_off_is_404(admin_client, settings):
    settings.ENABLE_FINANCE_LEDGER = False

    assert admin_client.get(URL).status_code == 404


@pytest.mark.django_db
def test_non_staff_are_sent_to_sign_in(client, contractor_user):
    client.force_login(contractor_user)

    response = client.get(URL)

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_navigation_and_old_bookmark(admin_client):
    index = admin_client.get("/admin/").content.decode()

    assert 'href="/admin/finansai/"' in index
    assert "Suvestinė" in index
    assert "Knygos įrašai" in index
    assert admin_client.get("/admin/finance").url == URL


@pytest.mark.django_db
def test_screen_query_count_does_not_grow_with_rows(admin_client, admin_user):
    project = make_project("PAID")
    add_cost(admin_user, "1", project=project)
    admin_client.get(URL)
    with CaptureQueriesContext(connection) as few:
        admin_client.get(URL)
    for _ in range(30):
        add_cost(admin_user, "1", project=project, occurred_at=timezone.now())
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        admin_client.get(URL)

    assert len(many) == len(few) + 3  # the three metrics aggregates were cached during the first count
