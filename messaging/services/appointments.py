"""What can happen to a visit (messaging.md §8.2-§8.5, api.md §11.7-§11.9): created by the admin, held by a
conversation, confirmed, cancelled, expired.

Every booking locks its worker's user row first, so two bookings of one worker run one after the other and the overlap
check (data-model.md §4.4) sees the other's row on every database; on PostgreSQL the exclusion constraint
``no_overlap_per_resource`` is the final guarantee and its ``IntegrityError`` answers the same 409.
"""

from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils import timezone

from messaging.models import (
    Appointment,
    AppointmentStatus,
    CallRequest,
    CallRequestStatus,
    ConversationLock,
    VisitType,
)
from messaging.selectors import (
    APPOINTMENT_NOT_FOUND_TEXT,
    appointment_key,
    appointment_overlaps,
    call_request_key,
    schedule_resource_find,
)
from projects.models import Project, ProjectStatus
from projects.selectors import project_get
from projects.services import project_transition
from vejapro.core.actors import Actor
from vejapro.core.audit.actions import AuditAction
from vejapro.core.audit.services import audit_record
from vejapro.core.http.errors import ApiError, BadRequest, NotFound
from vejapro.core.models import AuditEntityType, User

SLOT_TAKEN_TEXT = "Laikas užimtas"
VISIT_EXISTS_TEXT = "Jau yra patvirtintas šio tipo vizitas"
END_BEFORE_START_TEXT = "Pabaiga turi būti vėlesnė nei pradžia"
HELD_ONLY_BY_HOLD_TEXT = "HELD vizitai kuriami tik per Hold API"
NOT_HELD_TEXT = "Vizitas nėra HELD būsenos"
HOLD_EXPIRED_TEXT = "Rezervacijos laikas pasibaigė"
CONVERSATION_LOCKED_TEXT = "Pokalbis jau turi rezervaciją"
CALL_REQUEST_NOT_FOUND_TEXT = "Užklausa nerasta"

LOCK_CONFIRMED = 1


def _call_request(call_request_id: Any) -> CallRequest:
    call_request = CallRequest.objects.filter(pk=call_request_key(call_request_id)).first()
    if call_request is None:
        raise NotFound(CALL_REQUEST_NOT_FOUND_TEXT)
    return call_request


def _resource_locked(resource: User) -> None:
    User.objects.select_for_update().filter(pk=resource.pk).first()


def _conflict_text(exc: IntegrityError) -> str | None:
    """The 409 of a database rule the service checked too (a race lost on PostgreSQL)."""
    if "no_overlap_per_resource" in str(exc):
        return SLOT_TAKEN_TEXT
    if "confirmed_visit" in str(exc):
        return VISIT_EXISTS_TEXT
    return None


def _saved(appointment: Appointment) -> Appointment:
    try:
        with transaction.atomic():
            appointment.save()
    except IntegrityError as exc:
        text = _conflict_text(exc)
        if text is None:
            raise
        raise ApiError(409, text) from None
    return appointment


def _insert(**fields) -> Appointment:
    return _saved(Appointment(**fields))


def _scheduled_for_sync(project_id) -> None:
    """``project.scheduled_for`` = the earliest CONFIRMED PRIMARY visit of the project, or null (messaging.md §8.2)."""
    if project_id is None:
        return
    earliest = Appointment.objects.filter(
        project_id=project_id, status=AppointmentStatus.CONFIRMED, visit_type=VisitType.PRIMARY
    ).aggregate(first=Min("starts_at"))["first"]
    Project.objects.filter(pk=project_id).update(scheduled_for=earliest)


def _lead_scheduled(call_request_id, actor: Actor) -> None:
    """A confirmed visit makes its lead SCHEDULED (messaging.md §8.1)."""
    if call_request_id is None:
        return
    lead = CallRequest.objects.select_for_update().get(pk=call_request_id)
    if lead.status == CallRequestStatus.SCHEDULED:
        return
    old = lead.status
    lead.status = CallRequestStatus.SCHEDULED
    lead.save(update_fields=["status", "updated_at"])
    audit_record(
        entity_type=AuditEntityType.CALL_REQUEST,
        entity_id=lead.pk,
        action=AuditAction.CALL_REQUEST_UPDATED,
        actor=actor,
        old_value={"status": old},
        new_value={"status": CallRequestStatus.SCHEDULED},
    )


def _audit(appointment: Appointment, action: AuditAction, actor: Actor, **values) -> None:
    audit_record(
        entity_type=AuditEntityType.APPOINTMENT,
        entity_id=appointment.pk,
        action=action,
        actor=actor,
        **values,
    )


