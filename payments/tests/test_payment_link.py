"""POST /api/v1/admin/projects/{id}/payment-link (api.md §8.4)."""

import uuid

import pytest

from payments.stripe import client as stripe_client
from projects.models import ProjectStatus
from projects.tests.factories import make_project
from vejapro.core.tests.audit import assert_audited, audit_rows

pytestmark = pytest.mark.django_db

CHECKOUT_URL = "https://checkout.stripe.com/c/pay/cs_test_1"


@pytest.fixture(autouse=True)
def _stripe(settings):
    settings.ENABLE_STRIPE = True
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.PUBLIC_BASE_URL = "https://vejapro.lt"


@pytest.fixture
def sessions(monkeypatch):
    calls = []

    def create(**kwargs):
        calls.append(kwargs)
        return stripe_client.CheckoutSession(
            id="cs_test_1", url="https://checkout.stripe.com/c/pay/cs_test_1", expires_at=1767312000
        )

    monkeypatch.setattr(stripe_client, "checkout_session_create", create)
    return calls


def url(project_id) -> str:
    return f"/api/v1/admin/projects/{project_id}/payment-link"


def test_the_flag_hides_the_endpoint(settings, api, admin_user, sessions):
    settings.ENABLE_STRIPE = False

    response = api(admin_user).post_json(url(uuid.uuid4()), {"payment_type": "DEPOSIT", "amount": 100})

    assert response.status_code == 404
    assert response.json() == {"detail": "Nerastas"}


def test_anonymous_is_401(api, sessions):
    assert api().post_json(url(uuid.uuid4()), {"payment_type": "DEPOSIT", "amount": 100}).status_code == 401


@pytest.mark.parametrize("role", ["client_user", "contractor_user", "expert_user"])
def test_other_roles_are_403(api, request, role, sessions):
    project = make_project(ProjectStatus.DRAFT)

    response = api(request.getfixturevalue(role)).post_json(url(project.pk), {"payment_type": "DEPOSIT", "amount": 100})

    assert response.status_code == 403
    assert response.json() == {"detail": "Draudžiama"}
    assert sessions == []


@pytest.mark.parametrize("project_id", [uuid.uuid4(), "x"])
def test_unknown_project_is_404(api, admin_user, sessions, project_id):
    response = api(admin_user).post_json(url(project_id), {"payment_type": "DEPOSIT", "amount": 100})

    assert response.status_code == 404
    assert response.json() == {"detail": "Projektas nerastas"}


def test_creates_a_checkout_session_with_the_metadata_the_webhook_needs(api, admin_user, sessions):
    project = make_project(ProjectStatus.DRAFT)

    response = api(admin_user).post_json(url(project.pk), {"payment_type": "DEPOSIT", "amount": 150.255})

    assert response.status_code == 200
    assert response.json() == {
        "url": "https://checkout.stripe.com/c/pay/cs_test_1",
        "session_id": "cs_test_1",
        "amount": 150.26,
        "currency": "EUR",
        "payment_type": "DEPOSIT",
        "expires_at": 1767312000,
    }
    assert sessions == [
        {
            "amount_cents": 15026,
            "currency": "EUR",
            "description": "VejaPRO DEPOSIT payment - Jonas Jonaitis",
            "customer_email": "jonas@gmail.com",
            "project_id": str(project.pk),
            "payment_type": "DEPOSIT",
            "success_url": f"https://vejapro.lt/client/projektai/{project.pk}/?payment=success",
            "cancel_url": f"https://vejapro.lt/client/projektai/{project.pk}/?payment=cancel",
        }
    ]
    assert_audited(
        "PAYMENT_LINK_CREATED",
        entity_type="project",
        entity_id=project.pk,
        actor_type="ADMIN",
        new_value={
            "payment_type": "DEPOSIT",
            "amount": 150.26,
            "currency": "EUR",
            "session_id": "cs_test_1",
        },
        metadata={
            "success_url": f"https://vejapro.lt/client/projektai/{project.pk}/?payment=success",
            "cancel_url": f"https://vejapro.lt/client/projektai/{project.pk}/?payment=cancel",
        },
        exact=True,
    )


