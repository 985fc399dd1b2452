"""Inbound e-mail (messaging.md §10): each message once, threaded into the sender's open e-mail lead or a new one,
with the auto-reply asking for missing data."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from messaging.message_templates import MISSING_DATA_TEMPLATE
from messaging.models import (
    CallRequest,
    CallRequestSource,
    CallRequestStatus,
    InboundEmailOutcome,
    OutboxChannel,
    ProcessedInboundEmail,
)
from messaging.services.outbox import outbox_enqueue
from vejapro.core.actors import Actor
from vejapro.core.audit.actions import AuditAction
from vejapro.core.audit.services import audit_record
from vejapro.core.http.errors import BadRequest
from vejapro.core.models import ActorType, AuditEntityType
from vejapro.core.redaction import sha256_hex
from vejapro.core.settings_helpers import flag

logger = logging.getLogger(__name__)

NO_SENDER_TEXT = "Truksta siuntejo"
BODY_LIMIT = 5000
NOTES_LIMIT = 20000
MERGE_WINDOW = timedelta(days=30)
AUTO_REPLY_INTERVAL = timedelta(hours=1)
QUESTIONNAIRE_NEEDED = ("phone", "address", "service_type", "area_m2")
ROBOT_LOCAL_PARTS = ("noreply", "no-reply", "mailer-daemon", "postmaster")
BULK_PRECEDENCE = ("bulk", "list", "junk")


@dataclass(frozen=True)
class InboundEmail:
    sender: str
    display_name: str
    recipient: str
    subject: str
    message_id: str
    body: str
    auto_submitted: str
    precedence: str


@dataclass(frozen=True)
class InboundResult:
    status: str  # ok | reply_merged | duplicate
    call_request_id: Any


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def inbound_email_parse(payload: dict) -> InboundEmail:
    """The fields of CloudMailin's normalized JSON that are used (messaging.md §10.1); 400 without a sender."""
    envelope = payload.get("envelope") if isinstance(payload.get("envelope"), dict) else {}
    headers = payload.get("headers") if isinstance(payload.get("headers"), dict) else {}
    display_name, header_address = parseaddr(_text(headers.get("from")))
    sender = (_text(envelope.get("from")) or header_address).lower()
    if "@" not in sender:
        raise BadRequest(NO_SENDER_TEXT)
    subject = _text(headers.get("subject"))
    body = _text(payload.get("reply_plain")) or _text(payload.get("plain"))
    message_id = _text(headers.get("message_id"))
    if not message_id:
        digest = sha256_hex(f"{sender}|{subject}|{_text(headers.get('date'))}|{body[:1000]}")
        message_id = f"<{digest}>@vejapro.generated"
    return InboundEmail(
        sender=sender,
        display_name=display_name.strip().strip('"').strip(),
        recipient=_text(envelope.get("to")),
        subject=subject,
        message_id=message_id,
        body=body[:BODY_LIMIT],
        auto_submitted=_text(headers.get("auto_submitted")).lower(),
        precedence=_text(headers.get("precedence")).lower(),
    )


def _inbound_state(mail: InboundEmail, now) -> dict:
    return {
        "message_id": mail.message_id,
        "from": mail.sender,
        "subject": mail.subject,
        "recipient": mail.recipient,
        "received_at": now.isoformat(),
    }


def _open_lead(sender: str, now) -> CallRequest | None:
    return (
        CallRequest.objects.select_for_update()
        .filter(
            source=CallRequestSource.EMAIL,
            email__iexact=sender,
            status__in=(CallRequestStatus.NEW, CallRequestStatus.CONTACTED),
            updated_at__gte=now - MERGE_WINDOW,
        )
        .order_by("-updated_at", "-id")
        .first()
    )


def _merge(lead: CallRequest, mail: InboundEmail, now, actor: Actor) -> None:
    stamp = timezone.localtime(now).strftime("%Y-%m-%d %H:%M")
    addition = f"--- Atsakymas ({stamp}) ---\nTema: {mail.subject}\n{mail.body}"
    notes = f"{lead.notes}\n\n{addition}" if lead.notes else addition
    lead.notes = notes[-NOTES_LIMIT:]
    lead.intake_state = {**(lead.intake_state or {}), "inbound_email": _inbound_state(mail, now)}
    lead.save(update_fields=["notes", "intake_state", "updated_at"])
    audit_record(
        entity_type=AuditEntityType.CALL_REQUEST,
        entity_id=lead.pk,
        action=AuditAction.EMAIL_REPLY_MERGED,
        actor=actor,
        metadata={"message_id_hash": sha256_hex(mail.message_id)},
    )


