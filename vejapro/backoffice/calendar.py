"""Read composition of «Kalendorius» (ui.md §3.6): the month grid, the day list and the holds waiting for the admin.
Reads only; the buttons post to the visit screen's workflow views."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from messaging.selectors import appointment_calendar_month, appointment_holds_pending, appointments_of_day
from vejapro.core.admin.display import format_money

WEEKDAYS = (
    pgettext_lazy("calendar weekday", "Mo"),
    pgettext_lazy("calendar weekday", "Tu"),
    pgettext_lazy("calendar weekday", "We"),
    pgettext_lazy("calendar weekday", "Th"),
    pgettext_lazy("calendar weekday", "Fr"),
    pgettext_lazy("calendar weekday", "Sa"),
    pgettext_lazy("calendar weekday", "Su"),
)
HOLDS_LIMIT = 50


def _title(visit) -> str:
    if visit.project_id:
        return visit.project.client_info.get("name") or _("Work")
    if visit.call_request_id:
        return visit.call_request.name
    return _("Work")


def _links(visit) -> dict:
    return {
        "project_url": reverse("admin:projects_project_change", args=[visit.project_id]) if visit.project_id else None,
        "lead_url": (
            reverse("admin:messaging_callrequest_change", args=[visit.call_request_id])
            if visit.call_request_id
            else None
        ),
        "visit_url": reverse("admin:messaging_appointment_change", args=[visit.pk]),
    }


@dataclass
class Calendar:
    label: str
    weekdays: tuple
    weeks: list
    day: date
    day_rows: list
    day_hours: float
    holds: list
    previous: str
    following: str
    today: str


def _month_query(day: date) -> str:
    return f"?men={day:%Y-%m}"


def calendar_data(*, month: date, day: date) -> Calendar:
    """``month`` is any day of the month shown; ``day`` the day whose visits are listed."""
    now = timezone.now()
    grid = appointment_calendar_month(year=month.year, month=month.month)
    weeks = [grid[index : index + 7] for index in range(0, 42, 7)]
    visits = appointments_of_day(day=day)
    rows = [
        {
            "visit": visit,
            "start": timezone.localtime(visit.starts_at),
            "end": timezone.localtime(visit.ends_at),
            "minutes": int((visit.ends_at - visit.starts_at).total_seconds() // 60),
            "title": _title(visit),
            "budget": format_money(visit.project.total_price_client) if visit.project_id else None,
            **_links(visit),
        }
        for visit in visits
    ]
    holds = [
        {"visit": hold, "title": _title(hold), "overdue": hold.starts_at < now, **_links(hold)}
        for hold in appointment_holds_pending(limit=HOLDS_LIMIT)
    ]
    first = month.replace(day=1)
    return Calendar(
        label=f"{capfirst(MONTHS[first.month])} {first.year}",
        weekdays=WEEKDAYS,
        weeks=weeks,
        day=day,
        day_rows=rows,
        day_hours=sum(row["minutes"] for row in rows) / 60,
        holds=holds,
        previous=_month_query(first - timedelta(days=1)),
        following=_month_query(first + timedelta(days=32)),
        today=_month_query(timezone.localdate()),
    )
