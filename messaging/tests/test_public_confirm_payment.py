"""GET|POST /api/v1/public/confirm-payment/{token} (api.md §1.7, §9.2; messaging.md §2.5; ui.md §4.5)."""

from datetime import timedelta

import pytest
from django.test import Client

from messaging.models import ClientConfirmation, ConfirmationStatus
from messaging.tests.factories import add_confirmation
from payments.tests.factories import add_payment
from projects.models import Project, ProjectStatus
from projects.tests.factories import make_project
from vejapro.core.tests.audit import assert_audited, audit_actions, audit_rows

pytestmark = pytest.mark.django_db

TOKEN = "AB7KQ2XZ-Q1"
URL = f"/api/v1/public/confirm-payment/{TOKEN}"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(autouse=True)
def _flags(settings):
    settings.ENABLE_EMAIL_INTAKE = True


@pytest.fixture
def client():
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def certified():
    project = make_project(ProjectStatus.CERTIFIED)
    add_payment(project, "FINAL", "500.00")
    return project


def post_json(client, url=URL):
    return client.post(url, data={}, content_type="application/json", REMOTE_ADDR="203.0.113.7")


def test_the_flag_hides_the_endpoint(settings, client, certified):
    settings.ENABLE_EMAIL_INTAKE = False
    add_confirmation(certified, TOKEN)

    response = post_json(client)

    assert response.status_code == 404
    assert response.json() == {"detail": "Nerastas"}
    assert ClientConfirmation.objects.get().status == "PENDING"


