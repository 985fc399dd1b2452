"""Project reads: lookup and the access rule, keyset lists, the detail view and the admin work-queue read models."""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import Any

from django.conf import settings
from django.db.models import Case, Q, QuerySet, Value, When
from django.utils import timezone

from messaging.facts import (
    client_confirmation_received_expression,
    client_confirmation_received_project_ids,
    outbox_failed_for_project_expression,
    outbox_failed_project_ids,
)
from payments.facts import (
    payment_deposit_fact_expression,
    payment_deposit_fact_project_ids,
    payment_final_fact_expression,
    payment_final_fact_project_ids,
)
from projects.client_keys import client_contact_masked, client_info_anonymized, customer_key
from projects.models import EstimateRule, Evidence, Project, ProjectStatus
from vejapro.core.actors import Actor
from vejapro.core.audit.actions import AuditAction
from vejapro.core.http.errors import ACCESS_DENIED_TEXT, ApiError, BadRequest, NotFound
from vejapro.core.http.pagination import cursor_datetime, decode_cursor, decode_time_id_cursor, encode_cursor, page
from vejapro.core.models import AuditLog, Role
from vejapro.core.money import round_cents
from vejapro.core.timestamps import utc_iso

PROJECT_NOT_FOUND_TEXT = "Projektas nerastas"
ALL_ROLES = frozenset(Role.values)
DETAIL_AUDIT_LIMIT = 500


def _as_uuid(value: Any) -> uuid.UUID | None:
    """A project id from a UUID, its text, or a ``Project`` (services accept all three); None when malformed."""
    if isinstance(value, Project):
        return value.pk
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        return None


# ---------------------------------------------------------------------------------------------------------------
# Lookup and access (workflow.md §3.3)
# ---------------------------------------------------------------------------------------------------------------


def project_key(project_id: Any) -> uuid.UUID:
    """The project's UUID or 404 ``Projektas nerastas``."""
    key = _as_uuid(project_id)
    if key is None:
        raise NotFound(PROJECT_NOT_FOUND_TEXT)
    return key


def project_get(*, project_id: Any) -> Project:
    """The project or 404 ``Projektas nerastas`` (also for an id that is not a UUID)."""
    key = _as_uuid(project_id)
    project = Project.objects.filter(pk=key).first() if key else None
    if project is None:
        raise NotFound(PROJECT_NOT_FOUND_TEXT)
    return project


def project_can_access(*, project: Project, actor: Actor, roles: frozenset[str] | set[str] = ALL_ROLES) -> bool:
    """Admin always; the owning client; the assigned contractor; the assigned expert — when the endpoint allows
    that role. Subjects are compared as opaque strings."""
    role, sub = actor.role, actor.actor_id
    if role not in roles:
        return False
    if role == Role.ADMIN:
        return True
    if not sub:
        return False
    if role == Role.CLIENT:
        return project.client_user_id == sub
    if role == Role.SUBCONTRACTOR:
        return project.assigned_contractor_id is not None and str(project.assigned_contractor_id) == sub
    if role == Role.EXPERT:
        return project.assigned_expert_id is not None and str(project.assigned_expert_id) == sub
    return False


def project_check_access(*, project: Project, actor: Actor, roles: frozenset[str] | set[str] = ALL_ROLES) -> None:
    if not project_can_access(project=project, actor=actor, roles=roles):
        raise ApiError(403, ACCESS_DENIED_TEXT)


def project_get_for_actor(*, project_id: Any, actor: Actor, roles: frozenset[str] | set[str] = ALL_ROLES) -> Project:
    """Lookup (404) before access (403 ``Prieiga uždrausta``), as every project-scoped endpoint does."""
    project = project_get(project_id=project_id)
    project_check_access(project=project, actor=actor, roles=roles)
    return project


def project_ids_assigned_to(*, actor: Actor) -> QuerySet:
    """The ids of the projects an expert or a contractor is assigned to, as a subquery; none for anybody else."""
    field = {Role.SUBCONTRACTOR: "assigned_contractor_id", Role.EXPERT: "assigned_expert_id"}.get(actor.role)
    key = _as_uuid(actor.actor_id)
    if field is None or key is None:
        return Project.objects.none().values("pk")
    return Project.objects.filter(**{field: key}).values("pk")


# ---------------------------------------------------------------------------------------------------------------
# Keyset lists (api.md §6.3-§6.5)
# ---------------------------------------------------------------------------------------------------------------


