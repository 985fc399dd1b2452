"""What can happen to a project, and to the price rules of its estimate. ``project_transition`` is the only code that
writes ``Project.status``."""

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone
from django.utils.translation import gettext

from messaging.facts import client_confirmation_received
from payments.facts import payment_deposit_fact_exists, payment_final_fact_exists
from projects.client_keys import (
    EDITABLE_CLIENT_KEYS,
    OWNERSHIP_KEYS,
    client_editable_value,
    client_email,
    client_fields_from_info,
    client_info_anonymized,
)
from projects.evidence.checklist import checklist_required_keys
from projects.evidence.files import evidence_files_remove_after_commit
from projects.models import ESTIMATE_METHODS_BY_SERVICE, EstimateRule, EvidenceCategory, Project, ProjectStatus
from projects.selectors import (
    ADDON_MOLE_NET,
    PROJECT_NOT_FOUND_TEXT,
    EstimatePrice,
    estimate_price,
    estimate_rules_active,
    project_check_access,
    project_get,
    project_key,
    project_open_estimate,
)
from vejapro.core.accounts.selectors import user_get
from vejapro.core.accounts.services import token_mint
from vejapro.core.actors import Actor
from vejapro.core.audit.actions import AuditAction
from vejapro.core.audit.services import audit_record
from vejapro.core.http.errors import (
    ACCESS_DENIED_TEXT,
    ApiError,
    BadRequest,
    Conflict,
    NotFound,
    RequestValidationError,
)
from vejapro.core.models import ActorType, AuditEntityType, Role, User
from vejapro.core.money import round_cents
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
            action=AuditAction.STATUS_CHANGE,
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
            action=AuditAction.PROJECT_CREATED,
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
        field, action = "assigned_contractor", AuditAction.ASSIGN_CONTRACTOR
    else:
        field, action = "assigned_expert", AuditAction.ASSIGN_EXPERT
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
    email = client_email(project.client_info) or "client@vejapro.local"
    ttl = client_token_ttl_hours()
    minted = token_mint(sub=project.client_user_id, email=email, role=Role.CLIENT, ttl_hours=ttl)
    with transaction.atomic():
        audit_record(
            entity_type="project",
            entity_id=project.pk,
            action=AuditAction.CLIENT_TOKEN_ISSUED,
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


# --- Edits of the back office's project screen: edit, final quote, delete (ui.md §3.3, workflow.md §12) ---

# The model fields the project screen edits next to ``EDITABLE_CLIENT_KEYS``.
MODEL_FIELDS = ("area_m2", "total_price_client", "internal_cost", "has_robot")


def _money(value) -> Decimal | None:
    if value is None or value == "":
        return None
    return round_cents(value)


def _locked(project: Project | uuid.UUID) -> Project:
    return project_lock(project_id=project.pk if isinstance(project, Project) else project)


def project_update(*, project: Project | uuid.UUID, actor: Actor, changes: dict[str, Any]) -> tuple[Project, bool]:
    """Save the editable fields of the project screen; audit ``PROJECT_UPDATED`` with the changed fields only.

    ``changes`` may hold the client keys ``name, email, phone, address, whatsapp_consent, title`` and the model
    fields ``area_m2, total_price_client, internal_cost, has_robot``. Returns ``(project, changed)``.
    """
    unknown = set(changes) - set(EDITABLE_CLIENT_KEYS) - set(MODEL_FIELDS)
    if unknown:
        raise BadRequest("Neredaguojami laukai: " + ", ".join(sorted(unknown)))
    with transaction.atomic():
        locked = _locked(project)
        info = dict(locked.client_info or {})
        old: dict[str, Any] = {}
        new: dict[str, Any] = {}
        for key in EDITABLE_CLIENT_KEYS:
            if key not in changes:
                continue
            value = changes[key]
            if key == "whatsapp_consent":
                value = bool(value)
            else:
                value = (str(value).strip() if value is not None else "") or None
            current = client_editable_value(info, key)
            if current == value:
                continue
            old[key], new[key] = current, value
            if value is None:
                info.pop(key, None)
            else:
                info[key] = value
        update_fields = []
        for key in MODEL_FIELDS:
            if key not in changes:
                continue
            value = bool(changes[key]) if key == "has_robot" else _money(changes[key])
            if value is not None and not isinstance(value, bool) and value < 0:
                raise BadRequest("Sumos ir plotas negali būti neigiami")
            if getattr(locked, key) == value:
                continue
            old[key], new[key] = getattr(locked, key), value
            setattr(locked, key, value)
            update_fields.append(key)
        if not new:
            return locked, False
        if set(new) & set(EDITABLE_CLIENT_KEYS):
            for name, value in client_fields_from_info(info).items():
                setattr(locked, name, value)
            update_fields += ["client_info", "client_user_id", "client_key"]
        locked.save(update_fields=[*update_fields, "updated_at"])
        audit_record(
            entity_type="project",
            entity_id=locked.pk,
            action=AuditAction.PROJECT_UPDATED,
            actor=actor,
            old_value=old,
            new_value=new,
        )
    return locked, True


def project_final_quote_set(
    *,
    project: Project | uuid.UUID,
    actor: Actor,
    service: str,
    method: str,
    area_m2: Decimal,
    total_price: Decimal,
    notes: str = "",
) -> Project:
    """«Galutinė kaina»: the price after the site visit of an estimated DRAFT project (audit ``FINAL_QUOTE_SET``)."""
    if method not in ESTIMATE_METHODS_BY_SERVICE.get(service, ()):
        raise BadRequest("Pasirinkite paslaugą ir metodą.")
    area = _money(area_m2)
    price = _money(total_price)
    if area is None or area <= 0:
        raise BadRequest("Įveskite plotą (> 0).")
    if price is None or price <= 0:
        raise BadRequest("Įveskite galutinę kainą (> 0).")
    with transaction.atomic():
        locked = _locked(project)
        if locked.status != ProjectStatus.DRAFT:
            raise BadRequest("Galutinė kaina nustatoma tik DRAFT projektams")
        old = {"total_price_client": locked.total_price_client, "area_m2": locked.area_m2}
        info = dict(locked.client_info or {})
        info["quote_pending"] = False
        info["final_quote"] = {"service": service, "method": method, "notes": (notes or "").strip()}
        locked.client_info = info
        locked.area_m2 = area
        locked.total_price_client = price
        locked.save(update_fields=["client_info", "area_m2", "total_price_client", "updated_at"])
        audit_record(
            entity_type="project",
            entity_id=locked.pk,
            action=AuditAction.FINAL_QUOTE_SET,
            actor=actor,
            old_value=old,
            new_value={"total_price_client": price, "area_m2": area, "service": service, "method": method},
        )
    return locked


def project_delete(*, project: Project | uuid.UUID, actor: Actor) -> None:
    """Delete a spam or test DRAFT: only without payments or confirmations (any other row that protects it refuses
    the delete as well)."""
    with transaction.atomic():
        locked = _locked(project)
        if locked.status != ProjectStatus.DRAFT:
            raise BadRequest("Ištrinti galima tik DRAFT projektą")
        if locked.payments.exists() or locked.confirmations.exists():
            raise Conflict("Projektas turi mokėjimų ar patvirtinimų, jo ištrinti negalima")
        project_id = locked.pk
        evidence_files_remove_after_commit(project_id=project_id)
        audit_record(
            entity_type="project",
            entity_id=project_id,
            action=AuditAction.PROJECT_DELETED,
            actor=actor,
            old_value={"status": locked.status},
        )
        try:
            with transaction.atomic():
                locked.delete()
        except ProtectedError as exc:
            raise Conflict("Projektas turi susietų įrašų, jo ištrinti negalima") from exc


# --- Erasure of a client's personal data (security-ops.md §9: on request and by the retention purge) ---


def project_anonymize(*, project_id: uuid.UUID, actor: Actor, reason: str) -> list[str]:
    """Erase a project's client PII (security-ops.md §9): ``client_info`` PII keys removed, name «Anonimizuota»,
    marketing consent revoked and photos unpublished; payments, ledger and photos stay. ``reason`` is
    ``"retention"`` or ``"request"``. Writes ``PROJECT_ANONYMIZED`` and returns the removed keys; a project with
    nothing left to erase is not touched (no audit row) and gives ``[]``."""
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project_id)
        client_info, removed = client_info_anonymized(project.client_info)
        published = project.evidences.filter(Q(show_on_web=True) | Q(is_featured=True))
        if not removed and not project.marketing_consent and not published.exists():
            return []
        fields = client_fields_from_info(client_info)
        for name, value in fields.items():
            setattr(project, name, value)
        project.marketing_consent = False
        project.marketing_consent_at = None
        project.save(update_fields=[*fields, "marketing_consent", "marketing_consent_at", "updated_at"])
        published.update(show_on_web=False, is_featured=False)
        audit_record(
            entity_type="project",
            entity_id=project.pk,
            action=AuditAction.PROJECT_ANONYMIZED,
            actor=actor,
            new_value={"anonymized_keys": removed},
            metadata={"reason": reason},
        )
    return removed


