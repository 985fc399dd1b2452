"""Read models of the back office: project rows, customers, search and the project screen (api.md §6.6, §15).
The attention flags, urgency, next action and payment states of a row are the rule of ``projects.selectors``.

Every list is built from one annotated project query (facts as ``Exists`` subqueries), so a screen issues the same
number of queries however many rows it shows.
"""

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet

from messaging.selectors import confirmations_for_projects, outbox_for_entities
from payments.selectors import payment_project_ids_matching, payments_for_projects, payments_total_paid
from projects.client_keys import (
    UNKNOWN_CLIENT_KEY,
    UNKNOWN_CUSTOMER_PREFIX,
    client_contact_masked,
    client_contact_search_q,
    client_email,
    client_key_confidence,
    client_name,
    customer_key_expression,
    unknown_client_key_q,
)
from projects.estimate_demo import estimate_rule_is_sample
from projects.evidence.selectors import project_latest_rejection
from projects.models import EvidenceCategory, Project, ProjectStatus
from projects.selectors import (
    ATTENTION_FLAGS,
    URGENCY_RANK,
    project_attention_condition,
    project_attention_flags,
    project_deposit_state,
    project_facts_annotate,
    project_final_state,
    project_financial_state_conditions,
    project_flag_conditions,
    project_next_action,
    project_urgency,
    project_urgency_rank,
)
from vejapro.core.audit.selectors import audit_logs_for_entities

SEARCH_MIN_LENGTH = 3


def project_admin_queryset() -> QuerySet[Project]:
    return project_facts_annotate(Project.objects.select_related("assigned_contractor", "assigned_expert"))


@dataclass
class ProjectRow:
    """One annotated project with what the back office derives from it."""

    project: Project
    flags: list[str]
    urgency: str | None
    next_action: str | None

    @classmethod
    def of(cls, project: Project) -> "ProjectRow":
        flags = project_attention_flags(project)
        next_action = project_next_action(project)
        return cls(project=project, flags=flags, urgency=project_urgency(flags), next_action=next_action)

    @property
    def deposit_state(self) -> str:
        return project_deposit_state(self.project)

    @property
    def final_state(self) -> str:
        return project_final_state(self.project)


# --- work queue and counters (dashboard, ui.md §3.2) -------------------------------------------------------
@dataclass
class CustomerRow:
    client_key: str
    display_name: str
    contact_masked: str
    confidence: str
    project_count: int
    last_activity: datetime
    latest: ProjectRow
    action_row: ProjectRow
    flags: list[str] = field(default_factory=list)

    @property
    def urgency(self) -> str | None:
        return project_urgency(self.flags)


def _customer_from_rows(client_key: str, rows: list[ProjectRow], project_count: int | None = None) -> CustomerRow:
    rows = sorted(rows, key=lambda row: (row.project.created_at, str(row.project.pk)), reverse=True)
    latest = rows[0]
    flags: list[str] = []
    for row in rows:
        if row.project.status != ProjectStatus.ACTIVE:
            flags.extend(flag for flag in row.flags if flag not in flags)
    flags.sort(key=ATTENTION_FLAGS.index)
    # The project whose action is shown: the most urgent one, else the latest.
    flagged = [row for row in rows if row.urgency]
    action_row = min(flagged, key=lambda row: URGENCY_RANK[row.urgency]) if flagged else latest
    named = next((row for row in rows if client_name(row.project.client_info)), latest)
    return CustomerRow(
        client_key=client_key,
        display_name=client_name(named.project.client_info),
        contact_masked=client_contact_masked(latest.project.client_info),
        confidence=client_key_confidence(client_key=latest.project.client_key, client_info=latest.project.client_info),
        project_count=project_count if project_count is not None else len(rows),
        last_activity=max(row.project.updated_at for row in rows),
        latest=latest,
        action_row=action_row,
        flags=flags,
    )


def _of_customers(queryset: QuerySet, projects: QuerySet) -> QuerySet:
    """``queryset`` narrowed to the customers these projects belong to: one ``customer IN (subquery)``, which
    PostgreSQL answers with a hash semi-join (an ``OR`` of two ``IN`` subqueries fell back to a per-row scan of
    every client key once they no longer fit ``work_mem``)."""
    return queryset.annotate(customer=customer_key_expression()).filter(
        customer__in=projects.annotate(customer=customer_key_expression()).values("customer")
    )


