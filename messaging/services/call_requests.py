"""What can happen to a lead (messaging.md §8.1, api.md §11.1-§11.4): created from any channel, edited by the admin,
converted into a project once, deleted while no visit points at it, anonymised by the retention purge."""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError

from messaging.models import CallRequest, CallRequestSource, CallRequestStatus, ProcessedInboundEmail
from messaging.selectors import call_request_key
from projects.client_keys import ANONYMIZED_NAME
from projects.models import Project
from projects.services import project_create
from vejapro.core.actors import Actor
from vejapro.core.audit.actions import AuditAction
from vejapro.core.audit.services import audit_record
from vejapro.core.http.errors import ApiError, NotFound
from vejapro.core.models import AuditEntityType

CALL_REQUEST_NOT_FOUND_TEXT = "Užklausa nerasta"
HAS_VISITS_TEXT = "Užklausa turi susietų vizitų"
ALREADY_CONVERTED_TEXT = "Užklausa jau konvertuota"

# The fields an admin may change (api.md §11.3); the rest belongs to the channels and the intake card.
EDITABLE_FIELDS = ("status", "preferred_time", "notes", "name", "phone", "email")


def _locked(call_request_id: Any) -> CallRequest:
    call_request = CallRequest.objects.select_for_update().filter(pk=call_request_key(call_request_id)).first()
    if call_request is None:
        raise NotFound(CALL_REQUEST_NOT_FOUND_TEXT)
    return call_request


def call_request_create(
    *,
    name: str,
    phone: str,
    actor: Actor,
    email: str | None = None,
    preferred_time: datetime | None = None,
    notes: str | None = None,
    source: str = CallRequestSource.PUBLIC,
) -> CallRequest:
    """A NEW lead and its ``CALL_REQUEST_CREATED`` audit row. The caller has validated the fields (the public API's
    serializer, the admin form); the landing form folds city and service into ``notes``."""
    with transaction.atomic():
        call_request = CallRequest.objects.create(
            name=name,
            phone=phone,
            email=email or None,
            preferred_time=preferred_time,
            notes=notes or None,
            source=source,
            status=CallRequestStatus.NEW,
        )
        audit_record(
            entity_type=AuditEntityType.CALL_REQUEST,
            entity_id=call_request.pk,
            action=AuditAction.CALL_REQUEST_CREATED,
            actor=actor,
            new_value={"status": CallRequestStatus.NEW, "source": source},
        )
    return call_request


def call_request_update(*, call_request_id: Any, actor: Actor, changes: dict[str, Any]) -> tuple[CallRequest, bool]:
    """Apply the sent fields of ``changes`` (any status may move to any other). Returns the lead and whether anything
    changed: a repeat of the same edit writes nothing and no audit row."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        call_request = _locked(call_request_id)
        normalized = {
            field: (value or None) if field in ("email", "notes") else value for field, value in changes.items()
        }
        changed = {field: value for field, value in normalized.items() if getattr(call_request, field) != value}
        if not changed:
            return call_request, False
        old = {field: getattr(call_request, field) for field in changed}
        for field, value in changed.items():
            setattr(call_request, field, value)
        call_request.save(update_fields=[*changed, "updated_at"])
        audit_record(
            entity_type=AuditEntityType.CALL_REQUEST,
            entity_id=call_request.pk,
            action=AuditAction.CALL_REQUEST_UPDATED,
            actor=actor,
            old_value=old,
            new_value=changed,
        )
    return call_request, True


def call_request_delete(*, call_request_id: Any, actor: Actor) -> None:
    """Hard delete; a lead with visits answers 409 (the visits keep it by ``PROTECT``: close it instead)."""
    with transaction.atomic():
        call_request = _locked(call_request_id)
        snapshot = {"status": call_request.status, "source": call_request.source}
        pk = call_request.pk
        try:
            call_request.delete()
        except ProtectedError:
            raise ApiError(409, HAS_VISITS_TEXT) from None
        audit_record(
            entity_type=AuditEntityType.CALL_REQUEST,
            entity_id=pk,
            action=AuditAction.CALL_REQUEST_DELETED,
            actor=actor,
            old_value=snapshot,
        )


def _questionnaire_value(call_request: CallRequest, key: str) -> str | None:
    questionnaire = (call_request.intake_state or {}).get("questionnaire")
    entry = questionnaire.get(key) if isinstance(questionnaire, dict) else None
    value = entry.get("value") if isinstance(entry, dict) else entry
    return str(value).strip() or None if value else None


def call_request_convert(*, call_request_id: Any, actor: Actor) -> Project:
    """«Sukurti projektą»: a DRAFT project from the lead's contact and questionnaire (``PROJECT_CREATED`` with source
    ``call_request``), linked from the lead (``CALL_REQUEST_UPDATED``). A lead converts once: 409 afterwards."""
    with transaction.atomic():
        call_request = _locked(call_request_id)
        if call_request.converted_project_id is not None:
            raise ApiError(409, ALREADY_CONVERTED_TEXT)
        client_info = {
            "name": call_request.name,
            "email": call_request.email or _questionnaire_value(call_request, "email"),
            "phone": call_request.phone if call_request.phone not in ("", "unknown") else None,
            "address": _questionnaire_value(call_request, "address"),
        }
        project = project_create(
            client_info={key: value for key, value in client_info.items() if value},
            actor=actor,
            source="call_request",
        )
        call_request.converted_project = project
        call_request.save(update_fields=["converted_project", "updated_at"])
        audit_record(
            entity_type=AuditEntityType.CALL_REQUEST,
            entity_id=call_request.pk,
            action=AuditAction.CALL_REQUEST_UPDATED,
            actor=actor,
            old_value={"converted_project_id": None},
            new_value={"converted_project_id": project.pk},
        )
    return project


def call_request_anonymize(*, call_request: CallRequest, now: datetime) -> None:
    """Erase a lead's contact data (security-ops.md §9), keeping only its intake phase; its processed inbound e-mail
    records go too. Runs inside the retention purge's transaction, which writes the one audit row of the purge."""
    intake_state = call_request.intake_state if isinstance(call_request.intake_state, dict) else {}
    workflow = intake_state.get("workflow") if isinstance(intake_state.get("workflow"), dict) else {}
    call_request.name = ANONYMIZED_NAME
    call_request.phone = ""
    call_request.email = None
    call_request.notes = None
    call_request.intake_state = {"workflow": {"phase": workflow.get("phase")}}
    call_request.anonymized_at = now
    call_request.save(update_fields=["name", "phone", "email", "notes", "intake_state", "anonymized_at", "updated_at"])
    ProcessedInboundEmail.objects.filter(call_request=call_request).delete()