def _create(mail: InboundEmail, now, actor: Actor) -> CallRequest:
    local_part = mail.sender.split("@", 1)[0]
    questionnaire = {"email": {"value": mail.sender, "source": "email", "confidence": 1.0}}
    if mail.display_name:
        questionnaire["client_name"] = {"value": mail.display_name, "source": "email", "confidence": 0.9}
    lead = CallRequest.objects.create(
        name=(mail.display_name or local_part or "Nežinomas")[:128],
        phone="",
        email=mail.sender,
        status=CallRequestStatus.NEW,
        source=CallRequestSource.EMAIL,
        notes=f"Tema: {mail.subject}\n{mail.body}",
        intake_state={"questionnaire": questionnaire, "inbound_email": _inbound_state(mail, now)},
    )
    audit_record(
        entity_type=AuditEntityType.CALL_REQUEST,
        entity_id=lead.pk,
        action=AuditAction.EMAIL_INBOUND_RECEIVED,
        actor=actor,
        new_value={"status": CallRequestStatus.NEW, "source": CallRequestSource.EMAIL},
        metadata={"message_id_hash": sha256_hex(mail.message_id)},
    )
    return lead


def _automatic(mail: InboundEmail) -> bool:
    local_part = mail.sender.split("@", 1)[0]
    robot = local_part in ROBOT_LOCAL_PARTS or local_part.startswith("bounce")
    return robot or mail.auto_submitted not in ("", "no") or mail.precedence in BULK_PRECEDENCE


def _missing_fields(lead: CallRequest) -> list[str]:
    questionnaire = (lead.intake_state or {}).get("questionnaire") or {}

    def filled(key: str) -> bool:
        entry = questionnaire.get(key)
        value = entry.get("value") if isinstance(entry, dict) else entry
        return bool(str(value).strip()) if value is not None else False

    return [key for key in QUESTIONNAIRE_NEEDED if not filled(key)]


def _auto_reply(lead: CallRequest, mail: InboundEmail, now, actor: Actor) -> None:
    """Ask for the missing questionnaire data (messaging.md §10.3), at most ``EMAIL_AUTO_REPLY_MAX_PER_CR`` times and
    not more often than hourly."""
    if not flag("ENABLE_EMAIL_AUTO_REPLY") or _automatic(mail):
        return
    missing = _missing_fields(lead)
    state = lead.intake_state or {}
    replies = (state.get("auto_replies") or {}).get("missing_data") or {}
    count = int(replies.get("count") or 0)
    last = replies.get("last_sent_at")
    if not missing or count >= settings.EMAIL_AUTO_REPLY_MAX_PER_CR:
        return
    if last and now - datetime.fromisoformat(last) < AUTO_REPLY_INTERVAL:
        return
    headers = {"In-Reply-To": mail.message_id, "References": mail.message_id, "Auto-Submitted": "auto-replied"}
    if settings.CLOUDMAILIN_REPLY_TO_ADDRESS:
        headers["Reply-To"] = settings.CLOUDMAILIN_REPLY_TO_ADDRESS
    outbox_enqueue(
        entity_type=AuditEntityType.CALL_REQUEST,
        entity_id=lead.pk,
        channel=OutboxChannel.EMAIL,
        template_key=MISSING_DATA_TEMPLATE,
        payload={
            "to": lead.email,
            "missing_fields": missing,
            "inbound_subject": mail.subject,
            "extra_headers": headers,
        },
    )
    sent = {"count": count + 1, "last_sent_at": now.isoformat()}
    auto_replies = {**(state.get("auto_replies") or {}), "missing_data": sent}
    lead.intake_state = {**state, "auto_replies": auto_replies}
    lead.save(update_fields=["intake_state", "updated_at"])
    audit_record(
        entity_type=AuditEntityType.CALL_REQUEST,
        entity_id=lead.pk,
        action=AuditAction.EMAIL_AUTO_REPLY_MISSING_DATA,
        actor=actor,
        metadata={"missing_fields": missing, "count": count + 1},
    )


def inbound_email_process(*, payload: dict, request=None) -> InboundResult:
    """One CloudMailin delivery (messaging.md §10.2): the same ``Message-Id`` twice is one lead and one answer
    ``duplicate``; a reply from the sender of an open e-mail lead is merged into it."""
    mail = inbound_email_parse(payload)
    actor = Actor.system(ActorType.SYSTEM_EMAIL, request=request)
    now = timezone.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = ProcessedInboundEmail.objects.create(
                    message_id_hash=sha256_hex(mail.message_id),
                    message_id=mail.message_id,
                    outcome=InboundEmailOutcome.CREATED,
                )
        except IntegrityError:
            seen = ProcessedInboundEmail.objects.get(message_id_hash=sha256_hex(mail.message_id))
            return InboundResult(status="duplicate", call_request_id=seen.call_request_id)
        lead = _open_lead(mail.sender, now)
        if lead is not None:
            _merge(lead, mail, now, actor)
            record.outcome = InboundEmailOutcome.MERGED
            status = "reply_merged"
        else:
            lead = _create(mail, now, actor)
            status = "ok"
        record.call_request = lead
        record.save(update_fields=["call_request", "outcome"])
        try:
            with transaction.atomic():
                _auto_reply(lead, mail, now, actor)
        except Exception:
            # An optional step: the lead is kept whatever happens to the reply (messaging.md §10.2 step 4).
            logger.exception("auto-reply for missing data failed")
    return InboundResult(status=status, call_request_id=lead.pk)