def _rows_by_customer(projects: QuerySet, keys: list[str]) -> dict[str, list[ProjectRow]]:
    """The annotated projects of the given customer keys, grouped by key (in the order of ``keys``)."""
    alone = {
        uuid.UUID(key.removeprefix(UNKNOWN_CUSTOMER_PREFIX)): key
        for key in keys
        if key.startswith(UNKNOWN_CUSTOMER_PREFIX)
    }
    known = [key for key in keys if not key.startswith(UNKNOWN_CUSTOMER_PREFIX)]
    rows: dict[str, list[ProjectRow]] = {key: [] for key in keys}
    for project in projects.filter((Q(client_key__in=known) & ~unknown_client_key_q()) | Q(pk__in=list(alone))):
        rows[alone.get(project.pk, project.client_key)].append(ProjectRow.of(project))
    return rows


def _attention_customers() -> QuerySet:
    """Customers with attention projects (not ACTIVE), one row each: ``customer`` (``customer_key_expression``),
    ``rank`` (0 high, 1 medium, 2 low) and ``last_activity``. Grouped in the database, so the dashboard reads 20
    customers however many there are."""
    return (
        Project.objects.exclude(status=ProjectStatus.ACTIVE)
        .filter(project_attention_condition())
        .annotate(customer=customer_key_expression(), project_rank=project_urgency_rank())
        .values("customer")
        .annotate(rank=Min("project_rank"), last_activity=Max("updated_at"))
    )


def work_queue(*, limit: int = 20, newest_first: bool = False) -> list[CustomerRow]:
    """Attention-only customers, high → medium → low, then the oldest activity first (ui.md §3.2); the API's
    triage shows the newest first (api.md §15.1)."""
    activity = "-last_activity" if newest_first else "last_activity"
    top = [entry["customer"] for entry in _attention_customers().order_by("rank", activity, "customer")[:limit]]
    attention = project_admin_queryset().exclude(status=ProjectStatus.ACTIVE).filter(project_attention_condition())
    rows = _rows_by_customer(attention, top)
    return [_customer_from_rows(key, rows[key]) for key in top if rows[key]]


def project_flag_counts() -> dict[str, int]:
    """How many projects (not ACTIVE) carry each flag, in one query."""
    conditions = project_flag_conditions()
    queryset = Project.objects.exclude(status=ProjectStatus.ACTIVE)
    return queryset.aggregate(**{flag: Count("pk", filter=conditions[flag]) for flag in ATTENTION_FLAGS})


def project_attention_count() -> int:
    """The one count of «Projektai, kuriems reikia veiksmo» (dashboard card) and «N projektų reikalauja dėmesio»
    (above the project list): projects carrying at least one attention flag, the rows of the list's default view."""
    return Project.objects.filter(project_attention_condition()).count()


# --- customers (ui.md §3.4) ---------------------------------------------------------------------------------
def _customer_search_q(text: str) -> Q:
    return client_contact_search_q(text) | Q(client_key__icontains=text) | project_id_prefix_q(text)


def project_id_prefix_q(text: str) -> Q:
    """Projects whose id starts with ``text`` (hyphens optional); nothing for text that cannot be an id prefix."""
    compact = text.strip().lower().replace("-", "")
    if not compact or len(compact) > 32 or any(char not in "0123456789abcdef" for char in compact):
        return Q(pk__in=[])
    if len(compact) == 32:
        return Q(pk=uuid.UUID(compact))
    low = uuid.UUID(compact.ljust(32, "0"))
    high = uuid.UUID(compact.ljust(32, "f"))
    return Q(pk__gte=low, pk__lte=high)


@dataclass
class CustomerPage:
    items: list[CustomerRow]
    total: int | None
    attention_only: bool
    fell_back_to_all: bool
    has_more: bool = False


def _latest_projects(projects: QuerySet) -> QuerySet:
    """The latest project (``created_at``, then id) of each customer among ``projects``."""
    newer = projects.filter(client_key=OuterRef("client_key")).filter(
        Q(created_at__gt=OuterRef("created_at")) | Q(created_at=OuterRef("created_at"), pk__gt=OuterRef("pk"))
    )
    return projects.filter(unknown_client_key_q() | ~Exists(newer))