def _after_time_id_cursor(queryset: QuerySet, cursor: str | None, field: str) -> QuerySet:
    if cursor:
        moment, key = decode_time_id_cursor(cursor)
        queryset = queryset.filter(Q(**{f"{field}__lt": moment}) | Q(**{field: moment, "id__lt": key}))
    return queryset.order_by(f"-{field}", "-id")


def _uuid_filter(value: str | None, error_text: str) -> uuid.UUID | None:
    if value is None or value == "":
        return None
    key = _as_uuid(value)
    if key is None:
        raise BadRequest(error_text)
    return key


def project_list(
    *,
    limit: int,
    cursor: str | None = None,
    status: str | None = None,
    client_user_id: str | None = None,
    assigned_contractor_id: str | None = None,
    assigned_expert_id: str | None = None,
) -> dict:
    """``{"items": [Project], "next_cursor", "has_more"}`` in ``created_at DESC, id DESC`` order; one query.

    The id filters accept any string: a value that is not a UUID matches nothing (a caller's opaque ``sub``);
    the admin list validates its filters first (``project_list_admin``)."""
    queryset = Project.objects.all()
    if status:
        queryset = queryset.filter(status=status)
    if client_user_id is not None:
        queryset = queryset.filter(client_user_id=client_user_id)
    assignees = {"assigned_contractor_id": assigned_contractor_id, "assigned_expert_id": assigned_expert_id}
    for field, value in assignees.items():
        if value is not None:
            key = _as_uuid(value)
            queryset = queryset.filter(**{field: key}) if key else queryset.none()
    rows = list(_after_time_id_cursor(queryset, cursor, "created_at")[: limit + 1])
    return page(rows, limit, lambda project: encode_cursor(project.created_at, project.id))


def project_list_admin(
    *,
    limit: int,
    cursor: str | None = None,
    status: str | None = None,
    assigned_contractor_id: str | None = None,
    assigned_expert_id: str | None = None,
) -> dict:
    contractor = _uuid_filter(assigned_contractor_id, "Invalid assigned_contractor_id")
    expert = _uuid_filter(assigned_expert_id, "Invalid assigned_expert_id")
    return project_list(
        limit=limit,
        cursor=cursor,
        status=status,
        assigned_contractor_id=str(contractor) if contractor else None,
        assigned_expert_id=str(expert) if expert else None,
    )


# ---------------------------------------------------------------------------------------------------------------
# Detail (api.md §3.5)
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectDetail:
    project: Project
    audit_logs: list[AuditLog]
    evidences: list[Evidence]


def _audit_rows_visible_to(viewer: Actor, project: Project) -> list[AuditLog]:
    rows = AuditLog.objects.filter(entity_type="project", entity_id=project.pk)
    if viewer.role == Role.CLIENT:
        rows = rows.filter(action=AuditAction.STATUS_CHANGE)
    rows = list(rows.order_by("-timestamp", "-id")[:DETAIL_AUDIT_LIMIT])
    # The hidden columns are blanked on the in-memory copies; audit rows are never saved here.
    if viewer.role in (Role.SUBCONTRACTOR, Role.EXPERT):
        for row in rows:
            row.ip_address = row.user_agent = None
    elif viewer.role == Role.CLIENT:
        for row in rows:
            row.actor_id = row.ip_address = row.user_agent = row.metadata = None
    return rows


def project_detail(*, project_id: Any, viewer: Actor) -> ProjectDetail:
    """The project (404/403 by the access rule), its audit rows as the viewer may see them (newest first, ≤ 500)
    and its photos (newest first)."""
    project = project_get_for_actor(project_id=project_id, actor=viewer)
    evidences = list(project.evidences.order_by("-uploaded_at", "-id"))
    return ProjectDetail(project=project, audit_logs=_audit_rows_visible_to(viewer, project), evidences=evidences)


# ---------------------------------------------------------------------------------------------------------------
# Attention flags, urgency, next action, deposit and final state (api.md §6.6): the one rule the API work queue,
# the mini-triage and every back office list share. Each list presents them in its own words.
# ---------------------------------------------------------------------------------------------------------------

PENDING_CONFIRMATION = "pending_confirmation"
FAILED_OUTBOX = "failed_outbox"
MISSING_DEPOSIT = "missing_deposit"
MISSING_FINAL = "missing_final"
STALE_PAID_NO_SCHEDULE = "stale_paid_no_schedule"
# The order in which every list shows the flags of a project.
ATTENTION_FLAGS = (PENDING_CONFIRMATION, FAILED_OUTBOX, MISSING_DEPOSIT, MISSING_FINAL, STALE_PAID_NO_SCHEDULE)


