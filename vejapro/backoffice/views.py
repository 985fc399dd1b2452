"""Site-wide custom admin views: «Darbo eilė» (index and its refresh), «Klientai», «Kalendorius», global search
(ui.md §3.2, §3.4, §3.6, §3.13). Views read through selectors and render; they never write."""

from datetime import date, datetime
from urllib.parse import urlencode

from django.contrib import admin
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from messaging.admin.views import notification_rows
from projects.admin.display import (
    DEPOSIT_STATE_LABELS,
    FINAL_STATE_LABELS,
    NEXT_ACTION_ANCHORS,
    NEXT_ACTION_LABELS,
    PROFILE_ACTION_ANCHORS,
    PROFILE_ACTION_LABELS,
    customer_label,
    flag_pills,
    status_pill,
    urgency_pill,
)
from projects.admin.selectors import SEARCH_MIN_LENGTH, customer_list, customer_profile, project_actions_available
from projects.admin.views import project_url
from projects.client_keys import KEY_CONFIDENCE_LOW
from vejapro.backoffice.calendar import calendar_data
from vejapro.backoffice.dashboard import customer_profile_details, dashboard_data, search_groups
from vejapro.core.admin.display import format_local, format_money
from vejapro.core.settings_helpers import flag

CUSTOMERS_PER_PAGE = 50


def _site():

    return admin.site


def _page(request, context: dict, template: str) -> TemplateResponse:
    return TemplateResponse(request, template, {**_site().each_context(request), **context})


# --- «Darbo eilė» ---------------------------------------------------------------------------------------------
def dashboard_refresh(request):
    """The live block of the dashboard as an HTML fragment inside JSON, polled by ``dashboard.js`` every 30 s."""
    html = render_to_string("admin/vejapro/dashboard_live.html", {"dash": dashboard_data()}, request=request)
    return JsonResponse({"html": html})


def _int(raw) -> int | None:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


# --- «Klientai» -----------------------------------------------------------------------------------------------
CUSTOMER_CHIPS = (
    ("", pgettext_lazy("customer filter", "All")),
    ("pending_confirmation", _("Awaiting confirmation")),
    ("failed_outbox", _("Failed notifications")),
)


def customer_list_view(request):

    show_all = request.GET.get("visi") == "1"
    chip = request.GET.get("filtras") or ""
    if chip not in dict(CUSTOMER_CHIPS):
        chip = ""
    query = (request.GET.get("q") or "").strip()[:128]
    page_number = max(_int(request.GET.get("p")) or 1, 1)
    result = customer_list(
        attention_only=not show_all,
        attention=chip or None,
        query=query,
        fall_back_to_all=True,
        offset=(page_number - 1) * CUSTOMERS_PER_PAGE,
        limit=CUSTOMERS_PER_PAGE,
    )
    paginator = Paginator(range(result.total), CUSTOMERS_PER_PAGE)
    rows = [_customer_item(customer) for customer in result.items]
    context = {
        "title": _("Customers"),
        "rows": rows,
        "result": result,
        "show_all": show_all,
        "chip": chip,
        "chips": [(value, label, _query(show_all, value, query)) for value, label in CUSTOMER_CHIPS],
        "query": query,
        "page": paginator.get_page(page_number) if result.total else None,
        "page_query": _query(show_all, chip, query),
        "toggle_query": _query(not show_all, chip, query),
    }
    return _page(request, context, "admin/vejapro/customers.html")


def _query(show_all: bool, chip: str, query: str) -> str:

    params = {"visi": "1" if show_all else "", "filtras": chip, "q": query}
    return urlencode({key: value for key, value in params.items() if value})


def _customer_item(customer) -> dict:
    latest = customer.latest
    action = customer.action_row.next_action
    return {
        "customer": customer,
        "name": customer_label(customer),
        "low_confidence": customer.confidence == KEY_CONFIDENCE_LOW,
        "profile_url": reverse("admin:customer_profile", args=[customer.client_key]),
        "latest_status": status_pill(latest.project.status),
        "status_label": latest.project.get_status_display(),
        "deposit": DEPOSIT_STATE_LABELS[latest.deposit_state],
        "final": FINAL_STATE_LABELS[latest.final_state],
        "flags": flag_pills(customer.flags),
        "urgency": customer.urgency,
        "urgency_pill": urgency_pill(customer.urgency),
        "activity": customer.last_activity,
        "action": _action_link(customer.action_row) if action else None,
    }


def _action_link(row) -> dict:

    return {
        "label": NEXT_ACTION_LABELS[row.next_action],
        "url": project_url(row.project.pk, NEXT_ACTION_ANCHORS[row.next_action]),
    }


def customer_profile_view(request, client_key: str):

    profile = customer_profile(client_key=client_key)
    if profile is None:
        raise Http404(_("Customer not found"))
    customer = profile.customer
    details = customer_profile_details(project_ids=profile.project_ids, projects=[row.project for row in profile.rows])
    projects = [
        {
            "row": row,
            "url": project_url(row.project.pk),
            "status": status_pill(row.project.status),
            "deposit": DEPOSIT_STATE_LABELS[row.deposit_state],
            "final": FINAL_STATE_LABELS[row.final_state],
            "actions": [
                {
                    "label": PROFILE_ACTION_LABELS[key],
                    "url": project_url(row.project.pk, PROFILE_ACTION_ANCHORS[key]),
                }
                for key in project_actions_available(row)
            ],
        }
        for row in profile.rows
    ]
    action = customer.action_row.next_action
    context = {
        "title": customer_label(customer),
        "customer": customer,
        "projects": projects,
        "details": details,
        "notification_rows": notification_rows(details.notifications),
        "total_paid": format_money(profile.total_paid),
        "flags": flag_pills(customer.flags),
        "recommendation": NEXT_ACTION_LABELS[action] if action else None,
        "action": _action_link(customer.action_row) if action else None,
        "back_url": reverse("admin:customers"),
        "format_local": format_local,
        "call_requests_enabled": flag("ENABLE_CALL_ASSISTANT"),
    }
    return _page(request, context, "admin/vejapro/customer_profile.html")


# --- global search --------------------------------------------------------------------------------------------
def global_search(request):

    query = (request.GET.get("q") or "").strip()[:128]
    too_short = len(query) < SEARCH_MIN_LENGTH
    groups = [] if too_short else search_groups(query)
    hits = [item for group in groups for item in group["items"]]
    if len(hits) == 1:
        return HttpResponseRedirect(hits[0]["href"])
    context = {
        "title": _("Search"),
        "query": query,
        "too_short": too_short,
        "groups": [group for group in groups if group["items"]],
        "nothing": not too_short and not hits,
    }
    return _page(request, context, "admin/vejapro/search.html")


# --- «Kalendorius» --------------------------------------------------------------------------------------------
def _date(raw: str | None, pattern: str) -> date | None:
    """A calendar day or month from the query; a day carries no time, so no zone is involved."""
    try:
        return datetime.strptime(raw or "", pattern).date()  # noqa: DTZ007
    except ValueError:
        return None


def calendar_view(request):
    """The month grid, the day list (``?day=YYYY-MM-DD``) and the «Laukia patvirtinimo» block."""
    if not flag("ENABLE_CALENDAR"):
        raise Http404(_("Calendar is off"))
    day = _date(request.GET.get("day"), "%Y-%m-%d") or timezone.localdate()
    month = _date(request.GET.get("men"), "%Y-%m") or day
    context = {"title": _("Calendar"), "calendar": calendar_data(month=month, day=day)}
    return _page(request, context, "admin/vejapro/calendar.html")
