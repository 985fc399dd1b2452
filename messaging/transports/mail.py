"""E-mail transport: Django's mail framework (SMTP from ``SMTP_*``, console or locmem elsewhere), messaging.md §3.4."""

import uuid
from datetime import UTC, datetime
from email.utils import formataddr, make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils import timezone

from vejapro.core.settings_helpers import is_production

ALLOWED_EXTRA_HEADERS = ("In-Reply-To", "References", "Reply-To", "Auto-Submitted")
ICS_LINE_OCTETS = 75


class MailNotConfigured(Exception):
    pass


def sender_address() -> str:
    return formataddr(("VejaPRO", settings.SMTP_FROM_EMAIL or settings.DEFAULT_FROM_EMAIL))


def mail_send(
    *,
    to: str,
    subject: str,
    body_text: str,
    body_html: str | None = None,
    extra_headers: dict[str, str] | None = None,
    ics: dict | None = None,
) -> str:
    """Send one e-mail (plain text plus an HTML alternative); returns its Message-ID. SMTP errors propagate."""
    if is_production() and not settings.SMTP_HOST:
        raise MailNotConfigured("SMTP nesustatytas")
    sender = settings.SMTP_FROM_EMAIL or settings.DEFAULT_FROM_EMAIL
    message_id = make_msgid(domain=sender.rpartition("@")[2] or "vejapro.lt")
    headers = {name: value for name, value in (extra_headers or {}).items() if name in ALLOWED_EXTRA_HEADERS}
    headers["Message-ID"] = message_id
    message = EmailMultiAlternatives(
        subject=subject,
        body=body_text,
        from_email=sender_address(),
        to=[to],
        headers=headers,
        connection=get_connection(fail_silently=False),
    )
    if body_html:
        message.attach_alternative(body_html, "text/html")
    if ics:
        message.attach("invite.ics", ics_invite(**ics), "text/calendar; method=REQUEST; charset=utf-8")
    message.send(fail_silently=False)
    return message_id


def _ics_time(value: str | datetime) -> str:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, UTC)
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _ics_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\n", "\\n")


def _ics_fold(line: str) -> str:
    """Fold at 75 octets without splitting a UTF-8 character; continuation lines start with a space."""
    parts: list[str] = []
    current = ""
    limit = ICS_LINE_OCTETS
    for char in line:
        if len((current + char).encode()) > limit:
            parts.append(current)
            current = char
            limit = ICS_LINE_OCTETS - 1
        else:
            current += char
    parts.append(current)
    return "\r\n ".join(parts)


def ics_invite(*, slot_start: str | datetime, slot_end: str | datetime, address: str) -> str:
    """The ``invite.ics`` of an inspection offer (messaging.md §3.4)."""
    organizer = settings.SMTP_FROM_EMAIL or settings.DEFAULT_FROM_EMAIL
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//VejaPRO//Unified Client Card//LT",
        "CALSCALE:GREGORIAN",
        "METHOD:REQUEST",
        "BEGIN:VEVENT",
        f"UID:{uuid.uuid4()}@vejapro",
        f"DTSTAMP:{_ics_time(timezone.now())}",
        f"DTSTART:{_ics_time(slot_start)}",
        f"DTEND:{_ics_time(slot_end)}",
        f"SUMMARY:{_ics_escape('VejaPRO apžiūra')}",
        f"LOCATION:{_ics_escape(address or '')}",
        f"ORGANIZER;CN=VejaPRO:mailto:{organizer}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(_ics_fold(line) for line in lines) + "\r\n"