@dataclass(frozen=True)
class _FlagRule:
    """A flag is raised when the project is in ``status`` (any status when None) and each fact has its value."""

    status: str | None
    facts: dict[str, bool]


# The facts are those of ``project_facts_annotate`` plus ``unscheduled`` (no visit date yet).
_FLAG_RULES = {
    PENDING_CONFIRMATION: _FlagRule(ProjectStatus.CERTIFIED, {"has_final": True, "is_confirmed": False}),
    FAILED_OUTBOX: _FlagRule(None, {"has_failed_outbox": True}),
    MISSING_DEPOSIT: _FlagRule(ProjectStatus.DRAFT, {"has_deposit": False}),
    MISSING_FINAL: _FlagRule(ProjectStatus.CERTIFIED, {"has_final": False}),
    STALE_PAID_NO_SCHEDULE: _FlagRule(ProjectStatus.PAID, {"unscheduled": True}),
}


def _fact_conditions() -> dict[str, Q]:
    """Each fact as SQL on any project queryset: ``pk IN (subquery)``, one hashed scan per fact however many
    projects the list holds."""
    return {
        "has_deposit": Q(pk__in=payment_deposit_fact_project_ids()),
        "has_final": Q(pk__in=payment_final_fact_project_ids()),
        "is_confirmed": Q(pk__in=client_confirmation_received_project_ids()),
        "has_failed_outbox": Q(pk__in=outbox_failed_project_ids()),
        "unscheduled": Q(scheduled_for__isnull=True),
    }


def _fact_of(project: Project, fact: str) -> bool:
    if fact == "unscheduled":
        return project.scheduled_for is None
    return bool(getattr(project, fact))


def project_flag_conditions() -> dict[str, Q]:
    """The attention flags as SQL conditions on any project queryset (no annotations needed)."""
    facts = _fact_conditions()
    conditions = {}
    for flag, rule in _FLAG_RULES.items():
        condition = Q(status=rule.status) if rule.status else Q()
        for fact, wanted in rule.facts.items():
            condition &= facts[fact] if wanted else ~facts[fact]
        conditions[flag] = condition
    return conditions


def project_attention_condition() -> Q:
    """Projects carrying at least one attention flag, in SQL."""
    return reduce(or_, project_flag_conditions().values())


def project_facts_annotate(queryset: QuerySet) -> QuerySet:
    """``has_deposit``, ``has_final``, ``is_confirmed`` and ``has_failed_outbox`` on each row (workflow.md §5)."""

    return queryset.annotate(
        has_deposit=payment_deposit_fact_expression(),
        has_final=payment_final_fact_expression(),
        is_confirmed=client_confirmation_received_expression(),
        has_failed_outbox=outbox_failed_for_project_expression(),
    )


def _raised(rule: _FlagRule, project: Project) -> bool:
    if rule.status is not None and rule.status != project.status:
        return False
    return all(_fact_of(project, fact) == wanted for fact, wanted in rule.facts.items())


def project_attention_flags(project: Project) -> list[str]:
    """The flags of one row annotated by ``project_facts_annotate``, in the order of ``ATTENTION_FLAGS``."""
    return [flag for flag in ATTENTION_FLAGS if _raised(_FLAG_RULES[flag], project)]


URGENCY_HIGH, URGENCY_MEDIUM, URGENCY_LOW = "high", "medium", "low"
URGENCY_RANK = {URGENCY_HIGH: 0, URGENCY_MEDIUM: 1, URGENCY_LOW: 2}
# The flags that raise the urgency, the most urgent first; any other flag is low.
_URGENT_FLAGS = ((PENDING_CONFIRMATION, URGENCY_HIGH), (FAILED_OUTBOX, URGENCY_MEDIUM))


def project_urgency(flags: list[str]) -> str | None:
    """High while the client's confirmation is awaited, medium when a notification failed, low for any other
    flag; None without flags."""
    if not flags:
        return None
    return next((urgency for flag, urgency in _URGENT_FLAGS if flag in flags), URGENCY_LOW)


