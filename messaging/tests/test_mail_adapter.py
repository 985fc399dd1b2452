"""messaging/mail.py: headers, the HTML alternative and the ``invite.ics`` attachment (messaging.md §3.4)."""

import pytest
from django.core import mail as django_mail
from django.core.mail import EmailMultiAlternatives

from messaging.transports import mail


@pytest.fixture(autouse=True)
def _sender(settings):
    settings.SMTP_FROM_EMAIL = "info@vejapro.lt"


def test_only_the_allowed_threading_headers_are_kept():
    message_id = mail.mail_send(
        to="jonas@gmail.com",
        subject="Re: Jūsų užklausa",
        body_text="Tekstas",
        body_html="<p>Tekstas</p>",
        extra_headers={"In-Reply-To": "<m1@mail>", "Auto-Submitted": "auto-replied", "Bcc": "x@y.lt"},
    )

    [message] = django_mail.outbox
    assert message.extra_headers["In-Reply-To"] == "<m1@mail>"
    assert message.extra_headers["Auto-Submitted"] == "auto-replied"
    assert message.extra_headers["Message-ID"] == message_id
    assert "Bcc" not in message.extra_headers
    assert message.bcc == []
    assert message_id.endswith("@vejapro.lt>")


def test_an_offer_carries_an_invite():
    mail.mail_send(
        to="jonas@gmail.com",
        subject="VejaPRO: Apžiūros pasiūlymas",
        body_text="Tekstas",
        ics={
            "slot_start": "2026-03-02T10:00:00+02:00",
            "slot_end": "2026-03-02T11:00:00+02:00",
            "address": "Vilnius, Gedimino pr. 1; 2 aukštas",
        },
    )

    [message] = django_mail.outbox
    [(name, content, mimetype)] = message.attachments
    assert (name, mimetype) == ("invite.ics", "text/calendar; method=REQUEST; charset=utf-8")
    lines = content.split("\r\n")
    assert lines[:5] == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//VejaPRO//Unified Client Card//LT",
        "CALSCALE:GREGORIAN",
        "METHOD:REQUEST",
    ]
    assert "DTSTART:20260302T080000Z" in lines
    assert "DTEND:20260302T090000Z" in lines
    assert "SUMMARY:VejaPRO apžiūra" in lines
    assert "LOCATION:Vilnius\\, Gedimino pr. 1\\; 2 aukštas" in lines
    assert "ORGANIZER;CN=VejaPRO:mailto:info@vejapro.lt" in lines
    assert any(line.startswith("UID:") and line.endswith("@vejapro") for line in lines)
    assert content.endswith("END:VEVENT\r\nEND:VCALENDAR\r\n")


def test_long_ics_lines_are_folded_at_75_octets():
    content = mail.ics_invite(
        slot_start="2026-03-02T08:00:00+00:00", slot_end="2026-03-02T09:00:00+00:00", address="Žemaitės g. " * 12
    )

    physical = content.split("\r\n")
    assert all(len(line.encode()) <= 75 for line in physical)
    unfolded = content.replace("\r\n ", "")
    assert "LOCATION:" + "Žemaitės g. " * 12 in unfolded


def test_production_without_smtp_is_not_configured(settings):
    settings.ENVIRONMENT = "production"
    settings.SMTP_HOST = ""

    with pytest.raises(mail.MailNotConfigured, match="SMTP nesustatytas"):
        mail.mail_send(to="a@b.lt", subject="s", body_text="t")


def test_the_development_console_backend_masks_the_recipients_and_prints_the_text(settings):
    from io import StringIO

    from django.core.mail import get_connection

    from messaging.transports.mail_backends import ConsoleEmailBackend

    stream = StringIO()
    settings.EMAIL_BACKEND = "messaging.transports.mail_backends.ConsoleEmailBackend"
    settings.SMTP_FROM_EMAIL = "info@vejapro.lt"
    connection = get_connection(stream=stream)
    assert isinstance(connection, ConsoleEmailBackend)
    message = EmailMultiAlternatives(
        subject="VejaPRO - Patvirtinkite galutinį mokėjimą",
        body="Jūsų patvirtinimo kodas: AB7KQ2XZ\nhttps://vejapro.lt/api/v1/public/confirm-payment/AB7KQ2XZ",
        from_email="VejaPRO <info@vejapro.lt>",
        to=["jonas.klientas@gmail.com"],
        cc=["Ona <ona@example.lt>"],
        connection=connection,
    )

    message.send()

    printed = stream.getvalue()
    assert "To: j***@gmail.com" in printed
    assert "Cc: o***@example.lt" in printed
    assert "jonas.klientas" not in printed
    assert "ona@" not in printed
    assert "Jūsų patvirtinimo kodas: AB7KQ2XZ" in printed
    assert "https://vejapro.lt/api/v1/public/confirm-payment/AB7KQ2XZ" in printed