def customer_list(
    *,
    attention_only: bool = True,
    attention: str | None = None,
    query: str = "",
    offset: int = 0,
    limit: int = 50,
    fall_back_to_all: bool = False,
    count_total: bool = True,
    as_of: datetime | None = None,
    after: tuple[datetime, str] | None = None,
    latest_status: str | None = None,
    latest_financial_state: str | None = None,
    activity_from: datetime | None = None,
    activity_to: datetime | None = None,
) -> CustomerPage:
    """Customers (projects sharing a client key, ``customer_key``) in ``last_activity DESC, client_key DESC``
    order; a fixed number of queries per page.

    ``fall_back_to_all``: attention-only finds nobody, so every customer is listed (the «Klientai» screen).
    ``as_of``: only projects last changed by then (a snapshot that later changes do not shift); ``after``: the
    ``(last_activity, client_key)`` of the previous page's last customer. ``latest_status`` and
    ``latest_financial_state`` filter by the customer's latest project; ``activity_from``/``activity_to`` by the
    customer's last activity."""
    projects = Project.objects.all() if as_of is None else Project.objects.filter(updated_at__lte=as_of)
    # ``listed``: projects whose customers are listed (None: every customer).
    listed = projects.filter(_customer_search_q(query)) if query else None

    def narrow(to: QuerySet) -> QuerySet:
        return to if listed is None else _of_customers(listed, to)

    open_projects = projects.exclude(status=ProjectStatus.ACTIVE)
    if attention:
        listed = narrow(open_projects.filter(project_flag_conditions()[attention]))
    latest = Q()
    if latest_status:
        latest &= Q(status=latest_status)
    if latest_financial_state:
        latest &= project_financial_state_conditions()[latest_financial_state]
    if latest:
        listed = narrow(_latest_projects(projects).filter(latest))
    fell_back = False
    if attention_only and not attention:
        needing = narrow(open_projects.filter(project_attention_condition()))
        if not fall_back_to_all or needing.exists():
            listed = needing
        else:
            attention_only, fell_back = False, True
    customers = projects if listed is None else _of_customers(projects, listed)
    grouped = (
        customers.annotate(customer=customer_key_expression())
        .values("customer")
        .annotate(project_count=Count("pk"), last_activity=Max("updated_at"))
        .order_by("-last_activity", "-customer")
    )
    if activity_from is not None:
        grouped = grouped.filter(last_activity__gte=activity_from)
    if activity_to is not None:
        grouped = grouped.filter(last_activity__lte=activity_to)
    if after is not None:
        grouped = grouped.filter(Q(last_activity__lt=after[0]) | Q(last_activity=after[0], customer__lt=after[1]))
    total = grouped.count() if count_total else None
    page = list(grouped[offset : offset + limit + 1])
    has_more = len(page) > limit
    page = page[:limit]
    detailed = project_admin_queryset() if as_of is None else project_admin_queryset().filter(updated_at__lte=as_of)
    rows = _rows_by_customer(detailed, [entry["customer"] for entry in page])
    items = [
        _customer_from_rows(entry["customer"], rows[entry["customer"]], entry["project_count"])
        for entry in page
        if rows[entry["customer"]]
    ]
    return CustomerPage(
        items=items, total=total, attention_only=attention_only, fell_back_to_all=fell_back, has_more=has_more
    )


def customer_count_created_between(*, start: datetime, end: datetime) -> int:
    """Distinct client keys (not the projects without contacts) of the projects created in ``(start, end]``."""
    created = Project.objects.filter(created_at__gt=start, created_at__lte=end).exclude(unknown_client_key_q())
    return created.values("client_key").distinct().count()


@dataclass
class CustomerProfile:
    customer: CustomerRow
    rows: list[ProjectRow]
    total_paid: object
    project_ids: list


def customer_profile(*, client_key: str) -> CustomerProfile | None:
    """One customer's projects; ``unknown:<project id>`` is the single project without contacts."""

    if client_key.startswith(UNKNOWN_CUSTOMER_PREFIX):
        project_id = parse_project_id(client_key.removeprefix(UNKNOWN_CUSTOMER_PREFIX))
        if project_id is None:
            return None
        projects = project_admin_queryset().filter(unknown_client_key_q(), pk=project_id)
    elif client_key == UNKNOWN_CLIENT_KEY:
        return None
    else:
        projects = project_admin_queryset().filter(client_key=client_key)
    rows = [ProjectRow.of(project) for project in projects.order_by("-created_at", "-id")]
    if not rows:
        return None
    ids = [row.project.pk for row in rows]
    return CustomerProfile(
        customer=_customer_from_rows(client_key, rows),
        rows=rows,
        total_paid=payments_total_paid(project_ids=ids),
        project_ids=ids,
    )


