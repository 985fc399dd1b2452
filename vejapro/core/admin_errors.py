"""Service errors shown in the back office: the API contract texts, translated for people where they are English."""

from django.contrib import messages
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as noop

from vejapro.core.errors import ApiError

# Contract texts of the API (workflow.md §4, §6) that are not Lithuanian; the admin shows their translation.
CONTRACT_TEXTS = (
    noop("Deposit payment not recorded"),
    noop("Final payment not recorded"),
    noop("Client confirmation not received"),
    noop("Deposit allowed only for DRAFT projects"),
    noop("Final payment allowed only for CERTIFIED/ACTIVE projects"),
    noop("User role must be SUBCONTRACTOR"),
    noop("User role must be EXPERT"),
    noop("Invalid user_id"),
    noop("Empty file"),
    noop("File is too large"),
    noop("Evidence not found"),
)


def error_text(exc: ApiError) -> str:
    detail = exc.detail
    if isinstance(detail, dict):
        detail = detail.get("message") or detail.get("detail") or ""
    elif isinstance(detail, list):
        detail = "; ".join(str(item.get("msg", item)) if isinstance(item, dict) else str(item) for item in detail)
    return gettext(str(detail))


def message_error(request, exc: ApiError) -> None:
    messages.error(request, error_text(exc))