def project_urgency_rank() -> Case:
    """``URGENCY_RANK`` of ``project_urgency`` in SQL, for projects that carry at least one flag."""
    conditions = project_flag_conditions()
    return Case(
        *(When(conditions[flag], then=Value(URGENCY_RANK[urgency])) for flag, urgency in _URGENT_FLAGS),
        default=Value(URGENCY_RANK[URGENCY_LOW]),
    )


RECORD_DEPOSIT = "record_deposit"
SCHEDULE_VISIT = "schedule_visit"
ASSIGN_EXPERT = "assign_expert"
CERTIFY_PROJECT = "certify_project"
RECORD_FINAL = "record_final"
RESEND_CONFIRMATION = "resend_confirmation"


def project_next_action(project: Project) -> str | None:
    """The next best action by state, on a row annotated by ``project_facts_annotate``; never the admin
    override."""
    status = project.status
    if status == ProjectStatus.DRAFT and not project.has_deposit:
        return RECORD_DEPOSIT
    if status == ProjectStatus.PAID:
        return SCHEDULE_VISIT
    if status == ProjectStatus.SCHEDULED:
        return ASSIGN_EXPERT
    if status == ProjectStatus.PENDING_EXPERT:
        return CERTIFY_PROJECT
    if status == ProjectStatus.CERTIFIED and not project.has_final:
        return RECORD_FINAL
    if status == ProjectStatus.CERTIFIED and not project.is_confirmed:
        return RESEND_CONFIRMATION
    return None


def project_deposit_state(project: Project) -> str:
    """``PAID`` or ``PENDING``, on a row annotated by ``project_facts_annotate``."""
    return "PAID" if project.has_deposit else "PENDING"


def project_final_state(project: Project) -> str:
    """``CONFIRMED``, ``AWAITING_CONFIRMATION`` (paid, not confirmed) or ``PENDING``, on an annotated row."""
    if project.is_confirmed:
        return "CONFIRMED"
    return "AWAITING_CONFIRMATION" if project.has_final else "PENDING"


DEPOSIT_PENDING, FINAL_PENDING, AWAITING_CONFIRMATION, SETTLED = (
    "DEPOSIT_PENDING",
    "FINAL_PENDING",
    "AWAITING_CONFIRMATION",
    "SETTLED",
)
FINANCIAL_STATES = (DEPOSIT_PENDING, FINAL_PENDING, AWAITING_CONFIRMATION, SETTLED)


def project_financial_state_conditions() -> dict[str, Q]:
    """Where the money of a project stands (api.md §15.2), from ``project_deposit_state`` and
    ``project_final_state``: settled once confirmed, awaiting confirmation once the final payment is in, else the
    deposit or the final payment is pending. As SQL conditions on any project queryset."""
    facts = _fact_conditions()
    open_final = ~facts["has_final"] & ~facts["is_confirmed"]
    return {
        DEPOSIT_PENDING: ~facts["has_deposit"] & open_final,
        FINAL_PENDING: facts["has_deposit"] & open_final,
        AWAITING_CONFIRMATION: facts["has_final"] & ~facts["is_confirmed"],
        SETTLED: facts["is_confirmed"],
    }


# --- The API's words for them (api.md §6.6, §6.7) ----------------------------------------------------------------

VIEW_VERSION = "1.0"
INVALID_VIEW_CURSOR_TEXT = "Invalid cursor"

STUCK_REASONS = {
    PENDING_CONFIRMATION: "Laukia kliento patvirtinimo",
    FAILED_OUTBOX: "Nepavyko išsiųsti pranešimo",
    MISSING_DEPOSIT: "Reikia įrašyti depozitą",
    MISSING_FINAL: "Reikia įrašyti galutinį mokėjimą",
    STALE_PAID_NO_SCHEDULE: "Apmokėta, bet nesuplanuotas vizitas",
}
NO_FLAG_REASON = "Reikia dėmesio"
NEXT_ACTION_TEXTS = {
    RECORD_DEPOSIT: "Įrašyti depozitą",
    SCHEDULE_VISIT: "Suplanuoti vizitą",
    ASSIGN_EXPERT: "Priskirti ekspertą",
    CERTIFY_PROJECT: "Sertifikuoti",
    RECORD_FINAL: "Įrašyti galutinį mokėjimą",
    RESEND_CONFIRMATION: "Persiųsti patvirtinimą",
}


def project_stuck_reason(flags: list[str]) -> str:
    """Why a project needs attention, in the API's words: its first flag."""
    return STUCK_REASONS[flags[0]] if flags else NO_FLAG_REASON


