"""Read composition of the «Darbo eilė» dashboard, the customer profile tabs and the global search (ui.md §3.2,
§3.4, §3.13). Reads only."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from messaging.admin.display import call_request_status_pill
from messaging.selectors import (
    appointment_held_count,
    appointments_of_day,
    call_request_new_count,
    call_request_search,
    call_requests_for_contacts,
    confirmations_for_projects,
    outbox_failed_count,
    outbox_for_entities,
)
from messaging.worker import HEARTBEAT_CACHE, HEARTBEAT_KEY
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
    project_attention_count,
    project_flag_counts,
    project_search,
    work_queue,
)
from projects.admin.views import project_url
from projects.client_keys import client_email, client_phone
from projects.models import Project
from projects.selectors import PENDING_CONFIRMATION
from vejapro.core.audit.selectors import audit_logs_for_entities
from vejapro.core.redaction import normalize_phone
from vejapro.core.settings_helpers import flag

WORKER_FRESH_FOR = timedelta(minutes=3)
QUEUE_LIMIT = 20
PROFILE_HISTORY_LIMIT = 20


def _url(name: str, query: str) -> str:
    return f"{reverse(name)}?{query}"


# --- worker heartbeat ---------------------------------------------------------------------------------------
def worker_heartbeat() -> datetime | None:
    """The worker writes "now" under ``worker:heartbeat`` every loop (messaging.md §3.3)."""

    value = caches[HEARTBEAT_CACHE].get(HEARTBEAT_KEY)
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
    today_visits: list | None  # None while the calendar is off


def dashboard_data() -> Dashboard:

    customers = work_queue(limit=QUEUE_LIMIT)
    counts = project_flag_counts()
    cards = [
        StatCard(
            "attention",
            _("Projects needing action"),
            project_attention_count(),
            reverse("admin:projects_project_changelist"),
            "red",
        ),
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
    if flag("ENABLE_CALL_ASSISTANT"):
        cards.append(
            StatCard(
                "new_calls",
                _("New calls"),
                call_request_new_count(),
                _url("admin:messaging_callrequest_changelist", "busena=NEW"),
                "blue",
            )
        )
    today_visits = None
    if flag("ENABLE_CALENDAR"):
        cards.append(
            StatCard(
                "held_visits",
                _("Unconfirmed visits"),
                appointment_held_count(),
                _url("admin:messaging_appointment_changelist", "status__exact=HELD"),
                "yellow",
            )
        )
        today_visits = [
            {
                "visit": visit,
                "start": timezone.localtime(visit.starts_at),
                "client": (visit.project.client_info or {}).get("name")
                if visit.project_id
                else visit.call_request.name,
                "url": (
                    reverse("admin:projects_project_change", args=[visit.project_id])
                    if visit.project_id
                    else reverse("admin:messaging_callrequest_change", args=[visit.call_request_id])
                ),
            }
            for visit in appointments_of_day(day=timezone.localdate())
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
    return Dashboard(cards=cards, worker=worker_state(), queue=queue, today_visits=today_visits)


# --- customer profile tabs ----------------------------------------------------------------------------------
@dataclass
class ProfileDetails:
    payments: list
    confirmations: list
    notifications: list
    history: list
    call_requests: list


def _customer_call_requests(projects: list[Project]) -> list[dict]:
    """«Skambučiai ir laiškai»: the leads with one of the customer's e-mail addresses or phone numbers."""
    if not flag("ENABLE_CALL_ASSISTANT"):
        return []
    emails = [email for project in projects if (email := client_email(project.client_info))]
    phones = set()
    for project in projects:
        phone = client_phone(project.client_info)
        phones.update(value for value in (phone, normalize_phone(phone)) if value)
    return [
        {
            "lead": lead,
            "status": call_request_status_pill(lead.status),
            "url": reverse("admin:messaging_callrequest_change", args=[lead.pk]),
        }
        for lead in call_requests_for_contacts(emails=emails, phones=sorted(phones))
    ]


def customer_profile_details(*, project_ids: list, projects: list[Project]) -> ProfileDetails:

    return ProfileDetails(
        payments=payments_for_projects(project_ids=project_ids),
        confirmations=confirmations_for_projects(project_ids=project_ids),
        notifications=outbox_for_entities(entity_type="project", entity_ids=project_ids),
        history=audit_logs_for_entities(entity_ids=project_ids, limit=PROFILE_HISTORY_LIMIT),
        call_requests=_customer_call_requests(projects),
    )


# --- global search ------------------------------------------------------------------------------------------
def search_groups(query: str) -> list[dict]:
    """«Projektai» hits labelled as ``project_hit_label``, and «Skambučių užklausos» hits, without any contact data
    (api.md §15.5)."""

    projects = [
        {
            "label": project_hit_label(project),
            "href": reverse("admin:projects_project_change", args=[project.pk]),
        }
        for project in project_search(text=query)
    ]
    groups = [{"title": _("Projects"), "items": projects}]
    if flag("ENABLE_CALL_ASSISTANT"):
        leads = [
            {
                "label": _("Call request %(id)s…") % {"id": str(lead.pk)[:8]},
                "href": reverse("admin:messaging_callrequest_change", args=[lead.pk]),
            }
            for lead in call_request_search(text=query)
        ]
        groups.append({"title": _("Call requests"), "items": leads})
    return groups
