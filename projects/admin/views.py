"""Workflow buttons of the project screen (ui.md §3.3). Each view accepts only POST, validates its form and hands one
service call to ``service_action``, which answers with a message and a redirect back to the project screen at the
section the button came from; the links and the PDF render a page instead."""

from datetime import UTC, datetime
from functools import partial

from django.contrib import admin, messages
from django.http import Http404, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from messaging.admin.views import confirmation_resend_report
from messaging.selectors import confirmation_requested_after
from messaging.services import appointment_schedule_project, client_access_send, confirmation_admin_confirm
from payments.models import Payment
from payments.services import (
    payment_deposit_record_and_mark_paid,
    payment_deposit_waive_and_mark_paid,
    payment_record_manual,
    payment_void,
)
from payments.stripe.services import payment_link_create
from projects.admin.forms import (
    AssignForm,
    CertificationForm,
    EvidenceUploadForm,
    FinalQuoteForm,
    ManualPaymentForm,
    MarketingConsentForm,
    PublishPhotoForm,
    ReasonForm,
    StripeLinkForm,
    VisitForm,
    WaiveDepositForm,
)
from projects.evidence.certificate import certificate_pdf
from projects.evidence.services import (
    evidence_approve_for_web,
    evidence_delete,
    evidence_hide_from_web,
    evidence_seed_certification,
    evidence_upload,
    project_certify,
    project_marketing_consent_set,
    project_reject,
)
from projects.models import Evidence, Project, ProjectStatus
from projects.services import (
    project_anonymize,
    project_assign_contractor,
    project_assign_expert,
    project_client_token_issue,
    project_delete,
    project_final_quote_set,
    project_transition,
)
from vejapro.core.actors import Actor
from vejapro.core.admin.display import format_local
from vejapro.core.admin.errors import message_error
from vejapro.core.admin.views import Notice, service_action
from vejapro.core.http.errors import ApiError
from vejapro.core.models import Role
from vejapro.core.settings_helpers import development_helpers_enabled, flag

ADMIN_SOURCE = {"source": "admin"}


def project_url(project_id, anchor: str = "") -> str:
    url = reverse("admin:projects_project_change", args=[project_id])
    return f"{url}#{anchor}" if anchor else url


def _back(project_id, anchor: str = "workflow") -> HttpResponseRedirect:
    return HttpResponseRedirect(project_url(project_id, anchor))