# --- «Kainų taisyklės»: the price rules of the estimate wizard (data-model.md §2.4, ui.md §3.12) ----------------

ESTIMATE_RULE_FIELDS = ("service", "method", "label", "price_per_m2", "minimum_price", "is_active")


def _estimate_rule_error(field: str, message: str) -> dict:
    return {"loc": ["body", field], "msg": message, "type": "value_error"}


def estimate_rule_validate(
    *, service: str | None, method: str | None, price_per_m2: Decimal | None, minimum_price: Decimal | None
) -> None:
    """The rules of a price rule beyond its field types: the method belongs to the service and no price is negative.
    Raises ``RequestValidationError`` naming each wrong field, so a form can show the message on it."""
    errors = []
    if service and method and method not in ESTIMATE_METHODS_BY_SERVICE.get(service, ()):
        errors.append(_estimate_rule_error("method", gettext("This method does not belong to the chosen service.")))
    for name, value in (("price_per_m2", price_per_m2), ("minimum_price", minimum_price)):
        if value is not None and value < 0:
            errors.append(_estimate_rule_error(name, gettext("The price cannot be negative.")))
    if errors:
        raise RequestValidationError(errors)


def _estimate_rule_check_unique(*, service: str, method: str, exclude_id: uuid.UUID | None = None) -> None:
    # The unique constraint would otherwise surface as an IntegrityError instead of a message on the field.
    if EstimateRule.objects.filter(service=service, method=method).exclude(pk=exclude_id).exists():
        raise RequestValidationError(
            [_estimate_rule_error("method", gettext("A price rule for this service and method already exists."))]
        )


