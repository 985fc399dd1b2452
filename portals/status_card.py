"""What a person sees about a project's state: the client's status card with at most two buttons (ui.md §4.7.1),
the client labels and hints (§2.1), the timeline, and the contractor and expert labels. Works on rows annotated by
``projects.selectors.project_facts_annotate``; reads nothing itself."""

from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from projects.models import Project, ProjectStatus

TIMELINE = (
    ProjectStatus.DRAFT,
    ProjectStatus.PAID,
    ProjectStatus.SCHEDULED,
    ProjectStatus.PENDING_EXPERT,
    ProjectStatus.CERTIFIED,
    ProjectStatus.ACTIVE,
)
CLIENT_LABELS = {
    ProjectStatus.DRAFT: pgettext_lazy("client status", "Draft"),
    ProjectStatus.PAID: pgettext_lazy("client status", "Deposit received"),
    ProjectStatus.SCHEDULED: pgettext_lazy("client status", "Scheduled"),
    ProjectStatus.PENDING_EXPERT: pgettext_lazy("client status", "Waiting for the expert"),
    ProjectStatus.CERTIFIED: pgettext_lazy("client status", "Certified"),
    ProjectStatus.ACTIVE: pgettext_lazy("client status", "Active"),
}
CLIENT_HINTS = {
    ProjectStatus.DRAFT: _("Waiting for the submission or the deposit."),
    ProjectStatus.PAID: _("Deposit received. The works are being planned."),
    ProjectStatus.SCHEDULED: _("The works are scheduled."),
    ProjectStatus.PENDING_EXPERT: _("Waiting for the expert's inspection."),
    ProjectStatus.CERTIFIED: _("Certified. Waiting for the confirmation."),
    ProjectStatus.ACTIVE: _("The project is active."),
}
CONTRACTOR_LABELS = {
    ProjectStatus.DRAFT: pgettext_lazy("contractor status", "Draft"),
    ProjectStatus.PAID: pgettext_lazy("contractor status", "Paid"),
    ProjectStatus.SCHEDULED: pgettext_lazy("contractor status", "Scheduled"),
    ProjectStatus.PENDING_EXPERT: pgettext_lazy("contractor status", "Waiting for the expert"),
    ProjectStatus.CERTIFIED: pgettext_lazy("contractor status", "Certified"),
    ProjectStatus.ACTIVE: pgettext_lazy("contractor status", "Active"),
}
EXPERT_LABELS = {
    **CONTRACTOR_LABELS,
    ProjectStatus.PENDING_EXPERT: pgettext_lazy("expert status", "Waiting for inspection"),
}

DEPOSIT_DUE, FINAL_DUE, CONFIRMATION_DUE = "deposit", "final", "confirmation"


@dataclass(frozen=True)
class Button:
    label: str
    url: str


@dataclass(frozen=True)
class StatusCard:
    status: str
    label: str
    hint: str
    next_step: str
    primary: Button
    secondary: Button | None
    action_due: str | None


def quote_pending(project: Project) -> bool:
    return bool((project.client_info or {}).get("quote_pending"))


def local_datetime(value) -> str:
    return formats.date_format(timezone.localtime(value), "Y-m-d H:i") if value else ""


def client_status_card(project: Project, *, on_project_page: bool = False) -> StatusCard:
    """The card of §4.7.1: «Kitas žingsnis», one primary button and, off the project page, «Atidaryti projektą»."""
    base = f"/client/projektai/{project.pk}/"
    page = Button(str(_("View the project")), base)
    due = None
    status = project.status
    if status == ProjectStatus.DRAFT:
        if project.has_deposit:
            step, primary = _("Waiting for the confirmation."), Button(str(_("View")), base)
        elif project.total_price_client is not None and not quote_pending(project):
            step = _("Pay the deposit so that the project is confirmed.")
            primary, due = Button(str(_("Pay the deposit")), f"{base}mokejimas/avansas/"), DEPOSIT_DUE
        else:
            step, primary = _("Review the estimate you submitted."), Button(str(_("Review the estimate")), base)
    elif status == ProjectStatus.PAID:
        step, primary = _("The works will be scheduled shortly."), page
    elif status == ProjectStatus.SCHEDULED:
        step = _("The works are scheduled: %(date)s.") % {"date": local_datetime(project.scheduled_for) or "-"}
        primary = page
    elif status == ProjectStatus.PENDING_EXPERT:
        step, primary = _("Waiting for the expert's inspection."), page
    elif status == ProjectStatus.CERTIFIED and not project.has_final:
        step = _("Pay the balance.")
        primary, due = Button(str(_("Pay the balance")), f"{base}mokejimas/likutis/"), FINAL_DUE
    elif status == ProjectStatus.CERTIFIED and not project.is_confirmed:
        step = _("Confirm the acceptance of the works.")
        primary = Button(str(_("Confirm the acceptance of the works")), f"{base}patvirtinti/")
        due = CONFIRMATION_DUE
    elif status == ProjectStatus.CERTIFIED:
        step, primary = _("Waiting for the confirmation."), page
    else:
        step = _("Your lawn is ready. Care tips are in the “Help” section.")
        primary = Button(str(_("Download the certificate")), f"{base}sertifikatas/")
    secondary = None
    if not on_project_page and primary.url != base:
        secondary = Button(str(_("Open the project")), base)
    return StatusCard(
        status=status,
        label=str(CLIENT_LABELS[status]),
        hint=str(CLIENT_HINTS[status]),
        next_step=str(step),
        primary=primary,
        secondary=secondary,
        action_due=due,
    )


def timeline(project: Project) -> list[dict]:
    """The six client labels: done, current or future."""
    current = TIMELINE.index(project.status)
    return [
        {"label": CLIENT_LABELS[status], "state": "done" if i < current else "current" if i == current else "future"}
        for i, status in enumerate(TIMELINE)
    ]
