"""One turn of a booking conversation (messaging.md §6.3, §7): the lead of the conversation, its held slot, and the
caller's answer. The chat webhook uses it; each turn runs in one transaction."""

from dataclasses import dataclass
from datetime import time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from messaging.models import (
    Appointment,
    AppointmentStatus,
    CallRequest,
    CallRequestStatus,
    ConversationLock,
)
from messaging.selectors import schedule_resource_find, slot_find
from messaging.services.appointments import appointment_hold
from vejapro.core.actors import Actor
from vejapro.core.audit.actions import AuditAction
from vejapro.core.audit.services import audit_record
from vejapro.core.http.errors import ApiError
from vejapro.core.models import AuditEntityType
from vejapro.core.settings_helpers import flag

CONVERSATION_START_TIMES = [time(10), time(13), time(16)]
CONVERSATION_DAYS = 14
VISIT_LENGTH = timedelta(hours=1)
HOLD_ATTEMPTS = 3


@dataclass(frozen=True)
class Turn:
    """``status``: held, confirmed, cancelled, expired, conflict_confirm, conflict_hold, recorded, not_configured,
    no_slots, no_answer."""

    status: str
    appointment: Appointment | None = None
    notice: str = ""  # voice: why a new slot is offered (expired, conflict_confirm)


def _lead(*, source: str, conversation_id: str, name: str, phone: str, actor: Actor) -> CallRequest:
    lead = CallRequest.objects.filter(source=source, conversation_ref=conversation_id).first()
    if lead is not None:
        return lead
    try:
        with transaction.atomic():
            lead = CallRequest.objects.create(
                name=name, phone=phone, source=source, conversation_ref=conversation_id, status=CallRequestStatus.NEW
            )
    except IntegrityError:
        # A retry of the same conversation created it a moment ago.
        return CallRequest.objects.get(source=source, conversation_ref=conversation_id)
    audit_record(
        entity_type=AuditEntityType.CALL_REQUEST,
        entity_id=lead.pk,
        action=AuditAction.CALL_REQUEST_CREATED,
        actor=actor,
        new_value={"status": CallRequestStatus.NEW, "source": source},
    )
    return lead


def _confirm(lock: ConversationLock, lead: CallRequest, actor: Actor, metadata: dict) -> Turn:
    now = timezone.now()
    appointment = Appointment.objects.select_for_update().get(pk=lock.appointment_id)
    if appointment.status != AppointmentStatus.HELD or appointment.hold_expires_at < now:
        lock.delete()
        return Turn("expired")
    appointment.status = AppointmentStatus.CONFIRMED
    appointment.lock_level = 1
    appointment.locked_at = now
    appointment.lock_reason = "HOLD_CONFIRM"
    appointment.hold_expires_at = None
    appointment.row_version += 1
    try:
        with transaction.atomic():
            appointment.save()
    except IntegrityError:
        # The slot went to someone else; the caller gets a new offer, so this conversation lets the old one go.
        lock.delete()
        return Turn("conflict_confirm")
    lock.delete()
    lead.status = CallRequestStatus.SCHEDULED
    lead.preferred_time = appointment.starts_at
    lead.save(update_fields=["status", "preferred_time", "updated_at"])
    audit_record(
        entity_type=AuditEntityType.APPOINTMENT,
        entity_id=appointment.pk,
        action=AuditAction.APPOINTMENT_CONFIRMED,
        actor=actor,
        old_value={"status": AppointmentStatus.HELD},
        new_value={"status": AppointmentStatus.CONFIRMED},
        metadata={"reason": "HOLD_CONFIRM", **metadata},
    )
    return Turn("confirmed", appointment)