def _form_errors(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def _actor(request) -> Actor:
    return Actor.for_user(request.user, request)


def _project_action(
    request, project_id, call, success, *, anchor: str = "workflow", refused_anchor: str = "", keep: str = ""
):
    """A button of the project screen through ``service_action``: back at ``anchor`` (``refused_anchor`` when the
    service refused, with the input of the form named ``keep`` kept for the screen to show again)."""
    return service_action(
        request,
        call=call,
        success=success,
        redirect_to=project_url(project_id, anchor),
        refused_to=project_url(project_id, refused_anchor or anchor),
        on_refused=partial(_keep_input, request, project_id, keep) if keep else None,
    )


def _transition(request, project_id, new_status: str, done_text: str, anchor: str):
    project = get_object_or_404(Project, pk=project_id)

    def notice(result) -> Notice:
        return done_text if result.changed else (messages.INFO, gettext("The status has already been changed."))

    call = partial(
        project_transition, project=project, new_status=new_status, actor=_actor(request), metadata=ADMIN_SOURCE
    )
    return _project_action(request, project_id, call, notice, anchor=anchor)


@require_POST
def mark_paid(request, project_id):
    """«Pažymėti apmokėtu» (DRAFT with a deposit fact → PAID)."""
    return _transition(request, project_id, ProjectStatus.PAID, gettext("The project is marked as paid."), "workflow")


@require_POST
def mark_scheduled(request, project_id):
    """«Pažymėti suplanuotu» (PAID → SCHEDULED) with the confirmed first visit at the date asked for."""
    form = VisitForm(request.POST)
    if not _saved_or_errors(request, form, keep=(project_id, "mark_scheduled")):
        return _back(project_id, "veiksmas-planavimas")
    call = partial(
        appointment_schedule_project,
        project_id=project_id,
        starts_at=form.cleaned_data["starts_at"],
        ends_at=form.cleaned_data["ends_at"],
        actor=_actor(request),
    )
    return _project_action(
        request,
        project_id,
        call,
        gettext("The project is marked as scheduled."),
        anchor="workflow",
        refused_anchor="veiksmas-planavimas",
        keep="mark_scheduled",
    )


@require_POST
def hand_to_expert(request, project_id):
    """«Darbai baigti - perduoti ekspertui» (SCHEDULED → PENDING_EXPERT)."""
    return _transition(
        request, project_id, ProjectStatus.PENDING_EXPERT, gettext("The project is handed to the expert."), "workflow"
    )


@require_POST
def set_final_quote(request, project_id):
    """«Išsaugoti galutinę kainą» (DRAFT with a pending quote)."""
    project = get_object_or_404(Project, pk=project_id)
    form = FinalQuoteForm(request.POST)
    if not _saved_or_errors(request, form, keep=(project.pk, "final_quote")):
        return _back(project.pk, "veiksmas-galutine-kaina")
    data = form.cleaned_data
    call = partial(
        project_final_quote_set,
        project=project,
        actor=_actor(request),
        service=data["service"],
        method=data["method"],
        area_m2=data["area_m2"],
        total_price=data["total_price"],
        notes=data["notes"],
    )
    success = gettext("The final price is saved.")
    return _project_action(
        request, project.pk, call, success, refused_anchor="veiksmas-galutine-kaina", keep="final_quote"
    )


@require_POST
def delete_project(request, project_id):
    """«Ištrinti projektą»: a spam or test DRAFT only (audit PROJECT_DELETED)."""
    project = get_object_or_404(Project, pk=project_id)
    return service_action(
        request,
        call=partial(project_delete, project=project, actor=_actor(request)),
        success=gettext("The project is deleted."),
        redirect_to=reverse("admin:projects_project_changelist"),
        refused_to=project_url(project.pk, "papildomos"),
    )


def _saved_or_errors(request, form, *, keep: tuple | None = None) -> bool:
    if form.is_valid():
        return True
    _form_errors(request, form)
    if keep:
        _keep_input(request, *keep)
    return False


KEPT_INPUT = "vejapro-admin-kept-input"


def _keep_input(request, project_id, form_name: str) -> None:
    """A refused workflow form comes back filled in, its errors next to the fields (ui.md §1), not emptied."""
    data = {key: values for key, values in request.POST.lists() if key != "csrfmiddlewaretoken"}
    request.session[KEPT_INPUT] = {"project": str(project_id), "form": form_name, "data": data}


def kept_input(request, project_id) -> tuple[str | None, QueryDict | None]:
    """The input a refused form left for this project's screen (read once): ``(form name, data)``."""
    kept = request.session.pop(KEPT_INPUT, None)
    if not kept or kept.get("project") != str(project_id):
        return None, None
    data = QueryDict(mutable=True)
    for key, values in kept["data"].items():
        data.setlist(key, values)
    return kept["form"], data


@require_POST
def record_deposit(request, project_id):
    """«Įrašyti mokėjimą» in DRAFT: the deposit and DRAFT → PAID in one transaction."""
    form = ManualPaymentForm(request.POST, prefix="deposit")
    if not _saved_or_errors(request, form, keep=(project_id, "deposit")):
        return _back(project_id, "veiksmas-depozitas")
    data = form.cleaned_data
    call = partial(
        payment_deposit_record_and_mark_paid,
        project_id=project_id,
        amount=data["amount"],
        payment_method=data["payment_method"],
        provider_event_id=data["provider_event_id"],
        actor=_actor(request),
        currency=data["currency"],
        receipt_no=data["receipt_no"] or None,
        received_at=data["received_at"],
        notes=data["notes"],
    )
    success = _deposit_notice(gettext("The payment is recorded and the project is paid."))
    return _project_action(request, project_id, call, success, refused_anchor="veiksmas-depozitas", keep="deposit")


def _deposit_notice(done_text: str):
    """A deposit button's message: ``done_text``, or «already recorded» when the same key was sent again."""

    def notice(outcome) -> Notice:
        return (messages.INFO, gettext("The payment had already been recorded.")) if outcome.replayed else done_text

    return notice


@require_POST
def waive_deposit(request, project_id):
    """«Atidėti įnašą»: the waiver and DRAFT → PAID in one transaction."""
    form = WaiveDepositForm(request.POST)
    if not _saved_or_errors(request, form):
        return _back(project_id, "veiksmas-depozitas")
    call = partial(
        payment_deposit_waive_and_mark_paid,
        project_id=project_id,
        provider_event_id=form.cleaned_data["provider_event_id"],
        actor=_actor(request),
        notes=form.cleaned_data["notes"],
    )
    success = _deposit_notice(gettext("The deposit is waived and the project is paid."))
    return _project_action(request, project_id, call, success, refused_anchor="veiksmas-depozitas")


def _assign(request, project_id, *, role: str, service, done_text: str, anchor: str, form_name: str):
    form = AssignForm(request.POST, role=role)
    if not _saved_or_errors(request, form, keep=(project_id, form_name)):
        return _back(project_id, anchor)

    def notice(result) -> Notice:
        return done_text if result.changed else (messages.INFO, gettext("Already assigned."))

    call = partial(service, project_id=project_id, user_id=str(form.cleaned_data["user"].pk), actor=_actor(request))
    return _project_action(request, project_id, call, notice, anchor=anchor, keep=form_name)


@require_POST
def assign_contractor(request, project_id):
    """«Priskirti» a contractor (PAID «Planavimas»)."""
    return _assign(
        request,
        project_id,
        role=Role.SUBCONTRACTOR,
        service=project_assign_contractor,
        done_text=gettext("The contractor is assigned."),
        anchor="veiksmas-planavimas",
        form_name="assign_contractor",
    )


@require_POST
def assign_expert(request, project_id):
    """«Priskirti» an expert (SCHEDULED «Vykdymas»)."""
    return _assign(
        request,
        project_id,
        role=Role.EXPERT,
        service=project_assign_expert,
        done_text=gettext("The expert is assigned."),
        anchor="veiksmas-vykdymas",
        form_name="assign_expert",
    )


@require_POST
def certify(request, project_id):
    """«Sertifikuoti»: the checklist and at least 3 certification photos (PENDING_EXPERT → CERTIFIED)."""
    project = get_object_or_404(Project, pk=project_id)
    form = CertificationForm(request.POST, has_robot=project.has_robot)
    if not _saved_or_errors(request, form, keep=(project.pk, "certification")):
        return _back(project.pk, "veiksmas-sertifikavimas")
    call = partial(
        project_certify,
        project=project,
        actor=_actor(request),
        checklist=form.checklist(),
        notes=form.cleaned_data["notes"],
    )
    success = gettext("The project is certified.")
    return _project_action(
        request, project.pk, call, success, refused_anchor="veiksmas-sertifikavimas", keep="certification"
    )


@require_POST
def reject(request, project_id):
    """«Atmesti»: the expert's veto with a reason (the notes); the status stays PENDING_EXPERT."""
    project = get_object_or_404(Project, pk=project_id)
    form = CertificationForm(request.POST, has_robot=project.has_robot)
    if not _saved_or_errors(request, form, keep=(project.pk, "certification")):
        return _back(project.pk, "veiksmas-sertifikavimas")
    call = partial(
        project_reject,
        project=project,
        actor=_actor(request),
        reason=form.cleaned_data["notes"],
        failed_items=form.failed_items(),
    )
    success = gettext("The rejection is recorded.")
    return _project_action(request, project.pk, call, success, anchor="veiksmas-sertifikavimas", keep="certification")


@require_POST
def seed_photos(request, project_id):
    """«Sert. foto (seed)»: three placeholder certification photos, on a development machine only."""
    if not development_helpers_enabled():
        raise Http404
    call = partial(evidence_seed_certification, project=project_id, count=3, actor=_actor(request))

    def notice(created) -> Notice:
        return gettext("Certification photos added: %(count)s.") % {"count": len(created)}

    return _project_action(request, project_id, call, notice, anchor="veiksmas-sertifikavimas")


@require_POST
def record_final(request, project_id):
    """«Galutinis mokėjimas (FINAL)»: the payment; the client confirmation request follows in the service."""
    form = ManualPaymentForm(request.POST, prefix="final")
    if not _saved_or_errors(request, form, keep=(project_id, "final")):
        return _back(project_id, "veiksmas-galutinis")
    data = form.cleaned_data
    call = partial(
        payment_record_manual,
        project_id=project_id,
        payment_type="FINAL",
        amount=data["amount"],
        payment_method=data["payment_method"],
        provider_event_id=data["provider_event_id"],
        actor=_actor(request),
        currency=data["currency"],
        receipt_no=data["receipt_no"] or None,
        received_at=data["received_at"],
        notes=data["notes"],
        source="admin",
    )

    def notice(result) -> Notice:
        # The service asks the client to confirm only when it has an e-mail or a phone to ask on.
        if result.idempotent:
            return messages.INFO, gettext("The payment had already been recorded.")
        if confirmation_requested_after(project_id=project_id, moment=result.payment.created_at):
            return gettext("The payment is recorded. The confirmation to the client is queued.")
        return messages.WARNING, gettext(
            "The payment is recorded. The confirmation could not be sent to the client: no e-mail or phone."
        )

    return _project_action(request, project_id, call, notice, refused_anchor="veiksmas-galutinis", keep="final")


@require_POST
def void_payment(request, project_id, payment_id):
    """«Anuliuoti» a SUCCEEDED manual payment with a reason; the project status does not change."""
    form = ReasonForm(request.POST)
    if not _saved_or_errors(request, form):
        return _back(project_id, "mokejimai")
    payment = get_object_or_404(Payment, pk=payment_id, project_id=project_id)
    call = partial(payment_void, payment=payment, actor=_actor(request), reason=form.cleaned_data["reason"])
    success = gettext("The payment is voided. The project status is unchanged.")
    return _project_action(request, project_id, call, success, anchor="mokejimai")


@require_POST
def upload_photo(request, project_id):
    """«Įkelti»: one photo of the chosen category."""
    project = get_object_or_404(Project, pk=project_id)
    form = EvidenceUploadForm(request.POST, request.FILES)
    if not _saved_or_errors(request, form):
        return _back(project.pk, "nuotraukos")
    call = partial(
        evidence_upload,
        project=project,
        category=form.cleaned_data["category"],
        upload=form.cleaned_data["file"],
        actor=_actor(request),
    )
    return _project_action(request, project.pk, call, gettext("The photo is uploaded."), anchor="nuotraukos")


def _project_photo(project_id, evidence_id) -> Evidence:
    return get_object_or_404(Evidence, pk=evidence_id, project_id=project_id)


@require_POST
def publish_photo(request, project_id, evidence_id):
    """«Rodyti galerijoje» with a region and the featured mark."""
    photo = _project_photo(project_id, evidence_id)
    form = PublishPhotoForm(request.POST)
    if not _saved_or_errors(request, form):
        return _back(project_id, "nuotraukos")
    call = partial(
        evidence_approve_for_web,
        evidence=photo,
        actor=_actor(request),
        location_tag=form.cleaned_data["location_tag"],
        is_featured=form.cleaned_data["is_featured"],
    )
    return _project_action(
        request, project_id, call, gettext("The photo is shown in the gallery."), anchor="nuotraukos"
    )


@require_POST
def hide_photo(request, project_id, evidence_id):
    """«Slėpti iš galerijos»."""
    photo = _project_photo(project_id, evidence_id)
    call = partial(evidence_hide_from_web, evidence=photo, actor=_actor(request))
    return _project_action(
        request, project_id, call, gettext("The photo is hidden from the gallery."), anchor="nuotraukos"
    )


@require_POST
def delete_photo(request, project_id, evidence_id):
    """«Ištrinti» a photo with a reason (not a certification photo of a certified project)."""
    photo = _project_photo(project_id, evidence_id)
    form = ReasonForm(request.POST)
    if not _saved_or_errors(request, form):
        return _back(project_id, "nuotraukos")
    call = partial(evidence_delete, evidence=photo, actor=_actor(request), reason=form.cleaned_data["reason"])
    return _project_action(request, project_id, call, gettext("The photo is deleted."), anchor="nuotraukos")


@require_POST
def marketing_consent(request, project_id):
    """«Rinkodaros sutikimas»: consent recorded by the admin (revoking hides the published photos)."""
    form = MarketingConsentForm(request.POST)
    form.is_valid()
    consent = bool(form.cleaned_data.get("marketing_consent"))
    call = partial(project_marketing_consent_set, project=project_id, consent=consent, actor=_actor(request))
    if consent:
        success = gettext("The consent is saved.")
    else:
        success = gettext("The consent is withdrawn. The photos are removed from the gallery.")
    return _project_action(request, project_id, call, success, anchor="papildomos")


@require_POST
def client_link(request, project_id):
    """«Kliento portalo nuoroda» → «Sugeneruoti»: a client token link (audit CLIENT_TOKEN_ISSUED)."""

    try:
        token = project_client_token_issue(project_id=project_id, actor=_actor(request))
    except ApiError as exc:
        message_error(request, exc)
        return _back(project_id, "papildomos")
    context = {
        **admin.site.each_context(request),
        "title": gettext("Client portal link"),
        "link": token.portal_url,
        "client_id": token.client_id,
        "expires": format_local(datetime.fromtimestamp(token.expires_at, tz=UTC)),
        "back_url": project_url(project_id, "papildomos"),
    }
    return TemplateResponse(request, "admin/projects/project/client_link.html", context)


def certificate(request, project_id):
    """«Sertifikatas (PDF)» for a CERTIFIED or ACTIVE project, in the back office session."""
    project = get_object_or_404(Project, pk=project_id)
    try:
        pdf = certificate_pdf(project=project)
    except ApiError as exc:
        message_error(request, exc)
        return _back(project.pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename=certificate_{project.pk}.pdf"
    return response


def _resend(request, project_id, channel: str):
    confirmation_resend_report(request, project_id=project_id, channel=channel)
    return _back(project_id, "veiksmas-aktyvavimas")


@require_POST
def resend_email(request, project_id):
    """«Persiųsti el. paštu (N)»."""
    return _resend(request, project_id, "email")


@require_POST
def resend_sms(request, project_id):
    """«Persiųsti SMS (N)»."""
    return _resend(request, project_id, "sms")


@require_POST
def activate(request, project_id):
    """«Aktyvuoti»: the admin override with a written reason (CERTIFIED with a final payment → ACTIVE)."""
    form = ReasonForm(request.POST)
    if not _saved_or_errors(request, form, keep=(project_id, "activate")):
        return _back(project_id, "veiksmas-aktyvavimas")
    call = partial(
        confirmation_admin_confirm, project_id=project_id, reason=form.cleaned_data["reason"], actor=_actor(request)
    )
    success = gettext("The project is activated.")
    return _project_action(request, project_id, call, success, refused_anchor="veiksmas-aktyvavimas", keep="activate")


@require_POST
def send_access(request, project_id):
    """«Siųsti prieigą klientui»: the CLIENT_PORTAL_ACCESS e-mail with a portal link."""
    call = partial(client_access_send, project_id=project_id, actor=_actor(request))
    return _project_action(request, project_id, call, gettext("The access e-mail is queued."), anchor="papildomos")


@require_POST
def stripe_link(request, project_id):
    """«Stripe nuoroda» (with ``ENABLE_STRIPE``): a Checkout link to copy and send by hand."""

    if not flag("ENABLE_STRIPE"):
        raise Http404
    form = StripeLinkForm(request.POST)
    if not _saved_or_errors(request, form, keep=(project_id, "stripe_link")):
        return _back(project_id, "papildomos")
    try:
        link = payment_link_create(
            project_id=project_id,
            payment_type=form.cleaned_data["payment_type"],
            amount=form.cleaned_data["amount"],
            actor=_actor(request),
        )
    except ApiError as exc:
        message_error(request, exc)
        _keep_input(request, project_id, "stripe_link")
        return _back(project_id, "papildomos")
    context = {
        **admin.site.each_context(request),
        "title": gettext("Stripe link"),
        "link": link.url,
        "expires": format_local(datetime.fromtimestamp(link.expires_at, tz=UTC)) if link.expires_at else "",
        "back_url": project_url(project_id, "papildomos"),
    }
    return TemplateResponse(request, "admin/projects/project/stripe_link.html", context)


@require_POST
def anonymize(request, project_id):
    """«Anonimizuoti klientą»: erasure on request (audit PROJECT_ANONYMIZED with reason ``request``)."""
    project = get_object_or_404(Project, pk=project_id)

    def notice(removed) -> Notice:
        return (
            gettext("The client is anonymised.")
            if removed
            else (messages.INFO, gettext("There is nothing left to anonymise."))
        )

    call = partial(project_anonymize, project_id=project.pk, actor=_actor(request), reason="request")
    return _project_action(request, project.pk, call, notice, anchor="papildomos")
