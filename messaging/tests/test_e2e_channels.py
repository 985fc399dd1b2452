"""One project per confirmation channel, from DRAFT to ACTIVE through HTTP only (the worker runs as a command).

DRAFT → (Stripe deposit webhook) PAID → SCHEDULED → PENDING_EXPERT → CERTIFIED → FINAL payment → the client
confirms by the e-mailed link (browser page, then its button), or by replying ``TAIP <KODAS>`` to the SMS.
"""

import io
import re
from io import StringIO
from urllib.parse import urlencode, urlsplit

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from PIL import Image
from twilio.request_validator import RequestValidator

from messaging.transports import sms
from payments.stripe import client as stripe_client
from payments.tests.factories import intent_event
from payments.tests.stripe_helpers import WEBHOOK_SECRET, deliver
from vejapro.core.models import AuditLog

pytestmark = pytest.mark.django_db

CHECKLIST = {"ground": True, "seed": True, "edges": True, "cleanliness": True}
TWILIO_TOKEN = "twilio-e2e-token"
TWILIO_URL = "https://vejapro.lt/api/v1/webhook/twilio"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,*/*;q=0.8"
CHECKOUT_URL = "https://checkout.stripe.com/c/pay/cs_e2e"


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.PUBLIC_BASE_URL = "https://vejapro.lt"
    settings.ENABLE_STRIPE = True
    settings.STRIPE_SECRET_KEY = "sk_test_e2e"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.ENABLE_MANUAL_PAYMENTS = True
    settings.ENABLE_TWILIO = True
    settings.TWILIO_AUTH_TOKEN = TWILIO_TOKEN
    settings.TWILIO_WEBHOOK_URL = TWILIO_URL
    settings.ENABLE_NOTIFICATION_OUTBOX = True
    settings.SMTP_FROM_EMAIL = "info@vejapro.lt"
    sms.sent_messages.clear()


@pytest.fixture
def stripe_sessions(monkeypatch):
    """Checkout Sessions the admin created; Stripe itself is never called."""
    sessions = []

    def checkout(**kwargs):
        sessions.append(kwargs)
        return stripe_client.CheckoutSession(id="cs_e2e", url=CHECKOUT_URL, expires_at=None)

    monkeypatch.setattr(stripe_client, "checkout_session_create", checkout)
    return sessions


def photo(name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (40, 140, 60)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def dispatch_outbox() -> str:
    out = StringIO()
    call_command("dispatch_outbox", "--once", stdout=out)
    return out.getvalue().strip()


class Journey:
    def __init__(self, api, admin_user, client_user, contractor_user, expert_user, stripe_sessions):
        self.admin, self.contractor, self.expert = api(admin_user), api(contractor_user), api(expert_user)
        self.users = {"client": client_user, "contractor": contractor_user, "expert": expert_user}
        self.stripe_sessions = stripe_sessions
        self.project_id = ""

    def status(self) -> str:
        return self.admin.get(f"/api/v1/projects/{self.project_id}").json()["project"]["status"]

    def ok(self, response, status: int = 200):
        assert response.status_code == status, response.content
        return response.json()

    def transition(self, caller, new_status: str) -> None:
        body = {"project_id": self.project_id, "new_status": new_status}
        assert self.ok(caller.post_json("/api/v1/transition-status", body))["status"] == new_status

    def upload(self, caller, category: str, name: str) -> None:
        body = {"project_id": self.project_id, "category": category, "file": photo(name)}
        self.ok(caller.post("/api/v1/upload-evidence", body))

    def stripe_event_for_last_link(self, amount_cents: int) -> dict:
        """What Stripe sends after the client paid through the Checkout link the admin created."""
        session = self.stripe_sessions[-1]
        event = intent_event(session["project_id"], session["payment_type"], amount_received=amount_cents)
        assert event["data"]["object"]["metadata"] == {
            "project_id": self.project_id,
            "payment_type": session["payment_type"],
        }
        return event

    def to_certified(self, client_info: dict) -> None:
        client_info = {"client_id": str(self.users["client"].pk), **client_info}
        created = self.ok(self.admin.post_json("/api/v1/projects", {"client_info": client_info}), 201)
        self.project_id = created["id"]
        assert created["status"] == "DRAFT"
        for role in ("contractor", "expert"):
            self.ok(
                self.admin.post_json(
                    f"/api/v1/admin/projects/{self.project_id}/assign-{role}", {"user_id": str(self.users[role].pk)}
                )
            )

        # The admin sends a Stripe Checkout link for the deposit; Stripe reports the payment by webhook.
        link = self.ok(
            self.admin.post_json(
                f"/api/v1/admin/projects/{self.project_id}/payment-link", {"payment_type": "DEPOSIT", "amount": 300}
            )
        )
        assert link["url"] == CHECKOUT_URL
        self.ok(deliver(self.stripe_event_for_last_link(30000)))
        assert self.status() == "PAID"

        self.transition(self.contractor, "SCHEDULED")
        self.upload(self.contractor, "SITE_BEFORE", "pries.jpg")
        self.transition(self.contractor, "PENDING_EXPERT")
        for number in range(3):
            self.upload(self.expert, "EXPERT_CERTIFICATION", f"sert{number}.jpg")
        certified = self.expert.post_json(
            "/api/v1/certify-project", {"project_id": self.project_id, "checklist": CHECKLIST}
        )
        assert self.ok(certified)["project_status"] == "CERTIFIED"
        assert self.status() == "CERTIFIED"

    def status_changes(self) -> list[tuple[str, str, str]]:
        rows = AuditLog.objects.filter(action="STATUS_CHANGE", entity_id=self.project_id).order_by("timestamp")
        return [(row.old_value["status"], row.new_value["status"], row.actor_type) for row in rows]


@pytest.fixture
def journey(api, admin_user, client_user, contractor_user, expert_user, stripe_sessions):
    return Journey(api, admin_user, client_user, contractor_user, expert_user, stripe_sessions)


def test_email_channel_from_draft_to_active(settings, journey):
    settings.ENABLE_EMAIL_INTAKE = True
    journey.to_certified({"name": "Jonas Klientas", "email": "jonas@gmail.com", "phone": "+37061234567"})

    # The admin records the final bank transfer; the confirmation e-mail is queued and the worker sends it.
    journey.ok(
        journey.admin.post_json(
            f"/api/v1/projects/{journey.project_id}/payments/manual",
            {"payment_type": "FINAL", "amount": 900, "payment_method": "BANK_TRANSFER", "provider_event_id": "fin-1"},
        ),
        201,
    )
    assert journey.status() == "CERTIFIED"
    assert dispatch_outbox() == "sent=1 retry=0 failed=0 skipped=0"
    [message] = mail.outbox
    assert message.to == ["jonas@gmail.com"]
    assert message.subject == "VejaPRO - Patvirtinkite galutinį mokėjimą"
    link = re.search(r"https://vejapro\.lt/api/v1/public/confirm-payment/\S+", message.body).group()
    path = urlsplit(link).path

    # The client opens the link: the page only asks; its single button confirms.
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(path, HTTP_ACCEPT=BROWSER_ACCEPT)
    assert page.status_code == 200
    assert "Patvirtinu" in page.content.decode()
    assert journey.status() == "CERTIFIED"
    result = browser.post(path, data={}, HTTP_ACCEPT=BROWSER_ACCEPT)
    assert result.status_code == 200
    assert "Ačiū! Patvirtinimas gautas. Jūsų projektas aktyvuotas." in result.content.decode()

    assert journey.status() == "ACTIVE"
    assert journey.status_changes() == [
        ("DRAFT", "PAID", "SYSTEM_STRIPE"),
        ("PAID", "SCHEDULED", "SUBCONTRACTOR"),
        ("SCHEDULED", "PENDING_EXPERT", "SUBCONTRACTOR"),
        ("PENDING_EXPERT", "CERTIFIED", "EXPERT"),
        ("CERTIFIED", "ACTIVE", "SYSTEM_EMAIL"),
    ]
    # A second click on the same link changes nothing.
    again = browser.post(path, data={}, HTTP_ACCEPT=BROWSER_ACCEPT)
    assert "Šis patvirtinimas jau gautas. Ačiū!" in again.content.decode()
    assert len(journey.status_changes()) == 5


def test_sms_channel_from_draft_to_active(settings, journey):
    settings.ENABLE_EMAIL_INTAKE = False
    journey.to_certified({"name": "Ona Klientė", "phone": "8 612 34567"})

    # The client pays the balance through a second Checkout link; the webhook records it and the SMS goes out.
    journey.ok(
        journey.admin.post_json(
            f"/api/v1/admin/projects/{journey.project_id}/payment-link", {"payment_type": "FINAL", "amount": 900}
        )
    )
    journey.ok(deliver(journey.stripe_event_for_last_link(90000)))
    assert journey.status() == "CERTIFIED"
    assert dispatch_outbox() == "sent=1 retry=0 failed=0 skipped=0"
    [text] = sms.sent_messages
    assert text.to == "+37061234567"
    code = re.fullmatch(r"VejaPRO patvirtinimo kodas: (\w{8})\. Atsakykite: TAIP \1", text.body).group(1)

    # The client replies; Twilio forwards the signed reply to the webhook.
    reply = {"From": "+37061234567", "To": "+37060000000", "Body": f"taip {code.lower()}", "MessageSid": "SM1"}
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(TWILIO_URL, reply)
    answer = Client(enforce_csrf_checks=True).post(
        "/api/v1/webhook/twilio",
        data=urlencode(reply),
        content_type="application/x-www-form-urlencoded",
        HTTP_X_TWILIO_SIGNATURE=signature,
    )
    assert answer.status_code == 200
    assert b"VejaPRO: aciu! Patvirtinimas gautas, projektas aktyvuotas." in answer.content

    assert journey.status() == "ACTIVE"
    assert journey.status_changes()[0] == ("DRAFT", "PAID", "SYSTEM_STRIPE")
    assert journey.status_changes()[-1] == ("CERTIFIED", "ACTIVE", "SYSTEM_TWILIO")
    assert len(journey.status_changes()) == 5