def _cancel(lock: ConversationLock, actor: Actor, metadata: dict) -> Turn:
    appointment = Appointment.objects.select_for_update().get(pk=lock.appointment_id)
    if appointment.status == AppointmentStatus.HELD:
        appointment.status = AppointmentStatus.CANCELLED
        appointment.cancel_reason = "HOLD_CANCELLED"
        appointment.cancelled_at = timezone.now()
        appointment.hold_expires_at = None
        appointment.row_version += 1
        appointment.save()
        audit_record(
            entity_type=AuditEntityType.APPOINTMENT,
            entity_id=appointment.pk,
            action=AuditAction.APPOINTMENT_CANCELLED,
            actor=actor,
            old_value={"status": AppointmentStatus.HELD},
            new_value={"status": AppointmentStatus.CANCELLED},
            metadata={"reason": "HOLD_CANCELLED", **metadata},
        )
    lock.delete()
    return Turn("cancelled")


def _offer(*, lead: CallRequest, channel: str, conversation_id: str, earliest_after: timedelta, actor: Actor) -> Turn:
    try:
        resource = schedule_resource_find()
    except ApiError:
        return Turn("not_configured")
    now = timezone.now()
    offered = frozenset(Appointment.objects.filter(call_request=lead).values_list("starts_at", flat=True))
    for _attempt in range(HOLD_ATTEMPTS):
        slot = slot_find(
            resource=resource,
            first_day=timezone.localdate(now),
            days=CONVERSATION_DAYS,
            start_times=CONVERSATION_START_TIMES,
            duration=VISIT_LENGTH,
            earliest=now + earliest_after,
            exclude_starts=offered,
        )
        if slot is None:
            return Turn("no_slots")
        try:
            appointment = appointment_hold(
                actor=actor,
                resource=resource,
                starts_at=slot[0],
                ends_at=slot[1],
                channel=channel,
                conversation_id=conversation_id,
                hold_minutes=settings.HOLD_DURATION_MINUTES,
                call_request=lead,
            )
        except ApiError:
            lock = ConversationLock.objects.filter(channel=channel, conversation_id=conversation_id).first()
            if lock is not None:
                return Turn("held", lock.appointment)
            offered = offered | {slot[0]}
            continue
        lead.preferred_time = appointment.starts_at
        lead.save(update_fields=["preferred_time", "updated_at"])
        return Turn("held", appointment)
    return Turn("conflict_hold")


def conversation_turn(
    *,
    source: str,
    channel: str,
    conversation_id: str,
    intent: str | None,
    name: str,
    phone: str,
    earliest_after: timedelta,
    actor: Actor,
    metadata: dict,
    reoffer: bool = False,
    max_reprompts: int | None = None,
) -> Turn:
    """``intent`` is ``confirm``, ``cancel`` or None (the channel decides how the words map to it). ``reoffer``
    (voice): a hold that can no longer be confirmed is followed by a new offer in the same answer;
    ``max_reprompts`` (voice): unanswered prompts after which the caller is told goodbye."""
    with transaction.atomic():
        lead = _lead(source=source, conversation_id=conversation_id, name=name, phone=phone, actor=actor)
        lock = (
            ConversationLock.objects.select_for_update()
            .select_related("appointment")
            .filter(channel=channel, conversation_id=conversation_id)
            .first()
        )
        notice = ""
        if lock is not None and lock.hold_expires_at < timezone.now():
            lock.delete()
            lock = None
            if intent == "confirm":
                if not reoffer:
                    return Turn("expired")
                notice = "expired"
        if lock is not None:
            if intent == "confirm":
                turn = _confirm(lock, lead, actor, metadata)
                if not reoffer or turn.status not in ("expired", "conflict_confirm"):
                    return turn
                notice = turn.status
            elif intent == "cancel":
                return _cancel(lock, actor, metadata)
            else:
                lock.prompt_count += 1
                lock.save(update_fields=["prompt_count"])
                if max_reprompts is not None and lock.prompt_count > max_reprompts:
                    return Turn("no_answer")
                return Turn("held", lock.appointment)
        if not flag("ENABLE_SCHEDULE_ENGINE"):
            return Turn("recorded")
        turn = _offer(
            lead=lead, channel=channel, conversation_id=conversation_id, earliest_after=earliest_after, actor=actor
        )
        return Turn(turn.status, turn.appointment, notice)
