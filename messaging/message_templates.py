"""The message catalogue (messaging.md §4.2): every outbound text is rendered here from ``templates/messages/``.

Rendering happens at enqueue time, in Lithuanian, into the final payload the worker sends: e-mail
``{to, subject, body_text, body_html[, extra_headers, ics]}``, SMS ``{to_number, body}``, WhatsApp ``{to, message}``.
An unknown template or a missing context field is a programming error (``MessageTemplateError``).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop, pgettext, pgettext_lazy

from messaging.models import OutboxChannel
from vejapro.core.settings_helpers import public_url

MESSAGE_LANGUAGE = "lt"


class MessageTemplateError(Exception):
    """Unknown template key or missing context: a bug in the caller, never a user error."""


@dataclass(frozen=True)
class MessageTemplate:
    key: str
    channel: str
    required: tuple[str, ...]
    extra_context: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    passthrough: tuple[str, ...] = field(default_factory=tuple)


def _vilnius(value: str | datetime) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, UTC)
    return timezone.localtime(moment)


def _offer_context(context: dict[str, Any]) -> dict[str, Any]:
    start, end = _vilnius(context["slot_start"]), _vilnius(context["slot_end"])
    return {
        "slot_start_display": start.strftime("%Y-%m-%d %H:%M"),
        "slot_end_time": end.strftime("%H:%M"),
        "accept_url": f"{context['offer_url']}?action=accept",
        "reject_url": f"{context['offer_url']}?action=reject",
        "info_rows": [
            (gettext("Time"), f"{start:%Y-%m-%d %H:%M}\N{EN DASH}{end:%H:%M}"),
            (gettext("Address"), context["address"]),
        ],
        "ics": {"slot_start": start.isoformat(), "slot_end": end.isoformat(), "address": context["address"]},
    }


def _masked_offer_email(context: dict[str, Any]) -> dict[str, Any]:
    local, _, domain = str(context["email"]).partition("@")
    return {"masked_email": f"{local[:1]}***@{domain}" if local and domain else "***"}


MISSING_DATA_TEMPLATE = "EMAIL_AUTO_REPLY_MISSING_DATA"
MISSING_FIELD_LINES = {
    "phone": gettext_noop("your phone number so that we can contact you"),
    "address": gettext_noop("the address of the service location (street, city)"),
    "service_type": gettext_noop("which service you need (e.g. lawn installation, lawn care, aeration, fertilising)"),
    "area_m2": gettext_noop("the approximate lawn area (in square metres)"),
}


def _missing_data_context(context: dict[str, Any]) -> dict[str, Any]:
    fields = list(context["missing_fields"])
    unknown = [name for name in fields if name not in MISSING_FIELD_LINES]
    if unknown:
        raise MessageTemplateError(f"Unknown missing field(s): {', '.join(unknown)}")
    inbound_subject = (context.get("inbound_subject") or "").strip()
    return {
        "missing_lines": [gettext(MISSING_FIELD_LINES[name]) for name in fields],
        "reply_subject": f"Re: {inbound_subject}" if inbound_subject else "Re: " + gettext("Your enquiry"),
    }


CATALOGUE: dict[tuple[str, str], MessageTemplate] = {
    (template.channel, template.key): template
    for template in (
        MessageTemplate(
            "FINAL_PAYMENT_CONFIRMATION", OutboxChannel.EMAIL, ("to", "token", "confirmation_url", "ttl_hours")
        ),
        MessageTemplate("FINAL_PAYMENT_CONFIRMATION", OutboxChannel.SMS, ("to_number", "code")),
        MessageTemplate("FINAL_PAYMENT_WHATSAPP_PING", OutboxChannel.WHATSAPP_PING, ("to",)),
        MessageTemplate("CLIENT_PORTAL_ACCESS", OutboxChannel.EMAIL, ("to", "portal_url", "ttl_days")),
        MessageTemplate(
            "OFFER_EMAIL",
            OutboxChannel.EMAIL,
            ("to", "slot_start", "slot_end", "address", "offer_url"),
            extra_context=_offer_context,
            passthrough=("extra_headers",),
        ),
        MessageTemplate("WHATSAPP_OFFER_PING", OutboxChannel.WHATSAPP_PING, ("to", "email"), _masked_offer_email),
        MessageTemplate(
            MISSING_DATA_TEMPLATE,
            OutboxChannel.EMAIL,
            ("to", "missing_fields"),
            extra_context=_missing_data_context,
            passthrough=("extra_headers",),
        ),
    )
}


# What the back office calls each template key; the keys are stored values and never change (ui.md §2.6).
TEMPLATE_LABELS = {
    "FINAL_PAYMENT_CONFIRMATION": pgettext_lazy("message template", "Final payment confirmation"),
    "FINAL_PAYMENT_WHATSAPP_PING": pgettext_lazy("message template", "WhatsApp reminder to confirm"),
    "CLIENT_PORTAL_ACCESS": pgettext_lazy("message template", "Client portal access"),
    "OFFER_EMAIL": pgettext_lazy("message template", "Visit offer"),
    "WHATSAPP_OFFER_PING": pgettext_lazy("message template", "WhatsApp reminder of the offer"),
    "EMAIL_AUTO_REPLY_MISSING_DATA": pgettext_lazy("message template", "Auto-reply: details missing"),
}


def template_label(key: str) -> str:
    return str(TEMPLATE_LABELS.get(key, key))


def _layout_context() -> dict[str, Any]:
    return {
        "public_base_url": settings.PUBLIC_BASE_URL,
        "logo_url": public_url("/static/logo.png"),
        "business_phone": settings.BUSINESS_PHONE,
        "business_email": settings.BUSINESS_EMAIL,
        "year": timezone.localtime().year,
    }


def _tidy_text(text: str) -> str:
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def message_render(*, channel: str, template_key: str, context: dict[str, Any]) -> dict[str, Any]:
    """The final payload of one message; see the module docstring."""
    template = CATALOGUE.get((channel, template_key))
    if template is None:
        raise MessageTemplateError(f"Unknown message template {channel}/{template_key}")
    missing = [name for name in template.required if context.get(name) in (None, "", [], ())]
    if missing:
        raise MessageTemplateError(f"{template_key}: missing context {', '.join(missing)}")
    with translation.override(MESSAGE_LANGUAGE):
        values = {**_layout_context(), **context}
        values["client_name"] = (context.get("client_name") or "").strip() or pgettext("greeting", "Customer")
        if template.extra_context:
            values.update(template.extra_context(values))
        base = f"messages/{template_key}"
        if channel == OutboxChannel.EMAIL:
            subject_template = values.get("reply_subject") or render_to_string(f"{base}.subject.txt", values)
            payload: dict[str, Any] = {
                "to": context["to"],
                "subject": _one_line(subject_template),
                "body_text": _tidy_text(render_to_string(f"{base}.txt", values)),
                "body_html": render_to_string(f"{base}.html", values),
            }
            if "ics" in values:
                payload["ics"] = values["ics"]
        elif channel == OutboxChannel.SMS:
            body = _one_line(render_to_string(f"{base}.sms.txt", values))
            payload = {"to_number": context["to_number"], "body": body}
        else:
            message = _one_line(render_to_string(f"{base}.whatsapp.txt", values))
            payload = {"to": context["to"], "message": message}
    for name in template.passthrough:
        if context.get(name):
            payload[name] = context[name]
    return payload