def appointment_create(
    *,
    actor: Actor,
    starts_at: datetime,
    ends_at: datetime,
    project_id: Any = None,
    call_request_id: Any = None,
    resource: User | None = None,
    status: str = AppointmentStatus.CONFIRMED,
    visit_type: str = VisitType.PRIMARY,
    notes: str | None = None,
) -> Appointment:
    """A visit booked by the admin (api.md §11.7): CONFIRMED (the default) or CANCELLED, never HELD. ``resource`` is
    the checked worker; without one the caller's own user, then the configured or oldest worker."""
    project = project_get(project_id=project_id) if project_id is not None else None
    lead = _call_request(call_request_id) if call_request_id is not None else None
    if status == AppointmentStatus.HELD:
        raise BadRequest(HELD_ONLY_BY_HOLD_TEXT)
    if ends_at <= starts_at:
        raise BadRequest(END_BEFORE_START_TEXT)
    resource = resource or schedule_resource_find(caller=actor.user)
    now = timezone.now()
    confirmed = status == AppointmentStatus.CONFIRMED
    with transaction.atomic():
        _resource_locked(resource)
        if confirmed:
            if appointment_overlaps(resource_id=resource.pk, starts_at=starts_at, ends_at=ends_at):
                raise ApiError(409, SLOT_TAKEN_TEXT)
            same_type = Appointment.objects.filter(status=AppointmentStatus.CONFIRMED, visit_type=visit_type)
            if (project and same_type.filter(project=project).exists()) or (
                lead and same_type.filter(call_request=lead).exists()
            ):
                raise ApiError(409, VISIT_EXISTS_TEXT)
        lock = {"lock_level": LOCK_CONFIRMED, "locked_at": now, "locked_by": actor.user, "lock_reason": "ADMIN_CREATE"}
        cancel = {"cancelled_at": now, "cancelled_by": actor.user, "cancel_reason": "ADMIN_CANCEL"}
        appointment = _insert(
            project=project,
            call_request=lead,
            resource=resource,
            visit_type=visit_type,
            starts_at=starts_at,
            ends_at=ends_at,
            status=status,
            notes=notes or None,
            route_date=timezone.localdate(starts_at),
            **(lock if confirmed else cancel),
        )
        if confirmed:
            _lead_scheduled(appointment.call_request_id, actor)
        _scheduled_for_sync(appointment.project_id)
        _audit(
            appointment,
            AuditAction.APPOINTMENT_CREATED,
            actor,
            new_value={"status": status, "visit_type": visit_type, "starts_at": starts_at, "ends_at": ends_at},
            metadata={"resource_id": resource.pk},
        )
    return appointment


def appointment_hold(
    *,
    actor: Actor,
    resource: User,
    starts_at: datetime,
    ends_at: datetime,
    channel: str,
    conversation_id: str,
    hold_minutes: int,
    call_request: CallRequest | None = None,
    project: Project | None = None,
    visit_type: str = VisitType.PRIMARY,
) -> Appointment:
    """A HELD visit with the conversation's lock (messaging.md §8.4): 409 when the slot is taken or the conversation
    already holds one."""
    now = timezone.now()
    expires = now + timedelta(minutes=hold_minutes)
    with transaction.atomic():
        _resource_locked(resource)
        if appointment_overlaps(resource_id=resource.pk, starts_at=starts_at, ends_at=ends_at):
            raise ApiError(409, SLOT_TAKEN_TEXT)
        if ConversationLock.objects.filter(channel=channel, conversation_id=conversation_id).exists():
            raise ApiError(409, CONVERSATION_LOCKED_TEXT)
        appointment = _insert(
            project=project,
            call_request=call_request,
            resource=resource,
            visit_type=visit_type,
            starts_at=starts_at,
            ends_at=ends_at,
            status=AppointmentStatus.HELD,
            hold_expires_at=expires,
            route_date=timezone.localdate(starts_at),
        )
        ConversationLock.objects.create(
            channel=channel,
            conversation_id=conversation_id,
            appointment=appointment,
            visit_type=visit_type,
            hold_expires_at=expires,
        )
        _audit(
            appointment,
            AuditAction.APPOINTMENT_CREATED,
            actor,
            new_value={"status": AppointmentStatus.HELD, "visit_type": visit_type, "starts_at": starts_at},
            metadata={"channel": channel, "resource_id": resource.pk},
        )
    return appointment


