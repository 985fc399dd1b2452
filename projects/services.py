"""What can happen to a project. ``project_transition`` is the only code that writes ``Project.status``."""

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from projects.checklist import checklist_required_keys
from projects.client_keys import OWNERSHIP_KEYS, client_fields_from_info
from projects.models import EvidenceCategory, Project, ProjectStatus
from projects.selectors import PROJECT_NOT_FOUND_TEXT, project_check_access, project_get, project_key
from vejapro.core.actors import Actor
from vejapro.core.errors import ACCESS_DENIED_TEXT, ApiError, BadRequest, NotFound
from vejapro.core.models import ActorType, Role, User
from vejapro.core.selectors import user_get
from vejapro.core.services import audit_record, token_mint
from vejapro.core.settings_helpers import public_url, setting

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

MIN_CERTIFICATION_PHOTOS = 3


@dataclass(frozen=True)
class TransitionResult:
    project: Project
    changed: bool


def _guard(project: Project, new_status: str, metadata: dict[str, Any] | None) -> None:
    from messaging.selectors import client_confirmation_received
    from payments.selectors import payment_deposit_fact_exists, payment_final_fact_exists

    if new_status == ProjectStatus.PAID and not payment_deposit_fact_exists(project_id=project.pk):
        raise BadRequest("Deposit payment not recorded")
    if new_status == ProjectStatus.CERTIFIED:
        checklist = (metadata or {}).get("checklist")
        if not isinstance(checklist, dict) or not checklist:
            raise BadRequest("Reikalingas kontrolinis sąrašas")
        required = checklist_required_keys(has_robot=project.has_robot)
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
    with transaction.atomic():
        locked = _project_locked(project)
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


def _project_locked(project_id: Any) -> Project:
    """The project row locked for the rest of the caller's transaction, or 404 ``Projektas nerastas``."""
    locked = Project.objects.select_for_update().filter(pk=project_key(project_id)).first()
    if locked is None:
        raise NotFound(PROJECT_NOT_FOUND_TEXT)
    return locked


def project_lock(*, project_id: Any) -> Project:
    """Lock a project row inside the caller's ``transaction.atomic()`` (other apps' services use it)."""
    return _project_locked(project_id)


# ---------------------------------------------------------------------------------------------------------------
# Create (api.md §6.1)
# ---------------------------------------------------------------------------------------------------------------


def _client_info_for_creator(client_info: dict[str, Any], actor: Actor) -> dict[str, Any]:
    """The ownership rule: an ADMIN keeps ``client_info`` as sent; a signed-in CLIENT becomes the owner; anybody
    else (public form, contractor, expert, system) cannot name an owner."""
    info = dict(client_info)
    if actor.role == Role.ADMIN and actor.actor_id:
        return info
    for key in OWNERSHIP_KEYS:
        info.pop(key, None)
    if actor.role == Role.CLIENT and actor.actor_id:
        info["client_id"] = actor.actor_id
        if not info.get("email") and actor.email:
            info["email"] = actor.email
    return info


def project_create(
    *,
    client_info: dict[str, Any],
    actor: Actor,
    area_m2: Decimal | None = None,
    has_robot: bool = False,
    total_price_client: Decimal | None = None,
    source: str = "api",
    project_id: uuid.UUID | None = None,
) -> Project:
    """A new DRAFT project with derived ``client_user_id``/``client_key`` and the ``PROJECT_CREATED`` audit.

    ``source`` is ``api``, ``estimate``, ``admin`` or ``call_request``; ``project_id`` fixes the id (demo data)."""
    info = _client_info_for_creator(client_info, actor)
    with transaction.atomic():
        project = Project.objects.create(
            **({"id": project_id} if project_id else {}),
            **client_fields_from_info(info),
            area_m2=area_m2,
            has_robot=has_robot,
            total_price_client=total_price_client,
            status=ProjectStatus.DRAFT,
        )
        audit_record(
            entity_type="project",
            entity_id=project.pk,
            action="PROJECT_CREATED",
            actor=actor,
            new_value={"status": ProjectStatus.DRAFT},
            metadata={"source": source},
        )
    return project


# ---------------------------------------------------------------------------------------------------------------
# Assignment (workflow.md §6.3)
# ---------------------------------------------------------------------------------------------------------------

USER_NOT_FOUND_TEXT = "Vartotojas nerastas"


@dataclass(frozen=True)
class AssignmentResult:
    project: Project
    changed: bool


def _assignee(user_id: str, role: str) -> User:
    try:
        uuid.UUID(str(user_id))
    except (ValueError, TypeError, AttributeError):
        raise BadRequest("Invalid user_id") from None
    user = user_get(user_id=user_id)
    if user is None:
        raise NotFound(USER_NOT_FOUND_TEXT)
    if user.role != role:
        raise BadRequest(f"User role must be {role}")
    if not user.is_active:
        raise BadRequest("Vartotojas neaktyvus")
    return user


