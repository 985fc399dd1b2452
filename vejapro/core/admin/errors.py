"""Service errors shown in the back office: the API contract texts, translated for people where they are English
or written without Lithuanian diacritics (api texts keep them as the contract says; pages use correct spelling)."""

from django.contrib import messages
from django.utils.translation import gettext, gettext_noop

from vejapro.core.http.errors import ApiError

# Contract texts of the API (workflow.md §4, §6) that are not Lithuanian; the admin shows their translation.
CONTRACT_TEXTS = (
    gettext_noop("Deposit payment not recorded"),
    gettext_noop("Final payment not recorded"),
    gettext_noop("Client confirmation not received"),
    gettext_noop("Deposit allowed only for DRAFT projects"),
    gettext_noop("Final payment allowed only for CERTIFIED/ACTIVE projects"),
    gettext_noop("User role must be SUBCONTRACTOR"),
    gettext_noop("User role must be EXPERT"),
    gettext_noop("Invalid user_id"),
    gettext_noop("Empty file"),
    gettext_noop("File is too large"),
    gettext_noop("Evidence not found"),
    gettext_noop("client_id missing in project.client_info"),
    # Contract texts written without diacritics or naming fields: people read them with correct Lithuanian.
    gettext_noop("Kliento el. pastas nenurodytas project.client_info"),
    gettext_noop("Patvirtinimo irasas nerastas"),
    gettext_noop("Priezastis privaloma"),
    gettext_noop("Projektas dar neparuotas sertifikavimui"),
    gettext_noop("Galima kartoti tik FAILED pranesimus"),
    gettext_noop("Klientas nesutiko su nuotrauku naudojimu"),
    gettext_noop("provider_event_id jau panaudotas su kitais parametrais"),
    gettext_noop("provider_event_id jau panaudotas kitam mokėjimui"),
    gettext_noop("receipt_no jau panaudotas"),
    # Contract texts naming a status by its code: people read the status as the screens name it.
    gettext_noop("Galutinė kaina nustatoma tik DRAFT projektams"),
    gettext_noop("Ištrinti galima tik DRAFT projektą"),
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