def _estimate_rule_values(rule: EstimateRule) -> dict[str, Any]:
    return {name: getattr(rule, name) for name in ESTIMATE_RULE_FIELDS}


def estimate_rule_create(
    *,
    actor: Actor,
    service: str,
    method: str,
    label: str,
    price_per_m2: Decimal,
    minimum_price: Decimal = Decimal("0"),
    is_active: bool = True,
) -> EstimateRule:
    """A new price rule with the ``ESTIMATE_RULE_CREATED`` audit (entity ``system``: the audit entity types have no
    price rule, and adding one is a schema change)."""
    estimate_rule_validate(service=service, method=method, price_per_m2=price_per_m2, minimum_price=minimum_price)
    with transaction.atomic():
        _estimate_rule_check_unique(service=service, method=method)
        rule = EstimateRule.objects.create(
            service=service,
            method=method,
            label=label,
            price_per_m2=round_cents(price_per_m2),
            minimum_price=round_cents(minimum_price),
            is_active=is_active,
        )
        audit_record(
            entity_type=AuditEntityType.SYSTEM,
            entity_id=rule.pk,
            action=AuditAction.ESTIMATE_RULE_CREATED,
            actor=actor,
            new_value=_estimate_rule_values(rule),
        )
    return rule


def estimate_rule_update(
    *, rule: EstimateRule | uuid.UUID, actor: Actor, changes: dict[str, Any]
) -> tuple[EstimateRule, bool]:
    """Save the changed fields of a price rule; audit ``ESTIMATE_RULE_UPDATED`` with the changed fields only.

    ``changes`` may hold any of ``ESTIMATE_RULE_FIELDS``. Returns ``(rule, changed)``."""
    unknown = set(changes) - set(ESTIMATE_RULE_FIELDS)
    if unknown:
        raise BadRequest("Neredaguojami laukai: " + ", ".join(sorted(unknown)))
    with transaction.atomic():
        rule_id = rule.pk if isinstance(rule, EstimateRule) else rule
        locked = EstimateRule.objects.select_for_update().filter(pk=rule_id).first()
        if locked is None:
            raise NotFound()
        wanted = {**_estimate_rule_values(locked), **changes}
        for name in ("price_per_m2", "minimum_price"):
            wanted[name] = round_cents(wanted[name])
        estimate_rule_validate(
            service=wanted["service"],
            method=wanted["method"],
            price_per_m2=wanted["price_per_m2"],
            minimum_price=wanted["minimum_price"],
        )
        old = {name: getattr(locked, name) for name in ESTIMATE_RULE_FIELDS if getattr(locked, name) != wanted[name]}
        if not old:
            return locked, False
        if {"service", "method"} & set(old):
            _estimate_rule_check_unique(service=wanted["service"], method=wanted["method"], exclude_id=locked.pk)
        new = {name: wanted[name] for name in old}
        for name, value in new.items():
            setattr(locked, name, value)
        locked.save(update_fields=[*new, "updated_at"])
        audit_record(
            entity_type=AuditEntityType.SYSTEM,
            entity_id=locked.pk,
            action=AuditAction.ESTIMATE_RULE_UPDATED,
            actor=actor,
            old_value=old,
            new_value=new,
        )
    return locked, True


