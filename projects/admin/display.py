"""Labels and pills the back office shows for projects (ui.md §2.1, §2.5)."""

from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from projects.client_keys import UNKNOWN_CLIENT_KEY, client_locality, client_name
from projects.models import ProjectStatus
from projects.selectors import (
    ASSIGN_EXPERT,
    CERTIFY_PROJECT,
    FAILED_OUTBOX,
    MISSING_DEPOSIT,
    MISSING_FINAL,
    PENDING_CONFIRMATION,
    RECORD_DEPOSIT,
    RECORD_FINAL,
    RESEND_CONFIRMATION,
    SCHEDULE_VISIT,
    STALE_PAID_NO_SCHEDULE,
    URGENCY_HIGH,
    URGENCY_LOW,
    URGENCY_MEDIUM,
)
from vejapro.core.admin.display import pill

STATUS_PILL_KIND = {
    ProjectStatus.DRAFT: "grey",
    ProjectStatus.PAID: "blue",
    ProjectStatus.SCHEDULED: "yellow",
    ProjectStatus.PENDING_EXPERT: "orange",
    ProjectStatus.CERTIFIED: "green",
    ProjectStatus.ACTIVE: "bright",
}

FLAG_PILLS = {
    PENDING_CONFIRMATION: _("Awaiting confirmation"),
    FAILED_OUTBOX: _("Failed notification"),
    MISSING_DEPOSIT: _("No deposit"),
    MISSING_FINAL: _("No final payment"),
    STALE_PAID_NO_SCHEDULE: _("Not scheduled"),
}

FLAG_REASONS = {
    PENDING_CONFIRMATION: _("Waiting for the client's confirmation"),
    FAILED_OUTBOX: _("A notification could not be sent"),
    MISSING_DEPOSIT: _("The deposit must be recorded"),
    MISSING_FINAL: _("The final payment must be recorded"),
    STALE_PAID_NO_SCHEDULE: _("Paid, but no visit scheduled"),
}
NO_FLAG_REASON = _("Needs attention")

URGENCY_LABELS = {URGENCY_HIGH: _("Urgent"), URGENCY_MEDIUM: _("Medium"), URGENCY_LOW: _("Low")}
URGENCY_PILL_KIND = {URGENCY_HIGH: "red", URGENCY_MEDIUM: "yellow", URGENCY_LOW: "grey"}

NEXT_ACTION_LABELS = {
    RECORD_DEPOSIT: _("Record deposit"),
    SCHEDULE_VISIT: _("Schedule a visit"),
    ASSIGN_EXPERT: _("Assign an expert"),
    CERTIFY_PROJECT: _("Certify"),
    RECORD_FINAL: _("Record the final payment"),
    RESEND_CONFIRMATION: _("Resend the confirmation"),
}

# The workflow section of the project screen each next action opens (ui.md §3.3).
NEXT_ACTION_ANCHORS = {
    RECORD_DEPOSIT: "veiksmas-depozitas",
    SCHEDULE_VISIT: "veiksmas-planavimas",
    ASSIGN_EXPERT: "veiksmas-vykdymas",
    CERTIFY_PROJECT: "veiksmas-sertifikavimas",
    RECORD_FINAL: "veiksmas-galutinis",
    RESEND_CONFIRMATION: "veiksmas-aktyvavimas",
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
    key = project.client_key or UNKNOWN_CLIENT_KEY
    short = short_id(project) if key == UNKNOWN_CLIENT_KEY else key[:8]
    return client_name(project.client_info) or "{} {}".format(_("Client"), short)


def customer_label(customer) -> str:
    """A customer of the work queue or «Klientai»: the name found on any of their projects, else as above."""
    return customer.display_name or client_label(customer.latest.project)


def short_id(project) -> str:
    return str(project.pk)[:8]


def _is_contact(text: str) -> bool:
    """Text that looks like an e-mail address or a phone number (typed into the name or the address)."""
    return "@" in text or sum(char.isdigit() for char in text) >= 5


def project_hit_label(project) -> str:
    """A search hit as a person recognises it: «Projektas 1a2b3c4d · Jonas Jonaitis · Vilnius · Apmokėtas» (the
    parts that exist), never a status code, an e-mail address or a phone number."""
    info = project.client_info
    typed = [text for text in (client_name(info), client_locality(info)) if text and not _is_contact(text)]
    parts = [_("Project %(id)s") % {"id": short_id(project)}, *typed, str(ProjectStatus(project.status).label)]
    return " · ".join(parts)


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