def project_next_best_action(project: Project) -> dict | None:
    """``{"type", "project_id", "label"}`` of ``project_next_action`` on an annotated row, or None."""
    action = project_next_action(project)
    if action is None:
        return None
    return {"type": action, "project_id": str(project.pk), "label": NEXT_ACTION_TEXTS[action]}


def _work_queue_item(project: Project) -> dict:
    flags = project_attention_flags(project)
    return {
        "id": str(project.pk),
        "status": project.status,
        "scheduled_for": utc_iso(project.scheduled_for),
        "assigned_contractor_id": str(project.assigned_contractor_id) if project.assigned_contractor_id else None,
        "assigned_expert_id": str(project.assigned_expert_id) if project.assigned_expert_id else None,
        "created_at": utc_iso(project.created_at),
        "updated_at": utc_iso(project.updated_at),
        "client_key": customer_key(project_id=project.pk, client_key=project.client_key),
        "client_masked": client_contact_masked(project.client_info),
        "attention_flags": flags,
        "stuck_reason": project_stuck_reason(flags),
        "last_activity": utc_iso(project.updated_at),
        "next_best_action": project_next_best_action(project),
        "deposit_state": project_deposit_state(project),
        "final_state": project_final_state(project),
    }


def _decode_view_cursor(cursor: str) -> tuple[datetime, datetime, uuid.UUID]:
    parts = decode_cursor(cursor, error_text=INVALID_VIEW_CURSOR_TEXT)
    if len(parts) != 3:
        raise BadRequest(INVALID_VIEW_CURSOR_TEXT)
    try:
        return cursor_datetime(parts[0]), cursor_datetime(parts[1]), uuid.UUID(parts[2])
    except ValueError:
        raise BadRequest(INVALID_VIEW_CURSOR_TEXT) from None


def project_work_queue(
    *,
    limit: int,
    cursor: str | None = None,
    as_of: datetime | None = None,
    status: str | None = None,
    attention_only: bool = False,
) -> dict:
    """The admin work queue: a snapshot at ``as_of`` in ``last_activity DESC, id DESC`` order (api.md §6.6)."""
    after = None
    if cursor:
        cursor_as_of, last_activity, last_id = _decode_view_cursor(cursor)
        if as_of is not None and as_of != cursor_as_of:
            raise BadRequest("Cursor/as_of mismatch")
        as_of = cursor_as_of
        after = Q(updated_at__lt=last_activity) | Q(updated_at=last_activity, id__lt=last_id)
    snapshot = (as_of or timezone.now()).astimezone(UTC)

    queryset = project_facts_annotate(Project.objects.filter(updated_at__lte=snapshot))
    if status:
        queryset = queryset.filter(status=status)
    if attention_only:
        queryset = queryset.filter(project_attention_condition())
    if after is not None:
        queryset = queryset.filter(after)
    rows = list(queryset.order_by("-updated_at", "-id")[: limit + 1])
    result = page(rows, limit, lambda project: encode_cursor(snapshot, project.updated_at, project.id))
    return {
        "items": [_work_queue_item(project) for project in result["items"]],
        "next_cursor": result["next_cursor"],
        "has_more": result["has_more"],
        "as_of": snapshot.isoformat(),
        "view_version": VIEW_VERSION,
    }


def project_mini_triage(*, limit: int) -> dict:
    """Cards for PAID and SCHEDULED projects, most recently active first (api.md §6.7)."""
    queryset = project_facts_annotate(Project.objects.filter(status__in=[ProjectStatus.PAID, ProjectStatus.SCHEDULED]))
    cards = []
    for project in queryset.order_by("-updated_at", "-id")[:limit]:
        flags = project_attention_flags(project)
        action = project_next_best_action(project) or {"type": None, "label": None}
        cards.append(
            {
                "project_id": str(project.pk),
                "client_key": customer_key(project_id=project.pk, client_key=project.client_key),
                "contact_masked": client_contact_masked(project.client_info),
                # A card always names an urgency: a project without flags is low.
                "urgency": project_urgency(flags) or URGENCY_LOW,
                "stuck_reason": project_stuck_reason(flags),
                "primary_action": {
                    "label": action["label"],
                    "action_key": action["type"],
                    "payload": {
                        "project_id": str(project.pk),
                        "client_key": customer_key(project_id=project.pk, client_key=project.client_key),
                    },
                },
            }
        )
    return {"items": cards, "view_version": VIEW_VERSION}


# --- Retention (security-ops.md §9) ---


