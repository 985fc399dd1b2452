"""«Mokėjimai» actions: void with a reason, Stripe link, Stripe events processed again (ui.md §3.7)."""

import pytest

from payments.models import Payment
from payments.stripe import client as stripe_client
from payments.tests.factories import add_payment, add_stripe_event, intent_event
from projects.tests.factories import make_project
from vejapro.core.tests.audit import assert_audited

PAYMENT_LIST = "/admin/payments/payment/"
EVENT_LIST = "/admin/payments/stripewebhookevent/"


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.mark.django_db
def test_void_action_asks_for_a_reason_first(admin_client):
    project = make_project(status="PAID")
    payment = add_payment(project)

    form = admin_client.post(PAYMENT_LIST, {"action": "void_payments", "_selected_action": [payment.pk]})
    assert "Priežastis (privaloma)" in form.content.decode()
    payment.refresh_from_db()
    assert payment.status == "SUCCEEDED"

    no_reason = admin_client.post(
        PAYMENT_LIST, {"action": "void_payments", "_selected_action": [payment.pk], "apply": "1", "reason": " "}
    )
    assert "Įveskite priežastį." in no_reason.content.decode()

    response = admin_client.post(
        PAYMENT_LIST,
        {"action": "void_payments", "_selected_action": [payment.pk], "apply": "1", "reason": "Dvigubas įrašas"},
        follow=True,
    )

    assert _messages(response) == ["Mokėjimas anuliuotas. Projekto būsena nepakeista."]
    payment.refresh_from_db()
    project.refresh_from_db()
    assert (payment.status, payment.void_reason, project.status) == ("VOIDED", "Dvigubas įrašas", "PAID")
    assert_audited("PAYMENT_VOIDED", entity_id=payment.pk)


@pytest.mark.django_db
def test_stripe_link_from_more_options(admin_client, settings, monkeypatch):
    settings.ENABLE_STRIPE = True
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    project = make_project()
    monkeypatch.setattr(
        stripe_client,
        "checkout_session_create",
        lambda **kwargs: stripe_client.CheckoutSession(
            id="cs_test_1", url="https://checkout.stripe.com/c/pay/cs_test_1", expires_at=1767312000
        ),
    )
    screen = admin_client.get(f"/admin/projects/project/{project.pk}/change/").content.decode()
    assert "Stripe nuoroda" in screen

    response = admin_client.post(
        f"/admin/projects/project/{project.pk}/veiksmas/stripe-nuoroda/", {"payment_type": "DEPOSIT", "amount": "150"}
    )

    html = response.content.decode()
    assert 'value="https://checkout.stripe.com/c/pay/cs_test_1"' in html
    assert "Kopijuoti" in html
    assert_audited("PAYMENT_LINK_CREATED", entity_id=project.pk)


@pytest.mark.django_db
def test_stripe_link_is_hidden_without_the_flag(admin_client, settings):
    settings.ENABLE_STRIPE = False
    project = make_project()

    assert "Stripe nuoroda" not in admin_client.get(f"/admin/projects/project/{project.pk}/change/").content.decode()
    response = admin_client.post(
        f"/admin/projects/project/{project.pk}/veiksmas/stripe-nuoroda/", {"payment_type": "DEPOSIT", "amount": "150"}
    )
    assert response.status_code == 404


@pytest.mark.django_db
def test_a_failed_stripe_event_is_processed_again(admin_client, settings):
    settings.ENABLE_STRIPE = True
    project = make_project()
    event = intent_event(project.pk, "DEPOSIT", amount_received=20000)
    row = add_stripe_event(
        event["id"], event_type=event["type"], payload=event, outcome="FAILED", last_error="Laikina klaida"
    )
    processed = add_stripe_event("evt_done", event_type="x", outcome="PROCESSED")

    response = admin_client.post(
        EVENT_LIST, {"action": "process_again", "_selected_action": [row.pk, processed.pk]}, follow=True
    )

    assert f"Įvykis {event['id']} apdorotas." in _messages(response)
    assert "Iš naujo apdoroti galima tik nepavykusius ir laukiančius įvykius." in _messages(response)
    row.refresh_from_db()
    project.refresh_from_db()
    assert row.outcome == "PROCESSED"
    assert project.status == "PAID"
    assert Payment.objects.get(project=project).provider == "stripe"