# ---------------------------------------------------------------------------------------------------------------
# The client estimate wizard (ui.md §4.4)
# ---------------------------------------------------------------------------------------------------------------

OPEN_ESTIMATE_TEXT = "Jūs jau turite pateiktą užklausą."
RULES_CHANGED_TEXT = "Kainų taisyklės pasikeitė"


@dataclass(frozen=True)
class EstimateRequest:
    service: str
    method: str
    area_m2: Decimal
    address: str
    distance_km: Decimal
    phone: str
    notes: str
    addons: list[str]
    preferred_slot: str
    rules_version: str


class EstimateRulesChanged(Exception):
    """The rules changed since the price was shown: the wizard shows the new price to submit again."""

    def __init__(self, price: EstimatePrice) -> None:
        super().__init__(RULES_CHANGED_TEXT)
        self.price = price


def project_create_from_estimate(*, request: EstimateRequest, actor: Actor) -> Project:
    """A DRAFT project from the wizard, priced again on the server from the active rules: ``PROJECT_CREATED``
    (source ``estimate``) and ``ESTIMATE_SUBMITTED`` in one transaction. One open estimate per client."""
    rules = estimate_rules_active()
    price = estimate_price(
        rules=rules,
        service=request.service,
        method=request.method,
        area_m2=request.area_m2,
        distance_km=request.distance_km,
        mole_net=ADDON_MOLE_NET in request.addons,
    )
    if price is None:
        raise BadRequest("Pasirinkite metodą.")
    if price.rules_version != request.rules_version:
        raise EstimateRulesChanged(price)
    breakdown = [
        {"label": "Bazinė kaina", "amount": float(price.base)},
        {"label": "Transportas", "amount": float(price.transport)},
    ]
    if price.mole_net is not None:
        breakdown.append({"label": "Kurmių tinklas", "amount": float(price.mole_net)})
    estimate = {
        "service": request.service,
        "method": request.method,
        "service_label": str(price.rule.get_service_display()),
        "method_label": price.rule.label,
        "area_m2": float(request.area_m2),
        "address": request.address,
        "distance_km": float(request.distance_km),
        "phone": request.phone,
        "addons": request.addons,
        "preferred_slot": request.preferred_slot,
        "notes": request.notes,
        "breakdown": breakdown,
        "total": float(price.total),
        "rules_version": price.rules_version,
        "submitted_at": timezone.now().isoformat(),
    }
    client_info = {
        "name": (actor.user.full_name if actor.user else "") or "",
        "email": actor.email or "",
        "phone": request.phone,
        "address": request.address,
        "estimate": estimate,
        "quote_pending": True,
    }
    with transaction.atomic():
        # The lock on the client's row keeps two submissions from both passing the one-open-estimate check.
        User.objects.select_for_update().filter(pk=actor.actor_id).first()
        if project_open_estimate(user_id=actor.actor_id) is not None:
            raise Conflict(OPEN_ESTIMATE_TEXT)
        project = project_create(
            client_info=client_info,
            actor=actor,
            area_m2=request.area_m2,
            total_price_client=price.total,
            source="estimate",
        )
        audit_record(
            entity_type="project",
            entity_id=project.pk,
            action=AuditAction.ESTIMATE_SUBMITTED,
            actor=actor,
            new_value={
                "service": request.service,
                "method": request.method,
                "area_m2": float(request.area_m2),
                "total": float(price.total),
            },
            metadata={"rules_version": price.rules_version},
        )
    return project


