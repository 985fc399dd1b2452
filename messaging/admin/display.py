"""Labels of the notification and call request screens (ui.md §2.6)."""

from django.utils.translation import gettext_lazy as _

from messaging.models import CallRequest, CallRequestStatus, OutboxStatus
from vejapro.core.admin.display import pill


def outbox_status_label(status: str) -> str:
    """Outbox states as the back office names them (ui.md §2.6): a queued row is «Eilėje»."""
    if status == OutboxStatus.PENDING:
        return _("Queued")
    return OutboxStatus(status).label if status in OutboxStatus.values else status


# --- call requests (ui.md §2.6) ---------------------------------------------------------------------------------
CALL_REQUEST_STATUS_PILL_KIND = {
    CallRequestStatus.NEW: "red",
    CallRequestStatus.CONTACTED: "yellow",
    CallRequestStatus.SCHEDULED: "blue",
    CallRequestStatus.CLOSED: "grey",
}
INTAKE_PHASE_LABELS = {
    "QUESTIONNAIRE_DONE": _("Questionnaire filled in"),
    "OFFER_PREPARED": _("Offer prepared"),
    "OFFER_SENT": _("Offer sent"),
    "INSPECTION_SCHEDULED": _("Inspection scheduled"),
    "OFFER_REJECTED_NO_SLOTS": _("Rejected, no free times"),
}


def call_request_status_pill(status: str) -> str:
    return pill(CallRequestStatus(status).label, CALL_REQUEST_STATUS_PILL_KIND[status])


def call_request_phase_label(call_request: CallRequest) -> str:
    """The intake phase of the lead's client card; «Nauja anketa» before any."""
    workflow = (call_request.intake_state or {}).get("workflow")
    phase = workflow.get("phase") if isinstance(workflow, dict) else None
    return INTAKE_PHASE_LABELS.get(phase, _("New questionnaire"))
