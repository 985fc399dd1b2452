"""manage.py dispatch_outbox --once and the dispatch pass (messaging.md §3.3, §3.4)."""

import email
import socket
from datetime import timedelta
from email import policy
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from messaging.models import NotificationOutbox, OutboxStatus
from messaging.services import outbox_enqueue
from messaging.services.outbox import outbox_backoff_seconds
from messaging.tests.factories import add_outbox
from messaging.tests.smtp_sink import SmtpSink
from messaging.transports import sms
from projects.tests.factories import make_project
from vejapro.core.tests.audit import assert_audited, audit_rows

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    """A local port nothing listens on: bound once to learn a free number, then released."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def dispatch() -> str:
    out = StringIO()
    call_command("dispatch_outbox", "--once", stdout=out)
    return out.getvalue().strip()


def queue_email(project, to="jonas@gmail.com", token="AB7KQ2XZ-Q1"):
    outbox_enqueue(
        entity_type="project",
        entity_id=project.pk,
        channel="email",
        template_key="FINAL_PAYMENT_CONFIRMATION",
        payload={
            "to": to,
            "client_name": "Jonas",
            "token": token,
            "confirmation_url": f"https://vejapro.lt/api/v1/public/confirm-payment/{token}",
            "ttl_hours": 72,
        },
    )
    return NotificationOutbox.objects.get(channel="email")


def queue_sms(project, code="AB7KQ2XZ"):
    outbox_enqueue(
        entity_type="project",
        entity_id=project.pk,
        channel="sms",
        template_key="FINAL_PAYMENT_CONFIRMATION",
        payload={"to_number": "+37061234567", "code": code},
    )
    return NotificationOutbox.objects.get(channel="sms")


def test_an_email_is_sent_as_text_with_an_html_alternative(settings):
    settings.SMTP_FROM_EMAIL = "info@vejapro.lt"
    row = queue_email(make_project("CERTIFIED"))

    assert dispatch() == "sent=1 retry=0 failed=0 skipped=0"

    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT
    assert row.sent_at is not None
    assert row.attempt_count == 1
    assert row.last_error is None
    assert row.provider_message_id
    [message] = mail.outbox
    assert message.to == ["jonas@gmail.com"]
    assert message.from_email == "VejaPRO <info@vejapro.lt>"
    assert message.subject == "VejaPRO - Patvirtinkite galutinį mokėjimą"
    assert message.body.startswith("Sveiki, Jonas,\ngavome jūsų galutinį mokėjimą.")
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert "Patvirtinti mokėjimą" in html


def test_the_email_leaves_through_the_real_smtp_backend(settings):
    sink = SmtpSink().start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = sink.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        settings.SMTP_HOST = "127.0.0.1"
        settings.SMTP_FROM_EMAIL = "info@vejapro.lt"
        row = queue_email(make_project("CERTIFIED"))

        assert dispatch() == "sent=1 retry=0 failed=0 skipped=0"
    finally:
        sink.stop()

    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT
    [received] = sink.messages
    assert received.sender == "info@vejapro.lt"
    assert received.recipients == ["jonas@gmail.com"]
    parsed = email.message_from_bytes(received.data, policy=policy.default)
    assert parsed["Subject"] == "VejaPRO - Patvirtinkite galutinį mokėjimą"
    assert parsed["From"] == "VejaPRO <info@vejapro.lt>"
    assert parsed["Message-ID"] == row.provider_message_id
    text = parsed.get_body(preferencelist=("plain",)).get_content()
    html = parsed.get_body(preferencelist=("html",)).get_content()
    assert "Jūsų patvirtinimo kodas: AB7KQ2XZ-Q1" in text
    assert "Patvirtinti mokėjimą" in html


def test_an_smtp_failure_is_retried_later(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = closed_port()
    settings.EMAIL_TIMEOUT = 2
    row = queue_email(make_project("CERTIFIED"))
    before = timezone.now()

    assert dispatch() == "sent=0 retry=1 failed=0 skipped=0"

    row.refresh_from_db()
    assert row.status == OutboxStatus.RETRY
    assert row.attempt_count == 1
    assert row.last_error.startswith("ConnectionRefusedError")
    assert before + timedelta(seconds=59) < row.next_attempt_at < timezone.now() + timedelta(seconds=61)
    assert mail.outbox == []


def test_production_without_smtp_host_is_a_temporary_error(settings):
    settings.ENVIRONMENT = "production"
    settings.SMTP_HOST = ""
    row = queue_email(make_project("CERTIFIED"))

    dispatch()

    row.refresh_from_db()
    assert (row.status, row.last_error) == (OutboxStatus.RETRY, "SMTP nesustatytas")


def test_an_email_without_required_fields_fails_at_once_with_an_audit_row():
    row = add_outbox(channel="email", payload={"to": "a@b.lt"})

    assert dispatch() == "sent=0 retry=0 failed=1 skipped=0"

    row.refresh_from_db()
    assert row.status == OutboxStatus.FAILED
    assert row.last_error == "Trūksta laukų: subject, body_text"
    assert row.next_attempt_at > timezone.now() + timedelta(days=364)
    assert_audited(
        "NOTIFICATION_FAILED",
        entity_type="notification_outbox",
        entity_id=row.pk,
        actor_type="SYSTEM",
        new_value={"channel": "email", "template_key": "FINAL_PAYMENT_CONFIRMATION", "attempt_count": 1},
        metadata={
            "entity_type": "project",
            "entity_id": str(row.entity_id),
            "error": "Trūksta laukų: subject, body_text",
        },
        exact=True,
    )


def test_an_sms_is_sent_through_the_sms_backend(sent_sms):
    row = queue_sms(make_project("CERTIFIED"))

    assert dispatch() == "sent=1 retry=0 failed=0 skipped=0"

    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT
    [message] = sent_sms
    assert (message.channel, message.to, message.body) == (
        "sms",
        "+37061234567",
        "VejaPRO patvirtinimo kodas: AB7KQ2XZ. Atsakykite: TAIP AB7KQ2XZ",
    )
    assert row.provider_message_id == message.sid


def test_sms_with_twilio_off_waits_for_a_retry(settings, sent_sms):
    settings.ENABLE_TWILIO = False
    row = queue_sms(make_project("CERTIFIED"))

    assert dispatch() == "sent=0 retry=1 failed=0 skipped=0"

    row.refresh_from_db()
    assert (row.status, row.last_error, row.attempt_count) == (OutboxStatus.RETRY, "Twilio isjungtas", 1)
    assert sent_sms == []


def test_the_twilio_backend_without_credentials_is_not_configured(settings):
    settings.SMS_BACKEND = "twilio"
    settings.TWILIO_ACCOUNT_SID = ""
    settings.TWILIO_AUTH_TOKEN = ""
    settings.TWILIO_FROM_NUMBER = ""
    row = queue_sms(make_project("CERTIFIED"))

    dispatch()

    row.refresh_from_db()
    assert (row.status, row.last_error) == (OutboxStatus.RETRY, "Nesukonfigūruotas Twilio")


def test_an_sms_without_fields_fails_permanently():
    row = add_outbox(channel="sms", payload={"to_number": "+37061234567"})

    dispatch()

    row.refresh_from_db()
    assert (row.status, row.last_error) == (OutboxStatus.FAILED, "Truksta SMS lauku (to_number/body)")


@pytest.mark.parametrize(
    ("channel", "error"),
    [
        ("email", "Trūksta laukų: to, subject, body_text"),
        ("sms", "Truksta SMS lauku (to_number/body)"),
        ("whatsapp_ping", "WHATSAPP_MISSING_FIELDS"),
    ],
)
@pytest.mark.parametrize("payload", [["a list"], "text", {}])
def test_a_payload_that_is_not_an_object_fails_with_the_channels_own_error(settings, channel, error, payload):
    settings.ENABLE_TWILIO = True
    settings.ENABLE_WHATSAPP_PING = True
    row = add_outbox(channel=channel, payload=payload)

    dispatch()

    row.refresh_from_db()
    assert (row.status, row.last_error) == (OutboxStatus.FAILED, error)
    [audit] = audit_rows("NOTIFICATION_FAILED")
    assert audit.metadata["error"] == error


def test_provider_errors_are_stored_masked(monkeypatch):
    def refuse(**kwargs):
        raise sms.SmsError("Unable to create record: +37061234567 is not reachable, contact jonas@gmail.com")

    monkeypatch.setattr(sms, "sms_send", refuse)
    row = queue_sms(make_project("CERTIFIED"))

    dispatch()

    row.refresh_from_db()
    assert row.status == OutboxStatus.RETRY
    assert row.last_error == "Unable to create record: ***567 is not reachable, contact j***@gmail.com"


def test_the_last_attempt_fails_the_row(settings, monkeypatch):
    settings.NOTIFICATION_WORKER_MAX_ATTEMPTS = 5
    monkeypatch.setattr(sms, "sms_send", lambda **kwargs: (_ for _ in ()).throw(sms.SmsError("timeout")))
    row = add_outbox(
        channel="sms", payload={"to_number": "+37061234567", "body": "x"}, attempt_count=4, status=OutboxStatus.RETRY
    )

    assert dispatch() == "sent=0 retry=0 failed=1 skipped=0"

    row.refresh_from_db()
    assert (row.status, row.attempt_count, row.last_error) == (OutboxStatus.FAILED, 5, "timeout")
    assert_audited("NOTIFICATION_FAILED", entity_id=row.pk)


def test_the_whatsapp_ping_is_skipped_while_its_channel_is_off(settings):
    settings.ENABLE_WHATSAPP_PING = False
    row = add_outbox(channel="whatsapp_ping", payload={"to": "+37061234567", "message": "Gavome mokėjimą."})

    assert dispatch() == "sent=0 retry=0 failed=0 skipped=1"

    row.refresh_from_db()
    assert (row.status, row.last_error) == (OutboxStatus.SKIPPED, "WHATSAPP_DISABLED")
    assert_audited("NOTIFICATION_FAILED", count=0)


def test_the_whatsapp_ping_goes_to_a_whatsapp_address(settings, sent_sms):
    settings.ENABLE_WHATSAPP_PING = True
    settings.TWILIO_WHATSAPP_FROM_NUMBER = "+37060000000"
    add_outbox(channel="whatsapp_ping", payload={"to": "+37061234567", "message": "Gavome mokėjimą."})

    dispatch()

    [message] = sent_sms
    assert (message.channel, message.to, message.from_) == (
        "whatsapp",
        "whatsapp:+37061234567",
        "whatsapp:+37060000000",
    )


def test_whatsapp_needs_its_sender_with_the_twilio_backend(settings):
    settings.ENABLE_WHATSAPP_PING = True
    settings.SMS_BACKEND = "twilio"
    settings.TWILIO_WHATSAPP_FROM_NUMBER = ""
    row = add_outbox(channel="whatsapp_ping", payload={"to": "+37061234567", "message": "x"})

    dispatch()

    row.refresh_from_db()
    assert (row.status, row.last_error) == (OutboxStatus.RETRY, "WHATSAPP_FROM_NUMBER_NOT_CONFIGURED")


def test_whatsapp_without_fields_fails(settings):
    settings.ENABLE_WHATSAPP_PING = True
    row = add_outbox(channel="whatsapp_ping", payload={"to": "+37061234567"})

    dispatch()

    row.refresh_from_db()
    assert (row.status, row.last_error) == (OutboxStatus.FAILED, "WHATSAPP_MISSING_FIELDS")


def test_only_due_pending_and_retry_rows_are_sent_oldest_first(sent_sms):
    now = timezone.now()
    later = add_outbox(
        channel="sms",
        payload={"to_number": "+37060000002", "body": "second"},
        next_attempt_at=now - timedelta(minutes=1),
    )
    first = add_outbox(
        channel="sms",
        payload={"to_number": "+37060000001", "body": "first"},
        status=OutboxStatus.RETRY,
        next_attempt_at=now - timedelta(hours=1),
    )
    future = add_outbox(
        channel="sms", payload={"to_number": "+37060000003", "body": "future"}, next_attempt_at=now + timedelta(hours=1)
    )
    failed = add_outbox(
        channel="sms", payload={"to_number": "+37060000004", "body": "failed"}, status=OutboxStatus.FAILED
    )

    assert dispatch() == "sent=2 retry=0 failed=0 skipped=0"

    assert [message.body for message in sent_sms] == ["first", "second"]
    for row, status in ((first, "SENT"), (later, "SENT"), (future, "PENDING"), (failed, "FAILED")):
        row.refresh_from_db()
        assert row.status == status


def test_one_pass_sends_at_most_the_batch_size(settings, sent_sms):
    settings.NOTIFICATION_WORKER_BATCH_SIZE = 2
    for index in range(3):
        add_outbox(channel="sms", payload={"to_number": "+37060000001", "body": f"m{index}"})

    assert dispatch() == "sent=2 retry=0 failed=0 skipped=0"
    assert dispatch() == "sent=1 retry=0 failed=0 skipped=0"


def test_nothing_is_sent_while_the_outbox_is_switched_off(settings, sent_sms):
    settings.ENABLE_NOTIFICATION_OUTBOX = False
    row = queue_sms(make_project("CERTIFIED"))

    assert dispatch() == "outbox disabled"

    row.refresh_from_db()
    assert row.status == OutboxStatus.PENDING
    assert sent_sms == []


def test_the_command_runs_whatever_recurring_jobs_says(settings, sent_sms):
    settings.ENABLE_RECURRING_JOBS = False
    queue_sms(make_project("CERTIFIED"))

    assert dispatch() == "sent=1 retry=0 failed=0 skipped=0"


def test_backoff_doubles_from_one_minute_up_to_an_hour():
    assert [outbox_backoff_seconds(n) for n in range(1, 10)] == [60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]


@pytest.mark.parametrize(
    ("name", "getter", "low", "high"),
    [
        ("NOTIFICATION_WORKER_INTERVAL_SECONDS", "worker_interval_seconds", 5, 300),
        ("NOTIFICATION_WORKER_BATCH_SIZE", "worker_batch_size", 1, 200),
        ("NOTIFICATION_WORKER_MAX_ATTEMPTS", "worker_max_attempts", 1, 20),
    ],
)
def test_worker_settings_are_clamped(settings, name, getter, low, high):
    from messaging.services import outbox

    read = getattr(outbox, getter)
    for value, expected in [(0, low), (low, low), (high, high), (high + 1, high), (-5, low)]:
        setattr(settings, name, value)
        assert read() == expected