def _locked(appointment_id: Any) -> Appointment:
    appointment = Appointment.objects.select_for_update().filter(pk=appointment_key(appointment_id)).first()
    if appointment is None:
        raise NotFound(APPOINTMENT_NOT_FOUND_TEXT)
    return appointment


def appointment_confirm_hold(*, appointment_id: Any, actor: Actor) -> Appointment:
    """The admin confirms a live hold (api.md §11.8)."""
    now = timezone.now()
    with transaction.atomic():
        appointment = _locked(appointment_id)
        if appointment.status != AppointmentStatus.HELD:
            raise ApiError(409, NOT_HELD_TEXT)
        if appointment.hold_expires_at < now:
            raise ApiError(409, HOLD_EXPIRED_TEXT)
        ConversationLock.objects.filter(appointment=appointment).delete()
        appointment.status = AppointmentStatus.CONFIRMED
        appointment.lock_level = LOCK_CONFIRMED
        appointment.locked_at = now
        appointment.locked_by = actor.user
        appointment.lock_reason = "ADMIN_CONFIRM_HOLD"
        appointment.hold_expires_at = None
        appointment.row_version += 1
        _saved(appointment)
        _lead_scheduled(appointment.call_request_id, actor)
        _scheduled_for_sync(appointment.project_id)
        _audit(
            appointment,
            AuditAction.APPOINTMENT_CONFIRMED,
            actor,
            old_value={"status": AppointmentStatus.HELD},
            new_value={"status": AppointmentStatus.CONFIRMED},
        )
    return appointment


def _cancel_fields(appointment: Appointment, *, now: datetime, reason: str, by: User | None) -> None:
    """Every cancellation sets these together (messaging.md §8.2; ``appointments_cancel_fields``)."""
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancelled_at = now
    appointment.cancelled_by = by
    appointment.cancel_reason = reason
    appointment.hold_expires_at = None
    appointment.row_version += 1


def appointment_update(*, appointment_id: Any, actor: Actor, changes: dict[str, Any]) -> tuple[Appointment, bool]:
    """PATCH of api.md §11.9: ``status`` may only become CANCELLED, ``notes`` may change; a repeat changes nothing."""
    with transaction.atomic():
        appointment = _locked(appointment_id)
        old: dict[str, Any] = {}
        new: dict[str, Any] = {}
        if "notes" in changes and (changes["notes"] or None) != appointment.notes:
            old["notes"], new["notes"] = appointment.notes, changes["notes"] or None
            appointment.notes = new["notes"]
        cancel = changes.get("status") == AppointmentStatus.CANCELLED
        if cancel and appointment.status != AppointmentStatus.CANCELLED:
            old["status"], new["status"] = appointment.status, AppointmentStatus.CANCELLED
            ConversationLock.objects.filter(appointment=appointment).delete()
            _cancel_fields(appointment, now=timezone.now(), reason="ADMIN_CANCEL", by=actor.user)
        if not new:
            return appointment, False
        appointment.save()
        _scheduled_for_sync(appointment.project_id)
        _audit(appointment, AuditAction.APPOINTMENT_UPDATED, actor, old_value=old, new_value=new)
    return appointment, True


def appointment_holds_expire(*, now: datetime | None = None) -> int:
    """Cancel every HELD visit whose hold has passed and delete the expired conversation locks (messaging.md §8.5).
    Routine: no audit rows. Returns the number of holds cancelled."""
    now = now or timezone.now()
    expired = 0
    with transaction.atomic():
        for appointment in Appointment.objects.select_for_update().filter(
            status=AppointmentStatus.HELD, hold_expires_at__lt=now
        ):
            _cancel_fields(appointment, now=now, reason="HOLD_EXPIRED", by=None)
            appointment.save()
            expired += 1
        ConversationLock.objects.filter(hold_expires_at__lt=now).delete()
    return expired


def appointment_schedule_project(
    *, project_id: Any, starts_at: datetime, ends_at: datetime, actor: Actor
) -> Appointment:
    """«Pažymėti suplanuotu» (ui.md §3.3): the confirmed PRIMARY visit of a PAID project and its move to SCHEDULED, in
    one transaction, so the project is never SCHEDULED without its visit («Suplanuota: …»)."""
    with transaction.atomic():
        appointment = appointment_create(
            actor=actor, project_id=project_id, starts_at=starts_at, ends_at=ends_at, visit_type=VisitType.PRIMARY
        )
        project_transition(
            project=appointment.project,
            new_status=ProjectStatus.SCHEDULED,
            actor=actor,
            metadata={"source": "admin"},
        )
    return appointment