def parse_project_id(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


# --- global search (ui.md §3.13, api.md §15.5) -------------------------------------------------------------
def project_search(*, text: str, limit: int = 50) -> list[Project]:
    """Projects by id prefix, status code, the client's name, e-mail, phone or address, the assigned contractor's
    or expert's name, or a payment's receipt number or reference; most recently changed first, one query."""
    text = text.strip()
    if len(text) < SEARCH_MIN_LENGTH:
        return []
    condition = (
        project_id_prefix_q(text)
        | Q(status__icontains=text)
        | client_contact_search_q(text)
        | Q(client_info__address__icontains=text)
        | Q(assigned_contractor__full_name__icontains=text)
        | Q(assigned_expert__full_name__icontains=text)
        | Q(pk__in=payment_project_ids_matching(text=text))
    )
    return list(Project.objects.filter(condition).order_by("-updated_at", "-id")[:limit])


# --- the project screen (ui.md §3.3) -----------------------------------------------------------------------
SECTION_FINAL_QUOTE = "final_quote"
SECTION_DEPOSIT = "deposit"
SECTION_MARK_PAID = "mark_paid"
SECTION_PLANNING = "planning"
SECTION_EXECUTION = "execution"
SECTION_CERTIFICATION = "certification"
SECTION_FINAL = "final"
SECTION_ACTIVATION = "activation"
SECTION_ACTIVE = "active"
HISTORY_LIMIT = 50


def workflow_section(project: Project) -> str:
    """The single action section of the workflow panel: the first row whose state matches (ui.md §3.3)."""
    status = project.status
    if status == ProjectStatus.DRAFT:
        if (project.client_info or {}).get("quote_pending"):
            return SECTION_FINAL_QUOTE
        return SECTION_MARK_PAID if project.has_deposit else SECTION_DEPOSIT
    if status == ProjectStatus.PAID:
        return SECTION_PLANNING
    if status == ProjectStatus.SCHEDULED:
        return SECTION_EXECUTION
    if status == ProjectStatus.PENDING_EXPERT:
        return SECTION_CERTIFICATION
    if status == ProjectStatus.CERTIFIED:
        return SECTION_ACTIVATION if project.has_final else SECTION_FINAL
    return SECTION_ACTIVE


@dataclass
class ProjectScreen:
    row: ProjectRow
    section: str
    payments: list
    photos: list
    confirmations: list
    notifications: list
    history: list
    rejection: object
    certification_photo_count: int


def project_screen(*, project: Project) -> ProjectScreen:
    """Everything the project screen shows, in a fixed number of queries."""

    photos = list(project.evidences.select_related("uploaded_by").order_by("category", "-uploaded_at"))
    return ProjectScreen(
        row=ProjectRow.of(project),
        section=workflow_section(project),
        payments=payments_for_projects(project_ids=[project.pk]),
        photos=photos,
        confirmations=confirmations_for_projects(project_ids=[project.pk]),
        notifications=outbox_for_entities(entity_type="project", entity_ids=[project.pk]),
        history=audit_logs_for_entities(entity_ids=[project.pk], limit=HISTORY_LIMIT),
        rejection=project_latest_rejection(project=project),
        certification_photo_count=sum(1 for photo in photos if photo.category == EvidenceCategory.EXPERT_CERTIFICATION),
    )


def project_search_q(text: str) -> Q:
    """Client name, e-mail, phone or project id (the project list's search box)."""
    return client_contact_search_q(text) | project_id_prefix_q(text)


def estimate_rule_is_placeholder(rule) -> bool:

    return estimate_rule_is_sample(rule)


def project_actions_available(row: ProjectRow) -> list[str]:
    """The action keys of the customer profile (api.md §15.4), from the status and the facts."""
    project = row.project
    status = project.status
    info = project.client_info or {}
    actions: list[str] = []
    if status == ProjectStatus.DRAFT:
        if info.get("quote_pending"):
            actions.append("set_final_quote")
        if not project.has_deposit:
            actions += ["record_deposit", "waive_deposit"]
    elif status == ProjectStatus.PAID:
        actions += ["schedule_visit", "assign_contractor"]
    elif status == ProjectStatus.SCHEDULED:
        actions.append("assign_expert")
    elif status == ProjectStatus.PENDING_EXPERT:
        actions += ["assign_expert", "certify_project"]
    elif status == ProjectStatus.CERTIFIED:
        if not project.has_final:
            actions.append("record_final")
        elif not project.is_confirmed:
            actions += ["resend_confirmation", "admin_confirm"]
    if project.client_user_id and client_email(info):
        actions.append("send_client_access")
    return actions