DRAFT_NOT_EDITABLE_TEXT = "Užklausos duomenis galima keisti tik kol laukiama įvertinimo"


def project_draft_update(
    *, project: Project | uuid.UUID, actor: Actor, phone: str, address: str, area_m2: Decimal, notes: str
) -> tuple[Project, bool]:
    """«Redaguoti užklausos duomenis»: the client's own DRAFT while its quote is pending (ui.md §4.7.3). The price is
    computed again from the active rules when the area changes; audit ``DRAFT_UPDATED`` only when something changed.
    Returns ``(project, price_changed)``."""
    with transaction.atomic():
        locked = _locked(project)
        info = dict(locked.client_info or {})
        if locked.status != ProjectStatus.DRAFT or not info.get("quote_pending"):
            raise Conflict(DRAFT_NOT_EDITABLE_TEXT)
        estimate = dict(info.get("estimate") or {})
        wanted = {"phone": phone.strip(), "address": address.strip(), "notes": notes.strip()}
        changed = [key for key in ("phone", "address") if (info.get(key) or "") != wanted[key]]
        if (estimate.get("notes") or "") != wanted["notes"]:
            changed.append("notes")
        if locked.area_m2 != area_m2:
            changed.append("area_m2")
        if not changed:
            return locked, False
        old = {"area_m2": locked.area_m2, "total_price_client": locked.total_price_client}
        total = locked.total_price_client
        if "area_m2" in changed:
            rules = estimate_rules_active()
            price = estimate_price(
                rules=rules,
                service=estimate.get("service", ""),
                method=estimate.get("method", ""),
                area_m2=area_m2,
                distance_km=Decimal(str(estimate.get("distance_km") or 0)),
                mole_net=ADDON_MOLE_NET in (estimate.get("addons") or []),
            )
            if price is not None:
                total = price.total
                estimate.update(total=float(price.total), rules_version=price.rules_version, area_m2=float(area_m2))
        info.update(phone=wanted["phone"], address=wanted["address"])
        estimate.update(phone=wanted["phone"], address=wanted["address"], notes=wanted["notes"])
        info["estimate"] = estimate
        locked.client_info = info
        locked.area_m2 = area_m2
        locked.total_price_client = total
        locked.save(update_fields=["client_info", "area_m2", "total_price_client", "updated_at"])
        audit_record(
            entity_type="project",
            entity_id=locked.pk,
            action=AuditAction.DRAFT_UPDATED,
            actor=actor,
            old_value=old,
            new_value={"area_m2": area_m2, "total_price_client": total},
            metadata={"fields": changed},
        )
    return locked, total != old["total_price_client"]
