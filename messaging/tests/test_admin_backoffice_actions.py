"""Back office buttons of «Pranešimai» and the project screen that call the messaging services (ui.md §3.3, §3.8)."""

import re

import pytest

from messaging.models import ClientConfirmation, NotificationOutbox
from messaging.tests.factories import add_confirmation, add_outbox
from payments.tests.factories import add_payment
from projects.tests.factories import make_project
from vejapro.core.tests.audit import assert_audited

OUTBOX_LIST = "/admin/messaging/notificationoutbox/"
CONFIRMATION_LIST = "/admin/messaging/clientconfirmation/"


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.mark.django_db
def test_retry_from_the_project_screen_until_the_limit(admin_client):
    project = make_project(status="CERTIFIED")
    row = add_outbox(project, status="FAILED")
    screen = f"/admin/projects/project/{project.pk}/change/"
    retry = f"/admin/messaging/notificationoutbox/{row.pk}/kartoti/"
    assert "Kartoti (3)" in admin_client.get(screen).content.decode()

    for left in (2, 1, 0):
        response = admin_client.post(retry, {"next": screen}, follow=True)
        assert response.redirect_chain[-1][0] == screen
        assert _messages(response) == [f"Pranešimas bus kartotas. Liko: {left}"]
        NotificationOutbox.objects.filter(pk=row.pk).update(status="FAILED")

    refused = admin_client.post(retry, {"next": screen}, follow=True)
    assert _messages(refused) == ["Kartojimų limitas pasiektas"]
    html = refused.content.decode()
    assert "Kartoti (" not in html
    assert_audited("ADMIN_NOTIFICATION_RETRY", entity_id=row.pk, count=3)


@pytest.mark.django_db
def test_retry_action_on_the_outbox_list(admin_client):
    project = make_project()
    failed = add_outbox(project, status="FAILED")
    sent = add_outbox(project, status="SENT")

    response = admin_client.post(
        OUTBOX_LIST, {"action": "retry_failed", "_selected_action": [failed.pk, sent.pk]}, follow=True
    )

    assert _messages(response) == [
        "Kartoti galima tik nepavykusius pranešimus.",
        "Pranešimas bus kartotas. Liko: 2",
    ]
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert (failed.status, failed.attempt_count, failed.last_error) == ("PENDING", 0, None)
    assert sent.status == "SENT"


@pytest.mark.django_db
def test_retry_button_on_the_outbox_detail(admin_client):
    row = add_outbox(make_project(), status="FAILED")

    html = admin_client.get(f"/admin/messaging/notificationoutbox/{row.pk}/change/").content.decode()

    assert f'action="/admin/messaging/notificationoutbox/{row.pk}/kartoti/"' in html
    assert "Kartoti (3)" in html


@pytest.mark.django_db
def test_resend_action_on_the_confirmation_list(admin_client, settings):
    settings.ENABLE_EMAIL_INTAKE = True
    project = make_project(status="CERTIFIED")
    add_payment(project, payment_type="FINAL")
    confirmation = add_confirmation(project)

    response = admin_client.post(
        CONFIRMATION_LIST, {"action": "resend", "_selected_action": [confirmation.pk]}, follow=True
    )

    assert _messages(response) == ["Patvirtinimas vėl įtrauktas į eilę. Liko: 2"]
    assert ClientConfirmation.objects.filter(project=project, channel="email").count() == 2
    assert_audited("ADMIN_CONFIRMATION_RESEND_EMAIL", entity_id=project.pk)


@pytest.mark.django_db
def test_resend_shows_the_service_refusal(admin_client, settings):
    settings.ENABLE_EMAIL_INTAKE = False
    project = make_project(status="CERTIFIED")
    add_payment(project, payment_type="FINAL")
    add_confirmation(project)

    response = admin_client.post(f"/admin/projects/project/{project.pk}/veiksmas/persiusti-el-pastu/", follow=True)

    assert _messages(response) == ["El. pašto kanalas išjungtas"]


