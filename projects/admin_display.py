"""Labels and pills the back office shows for projects (ui.md §2.1, §2.5)."""

from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from projects import admin_selectors as sel
from projects.models import ProjectStatus
from vejapro.core.admin_display import pill

STATUS_PILL_KIND = {
    ProjectStatus.DRAFT: "grey",
    ProjectStatus.PAID: "blue",
    ProjectStatus.SCHEDULED: "yellow",
    ProjectStatus.PENDING_EXPERT: "orange",
    ProjectStatus.CERTIFIED: "green",
    ProjectStatus.ACTIVE: "bright",
}

FLAG_PILLS = {
    sel.PENDING_CONFIRMATION: _("Awaiting confirmation"),
    sel.FAILED_OUTBOX: _("Failed notification"),
    sel.MISSING_DEPOSIT: _("No deposit"),
    sel.MISSING_FINAL: _("No final payment"),
    sel.STALE_PAID_NO_SCHEDULE: _("Not scheduled"),
}

FLAG_REASONS = {
    sel.PENDING_CONFIRMATION: _("Waiting for the client's confirmation"),
    sel.FAILED_OUTBOX: _("A notification could not be sent"),
    sel.MISSING_DEPOSIT: _("The deposit must be recorded"),
    sel.MISSING_FINAL: _("The final payment must be recorded"),
    sel.STALE_PAID_NO_SCHEDULE: _("Paid, but no visit scheduled"),
}
NO_FLAG_REASON = _("Needs attention")

URGENCY_LABELS = {sel.URGENCY_HIGH: _("Urgent"), sel.URGENCY_MEDIUM: _("Medium"), sel.URGENCY_LOW: _("Low")}
URGENCY_PILL_KIND = {sel.URGENCY_HIGH: "red", sel.URGENCY_MEDIUM: "yellow", sel.URGENCY_LOW: "grey"}

NEXT_ACTION_LABELS = {
    sel.RECORD_DEPOSIT: _("Record deposit"),
    sel.SCHEDULE_VISIT: _("Schedule a visit"),
    sel.ASSIGN_EXPERT: _("Assign an expert"),
    sel.CERTIFY_PROJECT: _("Certify"),
    sel.RECORD_FINAL: _("Record the final payment"),
    sel.RESEND_CONFIRMATION: _("Resend the confirmation"),
}

# The workflow section of the project screen each next action opens (ui.md §3.3).
NEXT_ACTION_ANCHORS = {
    sel.RECORD_DEPOSIT: "veiksmas-depozitas",
    sel.SCHEDULE_VISIT: "veiksmas-planavimas",
    sel.ASSIGN_EXPERT: "veiksmas-vykdymas",
    sel.CERTIFY_PROJECT: "veiksmas-sertifikavimas",
    sel.RECORD_FINAL: "veiksmas-galutinis",
    sel.RESEND_CONFIRMATION: "veiksmas-aktyvavimas",
}

DEPOSIT_STATE_LABELS = {"PAID": _("Paid"), "PENDING": _("Waiting")}
FINAL_STATE_LABELS = {
    "PENDING": _("Waiting"),
    "AWAITING_CONFIRMATION": _("Awaiting conf."),
    "CONFIRMED": _("Confirmed"),
}


def status_pill(status: str) -> str:
    return pill(ProjectStatus(status).label, STATUS_PILL_KIND.get(status, "grey"))


def flag_pills(flags: list[str]) -> str:
    return format_html_join(" ", "{}", ((pill(FLAG_PILLS[flag], "flag-" + flag.replace("_", "-")),) for flag in flags))


def reason_sentence(flags: list[str]):
    return FLAG_REASONS[flags[0]] if flags else NO_FLAG_REASON


def urgency_pill(urgency: str | None) -> str:
    if not urgency:
        return ""
    return pill(URGENCY_LABELS[urgency], URGENCY_PILL_KIND[urgency])


def urgency_marker(urgency: str | None) -> str:
    """An invisible marker that the stylesheet uses to tint the whole row (``tr:has(.vp-urgency-high)``)."""
    return format_html('<span class="vp-urgency vp-urgency-{}"></span>', urgency or "none")


def client_label(project) -> str:
    """The client's name, else «Klientas» + the first 8 characters of the client key (of the project id for a
    project without contacts)."""
    key = project.client_key or sel.UNKNOWN_CLIENT_KEY
    short = short_id(project) if key == sel.UNKNOWN_CLIENT_KEY else key[:8]
    return sel.client_name(project) or "{} {}".format(_("Client"), short)


def customer_label(customer) -> str:
    """A customer of the work queue or «Klientai»: the name found on any of their projects, else as above."""
    return customer.display_name or client_label(customer.latest.project)


def short_id(project) -> str:
    return str(project.pk)[:8]


PROFILE_ACTION_LABELS = {
    **NEXT_ACTION_LABELS,
    "waive_deposit": _("Waive the deposit"),
    "set_final_quote": _("Final price"),
    "assign_contractor": _("Assign a contractor"),
    "admin_confirm": _("Activate"),
    "send_client_access": _("Send access to the client"),
}
PROFILE_ACTION_ANCHORS = {
    **NEXT_ACTION_ANCHORS,
    "waive_deposit": "veiksmas-depozitas",
    "set_final_quote": "veiksmas-galutine-kaina",
    "assign_contractor": "veiksmas-planavimas",
    "admin_confirm": "veiksmas-aktyvavimas",
    "send_client_access": "papildomos",
}