def test_confirming_activates_the_project(client, certified):
    confirmation = add_confirmation(certified, TOKEN)

    response = post_json(client)

    assert response.status_code == 200
    assert response.json() == {"success": True, "project_id": str(certified.pk), "new_status": "ACTIVE"}
    assert response["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
    certified.refresh_from_db()
    assert certified.status == ProjectStatus.ACTIVE
    confirmation.refresh_from_db()
    assert confirmation.status == ConfirmationStatus.CONFIRMED
    assert confirmation.confirmed_at is not None
    assert audit_actions(entity_id=certified.pk) == ["STATUS_CHANGE", "EMAIL_CONFIRMED"]
    change, confirmed = audit_rows(entity_id=certified.pk)
    assert (change.actor_type, change.actor_id) == ("SYSTEM_EMAIL", None)
    assert change.old_value == {"status": "CERTIFIED"}
    assert change.new_value == {"status": "ACTIVE"}
    assert change.metadata == {
        "channel": "email",
        "confirmed_via": "public_endpoint",
        "confirmation_id": str(confirmation.pk),
    }
    assert change.ip_address == "203.0.113.7"
    assert confirmed.actor_type == "SYSTEM_EMAIL"
    assert confirmed.new_value == {"status": "ACTIVE"}
    assert confirmed.metadata == {"confirmation_id": str(confirmation.pk), "via": "public_endpoint"}


def test_the_token_is_upper_cased(client, certified):
    add_confirmation(certified, TOKEN)

    response = post_json(client, f"/api/v1/public/confirm-payment/{TOKEN.lower()}")

    assert response.status_code == 200


def test_a_reused_token_answers_already_confirmed_and_writes_nothing(client, certified):
    add_confirmation(certified, TOKEN)
    post_json(client)
    audits = audit_actions()

    response = post_json(client)

    assert response.status_code == 200
    assert response.json() == {"success": True, "already_confirmed": True, "project_id": str(certified.pk)}
    assert audit_actions() == audits


def test_an_unknown_token_is_audited_without_the_token(client):
    response = post_json(client, "/api/v1/public/confirm-payment/NOPE-NOPE")

    assert response.status_code == 404
    assert response.json() == {"detail": "Nerastas"}
    [audit] = audit_rows("EMAIL_CONFIRMATION_INVALID_TOKEN")
    assert (audit.entity_type, str(audit.entity_id), audit.actor_type) == (
        "system",
        "00000000-0000-0000-0000-000000000000",
        "CLIENT",
    )
    assert audit.metadata == {"path_kind": "confirm_payment"}
    assert "NOPE" not in str(audit.metadata)


@pytest.mark.parametrize(
    ("status", "detail"),
    [("FAILED", "Patvirtinimas nebegalimas"), ("EXPIRED", "Patvirtinimo laikas pasibaigė")],
)
def test_terminal_statuses(client, certified, status, detail):
    add_confirmation(certified, TOKEN, status=status)

    response = post_json(client)

    assert response.status_code == 400
    assert response.json() == {"detail": detail}
    assert audit_rows() == []


def test_a_token_with_three_counted_attempts_fails(client, certified):
    confirmation = add_confirmation(certified, TOKEN, attempts=3)

    response = post_json(client)

    assert response.status_code == 400
    assert response.json() == {"detail": "Patvirtinimas nebegalimas"}
    confirmation.refresh_from_db()
    assert confirmation.status == ConfirmationStatus.FAILED
    assert_audited(
        "EMAIL_CONFIRMATION_FAILED",
        entity_id=certified.pk,
        actor_type="CLIENT",
        new_value={"reason": "max_attempts"},
        metadata={"confirmation_id": str(confirmation.pk)},
        exact=True,
    )
    certified.refresh_from_db()
    assert certified.status == ProjectStatus.CERTIFIED


def test_an_expired_token_counts_an_attempt_and_expires(client, certified):
    confirmation = add_confirmation(certified, TOKEN, expires_in=-timedelta(minutes=1))

    response = post_json(client)

    assert response.status_code == 400
    assert response.json() == {"detail": "Patvirtinimo laikas pasibaigė"}
    confirmation.refresh_from_db()
    assert (confirmation.status, confirmation.attempts) == (ConfirmationStatus.EXPIRED, 1)
    assert_audited(
        "EMAIL_CONFIRMATION_EXPIRED",
        new_value={"attempts": 1},
        metadata={"confirmation_id": str(confirmation.pk)},
        exact=True,
    )
    assert post_json(client).json() == {"detail": "Patvirtinimo laikas pasibaigė"}


@pytest.mark.parametrize("status", [ProjectStatus.PAID, ProjectStatus.PENDING_EXPERT])
def test_a_project_that_is_not_certified_cannot_be_confirmed(client, status):
    project = make_project(status)
    confirmation = add_confirmation(project, TOKEN)

    response = post_json(client)

    assert response.status_code == 400
    assert response.json() == {"detail": "Projekto būsena netinkama patvirtinimui"}
    assert_audited(
        "EMAIL_CONFIRMATION_INVALID_PROJECT_STATUS",
        new_value={"status": status},
        metadata={"confirmation_id": str(confirmation.pk)},
        exact=True,
    )
    confirmation.refresh_from_db()
    assert (confirmation.status, confirmation.attempts) == ("PENDING", 0)


def test_without_the_final_payment_attempts_are_counted_until_the_token_fails(client):
    project = make_project(ProjectStatus.CERTIFIED)
    confirmation = add_confirmation(project, TOKEN)

    answers = [post_json(client).json()["detail"] for _ in range(4)]

    assert answers == ["Galutinis mokėjimas nerastas"] * 3 + ["Patvirtinimas nebegalimas"]
    confirmation.refresh_from_db()
    assert (confirmation.status, confirmation.attempts) == (ConfirmationStatus.FAILED, 3)
    missing = audit_rows("EMAIL_CONFIRMATION_FINAL_PAYMENT_MISSING")
    assert [row.new_value for row in missing] == [{"attempts": 1}, {"attempts": 2}, {"attempts": 3}]
    assert_audited("EMAIL_CONFIRMATION_FAILED", count=1)


def test_an_active_project_accepts_another_pending_token_without_a_second_transition(client, certified):
    add_confirmation(certified, "FIRST-TOKEN1")
    second = add_confirmation(certified, TOKEN)
    post_json(client, "/api/v1/public/confirm-payment/FIRST-TOKEN1")

    response = post_json(client)

    assert response.status_code == 200
    assert response.json()["new_status"] == "ACTIVE"
    second.refresh_from_db()
    assert second.status == ConfirmationStatus.CONFIRMED
    assert audit_actions(entity_id=certified.pk) == ["STATUS_CHANGE", "EMAIL_CONFIRMED", "EMAIL_CONFIRMED"]


def test_an_sms_code_may_be_confirmed_through_the_link(client, certified):
    add_confirmation(certified, "AB7KQ2XZ", channel="sms")

    response = post_json(client, "/api/v1/public/confirm-payment/AB7KQ2XZ")

    assert response.status_code == 200


# --- The browser pages (api.md §1.7, ui.md §4.5) -----------------------------------------------------------------


def test_a_browser_get_shows_the_page_and_changes_nothing(client, certified):
    confirmation = add_confirmation(certified, TOKEN)

    response = client.get(URL, HTTP_ACCEPT=BROWSER_ACCEPT)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "Darbų priėmimo patvirtinimas" in page
    assert f"Projektas #{str(certified.pk)[:8]}" in page
    assert "Patvirtinkite, kad darbai atlikti ir priimti." in page
    assert '<form method="post" action="/api/v1/public/confirm-payment/AB7KQ2XZ-Q1">' in page
    assert page.count("<button") == 1
    assert "Patvirtinu" in page
    assert response["Content-Security-Policy"] == (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; "
        "form-action 'self'"
    )
    assert "no-store" in response["Cache-Control"]
    assert response["Pragma"] == "no-cache"
    confirmation.refresh_from_db()
    assert confirmation.status == ConfirmationStatus.PENDING
    assert audit_rows() == []
    assert Project.objects.get().status == ProjectStatus.CERTIFIED


def test_the_form_post_confirms_and_shows_the_result(settings, client, certified):
    settings.PUBLIC_BASE_URL = "https://vejapro.lt"
    add_confirmation(certified, TOKEN)

    response = client.post(URL, data={}, HTTP_ACCEPT=BROWSER_ACCEPT)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Ačiū! Patvirtinimas gautas. Jūsų projektas aktyvuotas." in page
    assert "Atidaryti kliento portalą" in page
    assert 'href="https://vejapro.lt/client/"' in page
    certified.refresh_from_db()
    assert certified.status == ProjectStatus.ACTIVE


@pytest.mark.parametrize(
    ("setup", "text", "status"),
    [
        ({"status": "CONFIRMED"}, "Šis patvirtinimas jau gautas. Ačiū!", 200),
        ({"status": "FAILED"}, "Patvirtinimas nebegalimas. Susisiekite su mumis.", 400),
        ({"attempts": 3}, "Patvirtinimas nebegalimas. Susisiekite su mumis.", 400),
        (
            {"expires_in": -timedelta(minutes=1)},
            "Patvirtinimo laikas pasibaigė. Susisiekite su mumis – atsiųsime naują nuorodą.",  # noqa: RUF001
            400,
        ),
    ],
)
def test_the_form_post_result_pages(client, certified, setup, text, status):
    add_confirmation(certified, TOKEN, **setup)

    response = client.post(URL, data={}, HTTP_ACCEPT=BROWSER_ACCEPT)

    assert response.status_code == status
    page = response.content.decode()
    assert text in page
    assert "Patvirtinu" not in page


def test_the_error_pages_show_the_contacts(settings, client):
    settings.BUSINESS_PHONE = "+37065849514"
    settings.BUSINESS_EMAIL = "info@vejapro.lt"
    project = make_project(ProjectStatus.CERTIFIED)
    add_confirmation(project, TOKEN)

    response = client.post(URL, data={})

    page = response.content.decode()
    assert "Galutinis mokėjimas dar neužregistruotas. Susisiekite su mumis." in page
    assert "tel:+37065849514" in page
    assert "mailto:info@vejapro.lt" in page


def test_the_wrong_status_page(client):
    add_confirmation(make_project(ProjectStatus.SCHEDULED), TOKEN)

    response = client.post(URL, data={})

    assert response.status_code == 400
    assert "Projekto būsena netinkama patvirtinimui." in response.content.decode()


def test_an_unknown_token_page(client):
    response = client.get("/api/v1/public/confirm-payment/NOPE", HTTP_ACCEPT=BROWSER_ACCEPT)

    assert response.status_code == 404
    assert "Nuoroda nerasta." in response.content.decode()
    assert audit_rows() == []  # a GET changes nothing, not even the audit log


def test_a_browser_get_of_an_expired_link_shows_the_expired_page_without_counting(client, certified):
    confirmation = add_confirmation(certified, TOKEN, expires_in=-timedelta(minutes=1))

    response = client.get(URL, HTTP_ACCEPT=BROWSER_ACCEPT)

    assert "Patvirtinimo laikas pasibaigė." in response.content.decode()
    confirmation.refresh_from_db()
    assert (confirmation.status, confirmation.attempts) == ("PENDING", 0)


# --- Rate limit (security-ops.md §7: confirm:ip, 20 per minute) ---------------------------------------------------


@pytest.fixture
def limits_on(settings):
    settings.RATELIMIT_ENABLE = True
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "confirm-limit-test"}
    }
    from django.core.cache import cache

    cache.clear()