@pytest.mark.django_db
def test_a_channel_that_is_off_shows_a_note_instead_of_its_resend_button(admin_client, settings):
    settings.ENABLE_EMAIL_INTAKE = False
    project = make_project(status="CERTIFIED")
    add_payment(project, payment_type="FINAL")
    add_confirmation(project)

    html = admin_client.get(f"/admin/projects/project/{project.pk}/change/").content.decode()

    assert "El. pašto kanalas išjungtas (ENABLE_EMAIL_INTAKE)" in html
    assert "Persiųsti el. paštu" not in html
    assert "Persiųsti SMS (3)" in html


@pytest.mark.django_db
def test_final_payment_without_any_channel_says_so(admin_client, settings):
    settings.ENABLE_EMAIL_INTAKE = False
    settings.ENABLE_TWILIO = False
    project = make_project(status="CERTIFIED")

    response = admin_client.post(
        f"/admin/projects/project/{project.pk}/veiksmas/galutinis/",
        {
            "final-amount": "500",
            "final-payment_method": "CASH",
            "final-currency": "EUR",
            "final-provider_event_id": "K-1",
        },
        follow=True,
    )

    assert _messages(response) == [
        "Mokėjimas įrašytas. Klientui nepavyko išsiųsti patvirtinimo: nėra el. pašto ar telefono."
    ]
    assert_audited("FIN_CHANNEL_UNAVAILABLE", entity_id=project.pk)


@pytest.mark.django_db
def test_final_payment_falls_back_to_sms(admin_client, settings):
    settings.ENABLE_EMAIL_INTAKE = False
    settings.ENABLE_TWILIO = True
    project = make_project(status="CERTIFIED", email=None, phone="+37061234567")

    response = admin_client.post(
        f"/admin/projects/project/{project.pk}/veiksmas/galutinis/",
        {
            "final-amount": "500",
            "final-payment_method": "CASH",
            "final-currency": "EUR",
            "final-provider_event_id": "K-2",
        },
        follow=True,
    )

    assert _messages(response) == ["Mokėjimas įrašytas. Patvirtinimas klientui įtrauktas į eilę."]
    assert ClientConfirmation.objects.get(project=project).channel == "sms"
    assert "Persiųsti SMS (3)" in response.content.decode()


@pytest.mark.django_db
def test_send_client_access(admin_client, client_user):
    project = make_project(client=client_user)

    response = admin_client.post(f"/admin/projects/project/{project.pk}/veiksmas/siusti-prieiga/", follow=True)

    assert _messages(response) == ["Prieigos laiškas įtrauktas į eilę."]
    assert NotificationOutbox.objects.get(entity_id=project.pk).template_key == "CLIENT_PORTAL_ACCESS"
    assert_audited("CLIENT_ACCESS_EMAIL_SENT", entity_id=project.pk)


@pytest.mark.django_db
def test_send_client_access_needs_an_owner(admin_client):
    project = make_project()

    response = admin_client.post(f"/admin/projects/project/{project.pk}/veiksmas/siusti-prieiga/", follow=True)

    assert _messages(response) == ["Projekte nenurodytas kliento ID"]


@pytest.mark.django_db
def test_the_notification_queue_names_templates_in_lithuanian(admin_client):
    add_outbox(make_project(status="CERTIFIED"), status="FAILED")

    html = admin_client.get(OUTBOX_LIST).content.decode()
    filtered = admin_client.get(OUTBOX_LIST, {"template_key__exact": "CLIENT_PORTAL_ACCESS"}).content.decode()

    assert '<td class="field-template_name">Galutinio mokėjimo patvirtinimas</td>' in html
    assert "Prieiga prie kliento portalo" in html
    assert "FINAL_PAYMENT_CONFIRMATION" not in re.sub(r'href="[^"]*"', "", html)
    assert '<td class="field-template_name">' not in filtered