def project_list_due_for_anonymization(*, updated_before: datetime) -> list[Project]:
    """Projects untouched since ``updated_before`` that still hold client PII, consent or published photos."""
    candidates = Project.objects.filter(updated_at__lt=updated_before).prefetch_related("evidences")
    return [
        project
        for project in candidates
        if client_info_anonymized(project.client_info)[1]
        or project.marketing_consent
        or any(evidence.show_on_web or evidence.is_featured for evidence in project.evidences.all())
    ]


# ---------------------------------------------------------------------------------------------------------------
# Portal lists (ui.md §4.7-§4.9): one query each, with the facts the status cards need
# ---------------------------------------------------------------------------------------------------------------


def project_list_for_client(*, user_id: Any) -> QuerySet:
    """The client's own projects (``client_user_id``), newest first, annotated by ``project_facts_annotate``."""
    projects = Project.objects.filter(client_user_id=str(user_id)).order_by("-created_at", "-id")
    return project_facts_annotate(projects)


def project_list_for_assignee(*, user_id: Any, role: str) -> QuerySet:
    """The projects assigned to a contractor or an expert, newest first, annotated like the client's list."""
    field = "assigned_contractor_id" if role == Role.SUBCONTRACTOR else "assigned_expert_id"
    projects = Project.objects.filter(**{field: user_id}).order_by("-created_at", "-id")
    return project_facts_annotate(projects)


def project_get_annotated(*, project_id: Any) -> Project:
    """One project with the facts of ``project_facts_annotate`` (404 ``Projektas nerastas``)."""
    key = project_key(project_id)
    project = project_facts_annotate(Project.objects.filter(pk=key)).first()
    if project is None:
        raise NotFound(PROJECT_NOT_FOUND_TEXT)
    return project


# ---------------------------------------------------------------------------------------------------------------
# Estimate wizard pricing (ui.md §4.4, data-model.md §2.4)
# ---------------------------------------------------------------------------------------------------------------

ADDON_MOLE_NET = "mole_net"


@dataclass(frozen=True)
class EstimatePrice:
    rule: EstimateRule
    base: Decimal
    transport: Decimal
    mole_net: Decimal | None
    total: Decimal
    rules_version: str


def estimate_rules_active() -> list[EstimateRule]:
    return list(EstimateRule.objects.filter(is_active=True).order_by("service", "method"))


def _estimate_settings() -> tuple[Decimal, Decimal, Decimal]:
    return (
        Decimal(str(settings.ESTIMATE_TRANSPORT_MIN_EUR)),
        Decimal(str(settings.ESTIMATE_TRANSPORT_EUR_PER_KM)),
        Decimal(str(settings.ESTIMATE_MOLE_NET_EUR_PER_M2)),
    )


def estimate_rules_version(rules: list[EstimateRule]) -> str:
    """The first 12 hex characters of SHA-256 over the active rules and the three price settings."""
    parts = [f"{r.service}|{r.method}|{r.price_per_m2}|{r.minimum_price}" for r in rules]
    parts.extend(str(value) for value in _estimate_settings())
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:12]


def estimate_price(
    *, rules: list[EstimateRule], service: str, method: str, area_m2: Decimal, distance_km: Decimal, mole_net: bool
) -> EstimatePrice | None:
    """The wizard's price from the active rules: base = max(price per m² * area, minimum), transport =
    max(minimum, km * price per km), the mole net per m² when ticked. None when no active rule matches."""
    rule = next((r for r in rules if r.service == service and r.method == method), None)
    if rule is None:
        return None
    transport_min, per_km, mole_per_m2 = _estimate_settings()
    base = round_cents(max(rule.price_per_m2 * area_m2, rule.minimum_price))
    transport = round_cents(max(transport_min, distance_km * per_km))
    mole = round_cents(area_m2 * mole_per_m2) if mole_net else None
    return EstimatePrice(
        rule=rule,
        base=base,
        transport=transport,
        mole_net=mole,
        total=base + transport + (mole or Decimal("0")),
        rules_version=estimate_rules_version(rules),
    )


def project_open_estimate(*, user_id: Any) -> Project | None:
    """The client's DRAFT project whose quote is still pending: a client has at most one (ui.md §4.4)."""
    drafts = Project.objects.filter(client_user_id=str(user_id), status=ProjectStatus.DRAFT).order_by("-created_at")
    return next((project for project in drafts if (project.client_info or {}).get("quote_pending")), None)