def _project_assign(*, project_id: Any, user_id: str, actor: Actor, role: str) -> AssignmentResult:
    if role == Role.SUBCONTRACTOR:
        field, action = "assigned_contractor", "ASSIGN_CONTRACTOR"
    else:
        field, action = "assigned_expert", "ASSIGN_EXPERT"
    column = f"{field}_id"
    with transaction.atomic():
        project = _project_locked(project_id)
        user = _assignee(user_id, role)
        previous = getattr(project, column)
        if previous == user.pk:
            return AssignmentResult(project=project, changed=False)
        setattr(project, field, user)
        project.save(update_fields=[field, "updated_at"])
        audit_record(
            entity_type="project",
            entity_id=project.pk,
            action=action,
            actor=actor,
            old_value={column: str(previous) if previous else None},
            new_value={column: str(user.pk)},
        )
    return AssignmentResult(project=project, changed=True)


def project_assign_contractor(*, project_id: Any, user_id: str, actor: Actor) -> AssignmentResult:
    """Assign an active SUBCONTRACTOR; the same user again is a no-op without audit."""
    return _project_assign(project_id=project_id, user_id=user_id, actor=actor, role=Role.SUBCONTRACTOR)


def project_assign_expert(*, project_id: Any, user_id: str, actor: Actor) -> AssignmentResult:
    """Assign an active EXPERT; the same user again is a no-op without audit."""
    return _project_assign(project_id=project_id, user_id=user_id, actor=actor, role=Role.EXPERT)


# ---------------------------------------------------------------------------------------------------------------
# Client token (api.md §5.4)
# ---------------------------------------------------------------------------------------------------------------

DEFAULT_CLIENT_TOKEN_TTL_HOURS = 168


@dataclass(frozen=True)
class ClientToken:
    token: str
    expires_at: int
    client_id: str
    portal_url: str
    email: str
    ttl_hours: int


def client_token_ttl_hours() -> int:
    ttl = int(setting("CLIENT_TOKEN_TTL_HOURS", DEFAULT_CLIENT_TOKEN_TTL_HOURS) or 0)
    return ttl if ttl > 0 else DEFAULT_CLIENT_TOKEN_TTL_HOURS


def project_client_token_issue(*, project_id: Any, actor: Actor) -> ClientToken:
    """A CLIENT token for the project's owner and the portal link; audit ``CLIENT_TOKEN_ISSUED``."""
    project = project_get(project_id=project_id)
    if not project.client_user_id:
        raise BadRequest("client_id missing in project.client_info")
    email = project.client_info.get("email") if isinstance(project.client_info, dict) else None
    email = email.strip() if isinstance(email, str) and email.strip() else "client@vejapro.local"
    ttl = client_token_ttl_hours()
    minted = token_mint(sub=project.client_user_id, email=email, role=Role.CLIENT, ttl_hours=ttl)
    with transaction.atomic():
        audit_record(
            entity_type="project",
            entity_id=project.pk,
            action="CLIENT_TOKEN_ISSUED",
            actor=actor,
            new_value={"client_id": project.client_user_id, "ttl_hours": ttl},
        )
    return ClientToken(
        token=minted.token,
        expires_at=minted.expires_at,
        client_id=project.client_user_id,
        portal_url=public_url(f"/client?token={minted.token}&project={project.pk}"),
        email=email,
        ttl_hours=ttl,
    )


# ---------------------------------------------------------------------------------------------------------------
# Generic transition entry point (workflow.md §6.1)
# ---------------------------------------------------------------------------------------------------------------

OVERRIDE_ACTOR_TYPES = frozenset(
    {
        ActorType.SYSTEM_STRIPE,
        ActorType.SYSTEM_TWILIO,
        ActorType.CLIENT,
        ActorType.SUBCONTRACTOR,
        ActorType.EXPERT,
        ActorType.ADMIN,
    }
)
TRANSITION_ROLES = frozenset({Role.ADMIN, Role.SUBCONTRACTOR, Role.EXPERT})


def project_transition_request(
    *, project_id: Any, new_status: str, actor: Actor, actor_override: str | None = None
) -> TransitionResult:
    """``POST /transition-status``: lookup 404 → access 403 → ``actor`` only from an ADMIN (403) and only one of the
    known actor types (400 ``Invalid actor``) → the engine, with metadata ``{"actor_override": true}`` when used."""
    project = project_get(project_id=project_id)
    project_check_access(project=project, actor=actor, roles=TRANSITION_ROLES)
    metadata = None
    override = (actor_override or "").strip().upper()
    if override:
        if actor.role != Role.ADMIN:
            raise ApiError(403, ACCESS_DENIED_TEXT)
        if override not in OVERRIDE_ACTOR_TYPES:
            raise BadRequest("Invalid actor")
        actor = actor.with_type(override)
        metadata = {"actor_override": True}
    return project_transition(project=project, new_status=new_status, actor=actor, metadata=metadata)
