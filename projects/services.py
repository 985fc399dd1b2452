"""What can happen to a project. ``project_transition`` is the only code that writes ``Project.status``."""

import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from projects.models import EvidenceCategory, Project, ProjectStatus
from vejapro.core.actors import Actor
from vejapro.core.errors import ACCESS_DENIED_TEXT, ApiError, BadRequest
from vejapro.core.models import ActorType
from vejapro.core.services import audit_record

ALLOWED_TRANSITIONS: dict[str, str] = {
    ProjectStatus.DRAFT: ProjectStatus.PAID,
    ProjectStatus.PAID: ProjectStatus.SCHEDULED,
    ProjectStatus.SCHEDULED: ProjectStatus.PENDING_EXPERT,
    ProjectStatus.PENDING_EXPERT: ProjectStatus.CERTIFIED,
    ProjectStatus.CERTIFIED: ProjectStatus.ACTIVE,
}

ALLOWED_ACTORS: dict[str, frozenset[str]] = {
    ProjectStatus.PAID: frozenset({ActorType.SYSTEM_STRIPE, ActorType.SUBCONTRACTOR, ActorType.ADMIN}),
    ProjectStatus.SCHEDULED: frozenset({ActorType.SUBCONTRACTOR, ActorType.ADMIN}),
    ProjectStatus.PENDING_EXPERT: frozenset({ActorType.SUBCONTRACTOR, ActorType.ADMIN}),
    ProjectStatus.CERTIFIED: frozenset({ActorType.EXPERT, ActorType.ADMIN}),
    ProjectStatus.ACTIVE: frozenset({ActorType.SYSTEM_TWILIO, ActorType.SYSTEM_EMAIL, ActorType.ADMIN}),
}

# The certification checklist (workflow.md §9.1); items 4-5 only for projects with a robot mower.
CHECKLIST_KEYS_BASE = ("ground", "seed", "edges", "cleanliness")
CHECKLIST_KEYS_ROBOT = ("robot", "perimeter")
MIN_CERTIFICATION_PHOTOS = 3


@dataclass(frozen=True)
class TransitionResult:
    project: Project
    changed: bool


def required_checklist_keys(*, has_robot: bool) -> tuple[str, ...]:
    return CHECKLIST_KEYS_BASE + (CHECKLIST_KEYS_ROBOT if has_robot else ())


def _guard(project: Project, new_status: str, metadata: dict[str, Any] | None) -> None:
    from messaging.selectors import client_confirmation_received
    from payments.selectors import payment_deposit_fact_exists, payment_final_fact_exists

    if new_status == ProjectStatus.PAID and not payment_deposit_fact_exists(project_id=project.pk):
        raise BadRequest("Deposit payment not recorded")
    if new_status == ProjectStatus.CERTIFIED:
        checklist = (metadata or {}).get("checklist")
        if not isinstance(checklist, dict) or not checklist:
            raise BadRequest("Reikalingas kontrolinis sąrašas")
        required = required_checklist_keys(has_robot=project.has_robot)
        if any(key not in checklist for key in required) or any(value is not True for value in checklist.values()):
            raise BadRequest("Visi kontrolinio sąrašo punktai turi būti patvirtinti")
        photos = project.evidences.filter(category=EvidenceCategory.EXPERT_CERTIFICATION).count()
        if photos < MIN_CERTIFICATION_PHOTOS:
            raise BadRequest("Reikia bent 3 sertifikavimo nuotraukų")
    if new_status == ProjectStatus.ACTIVE:
        if not payment_final_fact_exists(project_id=project.pk):
            raise BadRequest("Final payment not recorded")
        if not client_confirmation_received(project_id=project.pk):
            raise BadRequest("Client confirmation not received")


def project_transition(
    *,
    project: Project | uuid.UUID,
    new_status: str,
    actor: Actor,
    metadata: dict[str, Any] | None = None,
) -> TransitionResult:
    """Move a project one step forward (workflow.md §4): lock, no-op, matrix, actor, guards, write, audit."""
    project_id = project.pk if isinstance(project, Project) else project
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project_id)
        current = locked.status
        if new_status == current:
            return TransitionResult(project=locked, changed=False)
        if ALLOWED_TRANSITIONS.get(current) != new_status:
            raise BadRequest(f"Negalimas perejimas: {current} -> {new_status}")
        if actor.actor_type not in ALLOWED_ACTORS[new_status]:
            raise ApiError(403, ACCESS_DENIED_TEXT)
        _guard(locked, new_status, metadata)

        now = timezone.now()
        changes: dict[str, Any] = {"status": new_status, "status_changed_at": now, "updated_at": now}
        if new_status == ProjectStatus.CERTIFIED:
            changes.update(is_certified=True, certified_at=now)
        updated = Project.objects.filter(pk=locked.pk, status=current).update(**changes)
        if updated != 1:
            raise ApiError(409, "Projekto būsena ką tik pasikeitė")
        audit_record(
            entity_type="project",
            entity_id=locked.pk,
            action="STATUS_CHANGE",
            actor=actor,
            old_value={"status": current},
            new_value={"status": new_status},
            metadata=metadata,
        )
        locked.refresh_from_db()
    return TransitionResult(project=locked, changed=True)
