"""The client portal (ui.md §4.7): dashboard, projects, the project page with its status card, payment details,
acceptance, marketing consent, the certificate and help. Each view reads through one selector or writes through
one service, the same ones the API and the admin use."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from messaging.services.confirmations import Outcome, confirmation_confirm_by_client
from payments.models import PaymentStatus, PaymentType
from payments.selectors import payments_for_projects
from portals.access import PortalNotFound, portal_project, portal_view
from portals.forms import DraftEditForm, MarketingConsentForm
from portals.status_card import CONFIRMATION_DUE, client_status_card, quote_pending, timeline
from projects.evidence.certificate import certificate_pdf
from projects.evidence.selectors import project_evidence_list
from projects.evidence.services import project_marketing_consent_set
from projects.models import CERTIFIED_STATUSES, EvidenceCategory, ProjectStatus
from projects.selectors import project_list_for_client
from projects.services import project_draft_update
from vejapro.core.actors import Actor
from vejapro.core.admin.display import format_money
from vejapro.core.http.errors import ApiError
from vejapro.core.models import Role

client_view = portal_view(Role.CLIENT)
PHONE = "+370 658 49514"
PAYMENT_KINDS = {
    "avansas": (PaymentType.DEPOSIT, ProjectStatus.DRAFT),
    "likutis": (PaymentType.FINAL, ProjectStatus.CERTIFIED),
}


def _cards(request) -> list[dict]:
    return [
        {"project": project, "card": client_status_card(project)}
        for project in project_list_for_client(user_id=request.user.pk)
    ]


@require_safe
@client_view
def dashboard(request):
    cards = _cards(request)
    context = {
        "cards": cards,
        "action_needed": [item for item in cards if item["card"].action_due],
        "open_estimate": next(
            (
                item["project"]
                for item in cards
                if item["project"].status == ProjectStatus.DRAFT and quote_pending(item["project"])
            ),
            None,
        ),
    }
    return render(request, "portals/client/dashboard.html", context)


@require_safe
@client_view
def project_list(request):
    return render(request, "portals/client/projects.html", {"cards": _cards(request)})


def _paid(payments, payment_type: str):
    amounts = [p.amount for p in payments if p.payment_type == payment_type and p.status == PaymentStatus.SUCCEEDED]
    return sum(amounts) if amounts else None


@require_safe
@client_view
def project_page(request, project_id):
    project = portal_project(request, project_id, role=Role.CLIENT)
    photos = project_evidence_list(project_id=project.pk)
    payments = payments_for_projects(project_ids=[project.pk])
    groups = [
        {"label": label, "photos": [photo for photo in photos if photo.category == category]}
        for category, label in EvidenceCategory.choices
    ]
    context = {
        "project": project,
        "card": client_status_card(project, on_project_page=True),
        "timeline": timeline(project),
        "estimate": (project.client_info or {}).get("estimate") or {},
        "info": project.client_info or {},
        "photo_groups": [group for group in groups if group["photos"]],
        "deposit_paid": _paid(payments, PaymentType.DEPOSIT),
        "final_paid": _paid(payments, PaymentType.FINAL),
        "certified": project.status in CERTIFIED_STATUSES,
        "consent_form": MarketingConsentForm(initial={"consent": project.marketing_consent}),
        "editable": project.status == ProjectStatus.DRAFT and quote_pending(project),
    }
    return render(request, "portals/client/project.html", context)


@require_safe
@client_view
def payment_page(request, project_id, kind):
    project = portal_project(request, project_id, role=Role.CLIENT)
    if kind not in PAYMENT_KINDS:
        raise PortalNotFound
    payment_type, status = PAYMENT_KINDS[kind]
    card = client_status_card(project)
    if project.status != status or card.primary.url.rstrip("/").rsplit("/", 1)[-1] != kind:
        messages.error(request, _("This action is not possible at the moment."))
        return redirect(f"/client/projektai/{project.pk}/")
    context = {
        "project": project,
        "is_deposit": payment_type == PaymentType.DEPOSIT,
        "bank_name": settings.BANK_ACCOUNT_NAME,
        "bank_iban": settings.BANK_ACCOUNT_IBAN,
        "reference": f"Projektas {str(project.pk)[:8]}",
        "phone": PHONE,
    }
    return render(request, "portals/client/payment.html", context)


CONFIRM_MESSAGES = {
    Outcome.CONFIRMED: gettext_lazy("Thank you! The confirmation has been received. Your project is activated."),
    Outcome.ALREADY_CONFIRMED: gettext_lazy("This confirmation has already been received. Thank you!"),
}


@require_http_methods(["GET", "HEAD", "POST"])
@client_view
def confirm_acceptance(request, project_id):
    """The in-portal acceptance page (same text and button as the e-mailed link, ui.md §4.5), confirming the
    newest valid confirmation through the service the link uses (audit ``via: client_portal``)."""
    project = portal_project(request, project_id, role=Role.CLIENT)
    if request.method == "POST" and project.is_confirmed:
        # A second press (or a resent form) after the acceptance: the same answer, nothing done twice.
        messages.success(request, CONFIRM_MESSAGES[Outcome.ALREADY_CONFIRMED])
        return redirect(f"/client/projektai/{project.pk}/")
    if request.method == "POST":
        result = confirmation_confirm_by_client(project=project, user=request.user, request=request)
        if result.outcome in (Outcome.CONFIRMED, Outcome.ALREADY_CONFIRMED):
            messages.success(request, CONFIRM_MESSAGES[result.outcome])
            return redirect(f"/client/projektai/{project.pk}/")
        if result.outcome == Outcome.UNKNOWN:
            messages.error(
                request,
                _("The confirmation link is no longer valid. Contact us: %(phone)s.") % {"phone": PHONE},
            )
        else:
            messages.error(request, _("This action is not possible at the moment."))
        return redirect(f"/client/projektai/{project.pk}/")
    if client_status_card(project).action_due != CONFIRMATION_DUE:
        messages.error(request, _("This action is not possible at the moment."))
        return redirect(f"/client/projektai/{project.pk}/")
    return render(request, "portals/client/confirm.html", {"project": project, "short_id": str(project.pk)[:8]})


@require_POST
@client_view
def marketing_consent(request, project_id):
    project = portal_project(request, project_id, role=Role.CLIENT)
    form = MarketingConsentForm(request.POST)
    form.is_valid()
    consent = bool(form.cleaned_data.get("consent"))
    project_marketing_consent_set(project=project, consent=consent, actor=Actor.for_user(request.user, request))
    if consent:
        messages.success(request, _("Consent saved."))
    else:
        messages.success(request, _("Consent withdrawn. The photos have been removed from the gallery."))
    return redirect(f"/client/projektai/{project.pk}/#sutikimas")


@require_safe
@client_view
def certificate(request, project_id):
    project = portal_project(request, project_id, role=Role.CLIENT)
    if project.status not in CERTIFIED_STATUSES:
        raise PortalNotFound
    response = HttpResponse(certificate_pdf(project=project), content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename=sertifikatas_{str(project.pk)[:8]}.pdf"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@client_view
def draft_edit(request, project_id):
    """«Redaguoti užklausos duomenis» while the estimate waits for the quote."""
    project = portal_project(request, project_id, role=Role.CLIENT)
    if project.status != ProjectStatus.DRAFT or not quote_pending(project):
        messages.error(request, _("This action is not possible at the moment."))
        return redirect(f"/client/projektai/{project.pk}/")
    info = project.client_info or {}
    initial = {
        "phone": info.get("phone", ""),
        "address": info.get("address", ""),
        "area_m2": project.area_m2,
        "notes": (info.get("estimate") or {}).get("notes", ""),
    }
    form = DraftEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            updated, repriced = project_draft_update(
                project=project,
                actor=Actor.for_user(request.user, request),
                phone=data["phone"],
                address=data["address"],
                area_m2=data["area_m2"],
                notes=data["notes"],
            )
        except ApiError:
            messages.error(request, _("This action is not possible at the moment."))
        else:
            messages.success(request, _("Details updated."))
            if repriced:
                messages.success(
                    request, _("New price: %(price)s") % {"price": format_money(updated.total_price_client)}
                )
        return redirect(f"/client/projektai/{project.pk}/")
    return render(request, "portals/client/draft_edit.html", {"project": project, "form": form})


@require_safe
@client_view
def help_page(request):
    return render(request, "portals/client/help.html")
