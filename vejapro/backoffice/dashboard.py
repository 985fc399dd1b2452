"""Read composition of the «Darbo eilė» dashboard, the customer profile tabs and the global search (ui.md §3.2,
§3.4, §3.13). Reads only."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from messaging.selectors import confirmations_for_projects, outbox_failed_count, outbox_for_entities
from messaging.worker import HEARTBEAT_KEY
from payments.selectors import payments_for_projects
from projects.admin.display import (
    NEXT_ACTION_ANCHORS,
    NEXT_ACTION_LABELS,
    URGENCY_LABELS,
    customer_label,
    project_hit_label,
    reason_sentence,
    status_pill,
)
from projects.admin.selectors import (
    project_flag_counts,
    project_search,
    work_queue,
    work_queue_urgent_count,
)
from projects.admin.views import project_url
from projects.selectors import PENDING_CONFIRMATION
from vejapro.core.audit.selectors import audit_logs_for_entities

WORKER_FRESH_FOR = timedelta(minutes=3)
QUEUE_LIMIT = 20
PROFILE_HISTORY_LIMIT = 20


def _url(name: str, query: str) -> str:
    return f"{reverse(name)}?{query}"


# --- worker heartbeat ---------------------------------------------------------------------------------------
def worker_heartbeat() -> datetime | None:
    """The worker writes "now" under ``worker:heartbeat`` every loop (messaging.md §3.3)."""

    value = cache.get(HEARTBEAT_KEY)
    if value is None:
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, int | float):
        moment = datetime.fromtimestamp(value, tz=UTC)
    else:
        text = str(value).strip()
        try:
            moment = datetime.fromtimestamp(float(text), tz=UTC)
        except ValueError:
            moment = parse_datetime(text)
        if moment is None:
            return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, UTC)
    return moment


@dataclass
class WorkerState:
    running: bool
    last_seen: datetime | None

    @property
    def text(self) -> str:
        if self.running:
            return _("Notification sending works")
        if self.last_seen is None:
            return _("Notification sending has stopped (never seen)")
        return _("Notification sending has stopped (last seen %(time)s)") % {
            "time": timezone.localtime(self.last_seen).strftime("%H:%M")
        }


def worker_state() -> WorkerState:
    last = worker_heartbeat()
    return WorkerState(running=last is not None and timezone.now() - last < WORKER_FRESH_FOR, last_seen=last)


# --- stat cards and the queue -------------------------------------------------------------------------------
@dataclass
class StatCard:
    key: str
    label: str
    value: int
    url: str
    tone: str


@dataclass
class Dashboard:
    cards: list[StatCard]
    worker: WorkerState
    queue: list


def dashboard_data() -> Dashboard:

    customers = work_queue(limit=QUEUE_LIMIT)
    urgent = work_queue_urgent_count()
    counts = project_flag_counts()
    cards = [
        StatCard("urgent", _("Need action"), urgent, _url("admin:customers", "filtras=pending_confirmation"), "red"),
        StatCard(
            "pending_confirmation",
            _("Awaiting confirmation"),
            counts[PENDING_CONFIRMATION],
            _url("admin:projects_project_changelist", "veiksmo=pending_confirmation"),
            "yellow",
        ),
        StatCard(
            "failed_outbox",
            _("Failed notifications"),
            outbox_failed_count(),
            _url("admin:messaging_notificationoutbox_changelist", "status__exact=FAILED"),
            "red",
        ),
    ]
    queue = []
    for customer in customers:
        row = customer.action_row
        action = row.next_action
        queue.append(
            {
                "customer": customer,
                "urgency": customer.urgency,
                "urgency_label": URGENCY_LABELS[customer.urgency],
                "name": customer_label(customer),
                "reason": reason_sentence(row.flags or customer.flags),
                "status": status_pill(row.project.status),
                "activity": customer.last_activity,
                "action_label": NEXT_ACTION_LABELS[action] if action else _("View"),
                "action_url": project_url(row.project.pk, NEXT_ACTION_ANCHORS[action] if action else ""),
            }
        )
    return Dashboard(cards=cards, worker=worker_state(), queue=queue)


# --- customer profile tabs ----------------------------------------------------------------------------------
@dataclass
class ProfileDetails:
    payments: list
    confirmations: list
    notifications: list
    history: list


def customer_profile_details(*, project_ids: list) -> ProfileDetails:

    return ProfileDetails(
        payments=payments_for_projects(project_ids=project_ids),
        confirmations=confirmations_for_projects(project_ids=project_ids),
        notifications=outbox_for_entities(entity_type="project", entity_ids=project_ids),
        history=audit_logs_for_entities(entity_ids=project_ids, limit=PROFILE_HISTORY_LIMIT),
    )


# --- global search ------------------------------------------------------------------------------------------
def search_groups(query: str) -> list[dict]:
    """«Projektai» hits, labelled as ``project_hit_label`` (api.md §15.5)."""

    projects = [
        {
            "label": project_hit_label(project),
            "href": reverse("admin:projects_project_change", args=[project.pk]),
        }
        for project in project_search(text=query)
    ]
    return [{"title": _("Projects"), "items": projects}]