def test_explicit_fields_are_passed_through(api, admin_user, sessions):
    project = make_project(ProjectStatus.CERTIFIED, client_info={})

    response = api(admin_user).post_json(
        url(project.pk),
        {
            "payment_type": "FINAL",
            "amount": 500,
            "currency": "usd",
            "success_url": "https://vejapro.lt/ok",
            "cancel_url": "https://vejapro.lt/no",
            "description": "Likutis",
        },
    )

    assert response.status_code == 200
    [call] = sessions
    assert (call["currency"], call["description"], call["customer_email"]) == ("USD", "Likutis", None)
    assert (call["success_url"], call["cancel_url"]) == ("https://vejapro.lt/ok", "https://vejapro.lt/no")


@pytest.mark.parametrize(
    "body",
    [
        {"amount": 100},
        {"payment_type": "TIP", "amount": 100},
        {"payment_type": "DEPOSIT", "amount": 0},
        {"payment_type": "DEPOSIT", "amount": 1_000_001},
        {"payment_type": "DEPOSIT", "amount": 10, "currency": "EURO"},
        {"payment_type": "DEPOSIT", "amount": 10, "success_url": "http://vejapro.lt/ok"},
        {"payment_type": "DEPOSIT", "amount": 10, "description": "x" * 201},
    ],
)
def test_validation_is_422(api, admin_user, sessions, body):
    project = make_project(ProjectStatus.DRAFT)

    response = api(admin_user).post_json(url(project.pk), body)

    assert response.status_code == 422
    assert sessions == []


@pytest.mark.parametrize(
    ("status", "payment_type", "detail"),
    [
        (ProjectStatus.PAID, "DEPOSIT", "Deposit allowed only for DRAFT projects"),
        (ProjectStatus.PENDING_EXPERT, "FINAL", "Final payment allowed only for CERTIFIED/ACTIVE projects"),
    ],
)
def test_status_rules(api, admin_user, sessions, status, payment_type, detail):
    project = make_project(status)

    response = api(admin_user).post_json(url(project.pk), {"payment_type": payment_type, "amount": 10})

    assert response.status_code == 400
    assert response.json() == {"detail": detail}
    assert sessions == []


def test_a_stripe_error_is_502(api, admin_user, monkeypatch):
    def refuse(**kwargs):
        raise stripe_client.StripeApiError("card_declined")

    monkeypatch.setattr(stripe_client, "checkout_session_create", refuse)
    project = make_project(ProjectStatus.DRAFT)

    response = api(admin_user).post_json(url(project.pk), {"payment_type": "DEPOSIT", "amount": 10})

    assert response.status_code == 502
    assert audit_rows() == []


def test_the_logged_stripe_error_masks_contacts(api, admin_user, monkeypatch, caplog):
    def refuse(**kwargs):
        raise stripe_client.StripeApiError("Invalid email address: jonas.klientas@gmail.com, phone +37061234567")

    monkeypatch.setattr(stripe_client, "checkout_session_create", refuse)
    project = make_project(ProjectStatus.DRAFT)

    api(admin_user).post_json(url(project.pk), {"payment_type": "DEPOSIT", "amount": 10})

    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "j***@gmail.com" in logged
    assert "***567" in logged
    assert "jonas.klientas" not in logged
    assert "+37061234567" not in logged


def test_the_stripe_error_text_is_shown_only_with_error_details(settings, api, admin_user, monkeypatch):
    settings.EXPOSE_ERROR_DETAILS = True
    monkeypatch.setattr(
        stripe_client,
        "checkout_session_create",
        lambda **kwargs: (_ for _ in ()).throw(stripe_client.StripeApiError("x")),
    )
    project = make_project(ProjectStatus.DRAFT)

    response = api(admin_user).post_json(url(project.pk), {"payment_type": "DEPOSIT", "amount": 10})

    assert response.json() == {"detail": "Stripe klaida"}


def test_without_the_secret_key_it_is_500(settings, api, admin_user, sessions):
    settings.STRIPE_SECRET_KEY = ""
    project = make_project(ProjectStatus.DRAFT)

    response = api(admin_user).post_json(url(project.pk), {"payment_type": "DEPOSIT", "amount": 10})

    assert response.status_code == 500
    assert sessions == []
