"""POST /api/v1/webhook/email/inbound: CloudMailin basic auth, one lead per message, reply threading, the auto-reply
for missing data (api.md §13.5, messaging.md §10)."""

import base64
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from messaging.models import CallRequest, NotificationOutbox, ProcessedInboundEmail
from messaging.tests.factories import add_call_request
from vejapro.core.tests.audit import assert_audited

URL = "/api/v1/webhook/email/inbound"


@pytest.fixture(autouse=True)
def _webhook_on(settings):
    settings.ENABLE_EMAIL_WEBHOOK = True
    settings.CLOUDMAILIN_USERNAME = "cloudmailin"
    settings.CLOUDMAILIN_PASSWORD = "slaptas"


def _auth(user: str = "cloudmailin", password: str = "slaptas") -> dict:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def _mail(message_id: str = "<m1@example.com>", sender: str = "ona@example.com", **headers) -> dict:
    return {
        "envelope": {"from": sender, "to": "uzklausos@vejapro.lt"},
        "headers": {
            "from": f'"Ona Onaitė" <{sender}>',
            "subject": "Vejos įrengimas",
            "message_id": message_id,
            **headers,
        },
        "plain": "Sveiki, norėčiau vejos.",
        "reply_plain": "Sveiki, norėčiau vejos. Adresas: Kauno g. 2",
    }


def _post(body, **extra):
    client = Client(enforce_csrf_checks=True)
    return client.post(URL, body, content_type="application/json", **(extra or _auth()))


@pytest.mark.django_db
def test_a_message_creates_one_lead_and_a_repeat_is_a_duplicate():
    first = _post(_mail())
    repeat = _post(_mail())

    lead = CallRequest.objects.get()
    assert first.json() == {"status": "ok", "call_request_id": str(lead.pk)}
    assert repeat.json() == {"status": "duplicate", "call_request_id": str(lead.pk)}
    assert (lead.name, lead.phone, lead.email, lead.source, lead.status) == (
        "Ona Onaitė",
        "",
        "ona@example.com",
        "email",
        "NEW",
    )
    assert lead.notes == "Tema: Vejos įrengimas\nSveiki, norėčiau vejos. Adresas: Kauno g. 2"
    assert lead.intake_state["questionnaire"]["client_name"] == {
        "value": "Ona Onaitė",
        "source": "email",
        "confidence": 0.9,
    }
    assert lead.intake_state["inbound_email"]["message_id"] == "<m1@example.com>"
    assert ProcessedInboundEmail.objects.get().outcome == "created"
    assert_audited("EMAIL_INBOUND_RECEIVED", entity_id=lead.pk, actor_type="SYSTEM_EMAIL")


@pytest.mark.django_db
def test_a_reply_is_merged_into_the_open_lead():
    _post(_mail())

    response = _post(_mail(message_id="<m2@example.com>", subject="Re: Vejos įrengimas"))

    lead = CallRequest.objects.get()
    assert response.json() == {"status": "reply_merged", "call_request_id": str(lead.pk)}
    assert "--- Atsakymas (" in lead.notes
    assert "Tema: Re: Vejos įrengimas" in lead.notes
    assert lead.intake_state["inbound_email"]["message_id"] == "<m2@example.com>"
    assert list(ProcessedInboundEmail.objects.order_by("received_at").values_list("outcome", flat=True)) == [
        "created",
        "merged",
    ]
    assert_audited("EMAIL_REPLY_MERGED", entity_id=lead.pk)


@pytest.mark.django_db
def test_a_closed_lead_is_not_threaded():
    closed = add_call_request(email="ona@example.com", source="email", status="CLOSED")

    response = _post(_mail())

    assert response.json()["status"] == "ok"
    assert response.json()["call_request_id"] != str(closed.pk)
    assert CallRequest.objects.count() == 2


@pytest.mark.django_db
def test_missing_data_gets_one_auto_reply_an_hour_and_robots_none(settings):
    settings.ENABLE_EMAIL_AUTO_REPLY = True

    _post(_mail())
    _post(_mail(message_id="<m2@example.com>"))
    _post(_mail(message_id="<m3@example.com>", sender="noreply@example.com"))
    _post(_mail(message_id="<m4@example.com>", sender="zinios@example.com", precedence="bulk"))

    [reply] = NotificationOutbox.objects.all()
    lead = CallRequest.objects.get(email="ona@example.com")
    assert (reply.template_key, reply.entity_id, reply.payload_json["to"]) == (
        "EMAIL_AUTO_REPLY_MISSING_DATA",
        lead.pk,
        "ona@example.com",
    )
    assert lead.intake_state["auto_replies"]["missing_data"]["count"] == 1
    assert_audited("EMAIL_AUTO_REPLY_MISSING_DATA", count=1, entity_id=lead.pk)


@pytest.mark.django_db
def test_the_auto_reply_waits_an_hour_and_stops_after_two(settings):
    settings.ENABLE_EMAIL_AUTO_REPLY = True
    _post(_mail())
    lead = CallRequest.objects.get()
    hour_ago = (timezone.now() - timedelta(hours=2)).isoformat()
    lead.intake_state["auto_replies"]["missing_data"]["last_sent_at"] = hour_ago
    lead.save()

    _post(_mail(message_id="<m2@example.com>", subject="Antras"))
    lead.refresh_from_db()
    lead.intake_state["auto_replies"]["missing_data"]["last_sent_at"] = hour_ago
    lead.save()
    _post(_mail(message_id="<m3@example.com>", subject="Trečias"))

    assert NotificationOutbox.objects.count() == 2
    assert_audited("EMAIL_AUTO_REPLY_MISSING_DATA", count=2)


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [{}, _auth(password="blogas"), {"HTTP_AUTHORIZATION": "Bearer x"}])
def test_wrong_or_missing_basic_auth_is_403_and_audited(extra):
    client = Client(enforce_csrf_checks=True)

    response = client.post(URL, _mail(), content_type="application/json", **extra)

    assert (response.status_code, response.json()) == (403, {"detail": "Draudžiama"})
    assert not CallRequest.objects.exists()
    assert_audited("EMAIL_WEBHOOK_AUTH_INVALID", actor_type="SYSTEM_EMAIL")


@pytest.mark.django_db
def test_bad_bodies():
    not_json = Client().post(URL, "ne json", content_type="application/json", **_auth())
    no_sender = _post({"headers": {"subject": "x"}})

    assert (not_json.status_code, not_json.json()) == (400, {"detail": "Neteisingas JSON body"})
    assert (no_sender.status_code, no_sender.json()) == (400, {"detail": "Truksta siuntejo"})
    assert not ProcessedInboundEmail.objects.exists()


@pytest.mark.django_db
def test_sixth_message_of_a_sender_in_a_minute_is_429(rate_limits):
    statuses = [_post(_mail(message_id=f"<m{number}@example.com>")).status_code for number in range(6)]

    assert statuses == [200] * 5 + [429]


@pytest.mark.django_db
def test_flag_off_hides_the_webhook(settings):
    settings.ENABLE_EMAIL_WEBHOOK = False

    assert _post(_mail()).status_code == 404