def test_the_twenty_first_request_of_an_ip_is_limited(limits_on, client):
    for _ in range(20):
        assert post_json(client, "/api/v1/public/confirm-payment/NOPE").status_code == 404

    response = post_json(client, "/api/v1/public/confirm-payment/NOPE")

    assert response.status_code == 429
    assert response.json() == {"detail": "Too Many Requests"}


def test_the_limit_page_for_browsers(limits_on, client):
    for _ in range(20):
        client.get(URL, HTTP_ACCEPT=BROWSER_ACCEPT, REMOTE_ADDR="198.51.100.1")

    response = client.get(URL, HTTP_ACCEPT=BROWSER_ACCEPT, REMOTE_ADDR="198.51.100.1")

    assert response.status_code == 429
    assert "Per daug užklausų, palaukite" in response.content.decode()


# --- Failure audits outlive the error answer (workflow.md §13.1) --------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_failure_audits_and_attempts_are_committed(client):
    project = make_project(ProjectStatus.CERTIFIED)
    add_confirmation(project, TOKEN, expires_in=-timedelta(minutes=1))

    post_json(client)
    post_json(client, "/api/v1/public/confirm-payment/NOPE")

    assert audit_actions() == ["EMAIL_CONFIRMATION_EXPIRED", "EMAIL_CONFIRMATION_INVALID_TOKEN"]
    assert ClientConfirmation.objects.get().attempts == 1
