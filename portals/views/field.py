"""The contractor portal (ui.md §4.8) and the expert portal (§4.9): lists with counters and tabs, project pages with
one primary action per state, photo upload (camera, offline queue), certification and rejection, gallery controls.
Phone first: everything is a plain form that works without JavaScript except the offline queue."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST, require_safe

from payments.models import PaymentType
from payments.services import payment_record_quick
from portals.access import PortalNotFound, portal_project, portal_view
from portals.forms import CertificationForm, GalleryPhotoForm, PhotoUploadForm, PortalPaymentForm
from portals.status_card import CONTRACTOR_LABELS, EXPERT_LABELS, local_datetime
from projects.evidence.certificate import certificate_pdf
from projects.evidence.checklist import checklist_failed_items, checklist_items_for
from projects.evidence.selectors import project_evidence_list, project_latest_rejection
from projects.evidence.services import (
    evidence_approve_for_web,
    evidence_hide_from_web,
    evidence_upload_once,
    project_certify,
    project_reject,
)
from projects.models import CERTIFIED_STATUSES, GALLERY_CATEGORIES, EvidenceCategory, ProjectStatus
from projects.selectors import project_list_for_assignee
from projects.services import MIN_CERTIFICATION_PHOTOS, project_transition_request
from vejapro.core.actors import Actor
from vejapro.core.http.errors import ApiError
from vejapro.core.models import Role

S = ProjectStatus
CONTRACTOR_TABS = (
    ("", pgettext_lazy("portal tab", "All"), None),
    ("apmoketi", pgettext_lazy("portal tab", "Paid"), (S.PAID,)),
    ("suplanuoti", pgettext_lazy("portal tab", "Scheduled"), (S.SCHEDULED,)),
    ("laukia-eksperto", pgettext_lazy("portal tab", "Waiting for the expert"), (S.PENDING_EXPERT,)),
    ("baigti", pgettext_lazy("portal tab", "Finished"), (S.CERTIFIED, S.ACTIVE)),
)
EXPERT_TABS = (
    ("", pgettext_lazy("portal tab", "All"), None),
    ("laukia-patikros", pgettext_lazy("portal tab", "Waiting for inspection"), (S.PENDING_EXPERT,)),
    ("sertifikuoti", pgettext_lazy("portal tab", "Certified"), (S.CERTIFIED,)),
    ("aktyvus", pgettext_lazy("portal tab", "Active"), (S.ACTIVE,)),
)
# The contractor's one primary action per state: the target status and the button.
CONTRACTOR_ACTIONS = {
    S.PAID: (S.SCHEDULED, gettext_lazy("Confirm the schedule")),
    S.SCHEDULED: (S.PENDING_EXPERT, gettext_lazy("Works finished – hand over to the expert")),  # noqa: RUF001
}
PORTALS = {
    Role.SUBCONTRACTOR: {"path": "/contractor/", "tabs": CONTRACTOR_TABS, "labels": CONTRACTOR_LABELS},
    Role.EXPERT: {"path": "/expert/", "tabs": EXPERT_TABS, "labels": EXPERT_LABELS},
}
UPLOAD_CATEGORIES = {
    Role.SUBCONTRACTOR: (EvidenceCategory.SITE_BEFORE, EvidenceCategory.WORK_IN_PROGRESS),
    Role.EXPERT: (EvidenceCategory.EXPERT_CERTIFICATION,),
}


def _first_name(project) -> str:
    return ((project.client_info or {}).get("name") or "").split(" ")[0]


def _locality(project) -> str:
    address = (project.client_info or {}).get("address") or ""
    return address.rsplit(",", 1)[-1].strip() if address else ""


def _row(project, labels) -> dict:
    return {
        "project": project,
        "short_id": str(project.pk)[:8],
        "first_name": _first_name(project),
        "locality": _locality(project),
        "label": labels[project.status],
        "scheduled": local_datetime(project.scheduled_for),
    }


def _project_list(request, role: str):
    portal = PORTALS[role]
    projects = list(project_list_for_assignee(user_id=request.user.pk, role=role))
    wanted = request.GET.get("skiltis", "")
    tabs = []
    shown = projects
    for slug, label, statuses in portal["tabs"]:
        count = len(projects) if statuses is None else sum(1 for p in projects if p.status in statuses)
        tabs.append({"slug": slug, "label": label, "count": count, "current": slug == wanted})
        if slug == wanted and statuses is not None:
            shown = [p for p in projects if p.status in statuses]
    context = {
        "tabs": tabs,
        "counters": tabs if role == Role.EXPERT else tabs[1:],
        "rows": [_row(p, portal["labels"]) for p in shown],
        "portal_path": portal["path"],
        "role": role,
    }
    return render(request, "portals/field/list.html", context)


def _photo_groups(photos, role):
    groups = []
    for category, label in EvidenceCategory.choices:
        items = [photo for photo in photos if photo.category == category]
        if items:
            groups.append({"category": category, "label": label, "photos": items})
    return groups


def _project_page(request, project_id, role: str):
    project = portal_project(request, project_id, role=role)
    photos = project_evidence_list(project_id=project.pk)
    certification_photos = sum(1 for p in photos if p.category == EvidenceCategory.EXPERT_CERTIFICATION)
    action = CONTRACTOR_ACTIONS.get(project.status) if role == Role.SUBCONTRACTOR else None
    rejection = project_latest_rejection(project=project) if role == Role.SUBCONTRACTOR else None
    gallery_photos = []
    if role == Role.EXPERT and project.status in CERTIFIED_STATUSES and settings.ENABLE_MARKETING_MODULE:
        gallery_photos = [
            {"photo": p, "form": GalleryPhotoForm(prefix=str(p.pk), initial=GalleryPhotoForm.initial_for(p))}
            for p in photos
            if p.category in GALLERY_CATEGORIES
        ]
    context = {
        "project": project,
        "short_id": str(project.pk)[:8],
        "label": PORTALS[role]["labels"][project.status],
        "info": project.client_info or {},
        "scheduled": local_datetime(project.scheduled_for),
        "action": {"target": action[0], "label": action[1]} if action else None,
        "photo_count": len(photos),
        "rejection": rejection,
        "photo_groups": _photo_groups(photos, role),
        "upload_form": PhotoUploadForm(categories=UPLOAD_CATEGORIES[role]),
        "certification_photos": certification_photos,
        "certification_missing": max(MIN_CERTIFICATION_PHOTOS - certification_photos, 0),
        "min_certification_photos": MIN_CERTIFICATION_PHOTOS,
        "certification_form": CertificationForm(items=checklist_items_for(has_robot=project.has_robot)),
        "gallery_photos": gallery_photos,
        "consent": project.marketing_consent,
        "certified": project.status in CERTIFIED_STATUSES,
        "portal_path": PORTALS[role]["path"],
        "role": role,
    }
    types = _payment_types(project, role)
    if types:
        context["payment_form"] = PortalPaymentForm(payment_types=types, initial={"key": f"QP-{uuid.uuid4()}"})
    return render(request, "portals/field/project.html", context)


def _back(project, role):
    return redirect(f"{PORTALS[role]['path']}projektai/{project.pk}/")


def _transition(request, project_id, role: str):
    project = portal_project(request, project_id, role=role)
    target = request.POST.get("target", "")
    expected = {target_status for target_status, _label in CONTRACTOR_ACTIONS.values()}
    if target not in expected:
        raise PortalNotFound
    try:
        result = project_transition_request(
            project_id=project.pk, new_status=target, actor=Actor.for_user(request.user, request)
        )
    except ApiError as refusal:
        messages.error(request, _("This action is not possible at the moment.") + f" {refusal.detail}")
    else:
        if result.changed:
            messages.success(request, _("Saved"))
    return _back(project, role)


def _upload(request, project_id, role: str):
    """Photo upload: the plain form (several files, redirect with «Nuotraukos įkeltos (N).») and the offline
    queue's request (one file with its ``client_upload_key``, answered in JSON)."""
    project = portal_project(request, project_id, role=role)
    form = PhotoUploadForm(request.POST, request.FILES, categories=UPLOAD_CATEGORIES[role])
    queued = request.headers.get("X-Upload-Queue") == "1"
    if not form.is_valid():
        if queued:
            return JsonResponse({"ok": False, "detail": _("Could not upload the photo.")}, status=400)
        messages.error(request, _("Could not upload the photo."))
        return _back(project, role)
    actor = Actor.for_user(request.user, request)
    uploaded = 0
    try:
        for upload in form.cleaned_data["files"]:
            evidence, _created = evidence_upload_once(
                project=project,
                category=form.cleaned_data["category"],
                upload=upload,
                actor=actor,
                client_upload_key=form.cleaned_data["client_upload_key"] or None,
            )
            uploaded += 1
    except ApiError:
        if queued:
            return JsonResponse({"ok": False, "detail": _("Could not upload the photo.")}, status=400)
        messages.error(request, _("Could not upload the photo."))
        return _back(project, role)
    if queued:
        return JsonResponse({"ok": True, "evidence_id": str(evidence.pk), "created": _created})
    messages.success(request, _("Photos uploaded (%(count)s).") % {"count": uploaded})
    return _back(project, role)


def _payment_types(project, role: str) -> tuple[str, ...]:
    """Which payment the portal may record (ui.md §4.8, §4.9), behind ENABLE_FINANCE_LEDGER and
    ENABLE_MANUAL_PAYMENTS; the expert records only the balance."""
    if not (settings.ENABLE_FINANCE_LEDGER and settings.ENABLE_MANUAL_PAYMENTS):
        return ()
    if project.status in CERTIFIED_STATUSES:
        return (PaymentType.FINAL,)
    if project.status == S.DRAFT and role == Role.SUBCONTRACTOR:
        return (PaymentType.DEPOSIT,)
    return ()


def _payment(request, project_id, role: str):
    project = portal_project(request, project_id, role=role)
    types = _payment_types(project, role)
    if not types:
        raise PortalNotFound
    form = PortalPaymentForm(request.POST, payment_types=types)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return _back(project, role)
    data = form.cleaned_data
    try:
        result = payment_record_quick(
            project_id=project.pk,
            payment_type=data["payment_type"],
            amount=data["amount"],
            payment_method=data["payment_method"],
            receipt_no=data["receipt_no"] or None,
            provider_event_id=data["key"],
            actor=Actor.for_user(request.user, request),
            source="portal",
        )
    except ApiError as refusal:
        messages.error(request, str(refusal.detail))
    else:
        messages.success(
            request, _("The payment was already recorded.") if result.idempotent else _("Payment recorded.")
        )
    return _back(project, role)


def _certificate(request, project_id, role: str):
    project = portal_project(request, project_id, role=role)
    if project.status not in CERTIFIED_STATUSES:
        raise PortalNotFound
    response = HttpResponse(certificate_pdf(project=project), content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename=sertifikatas_{str(project.pk)[:8]}.pdf"
    return response


# --- contractor -------------------------------------------------------------------------------------------

contractor_view = portal_view(Role.SUBCONTRACTOR)
expert_view = portal_view(Role.EXPERT)


@require_safe
@contractor_view
def contractor_list(request):
    return _project_list(request, Role.SUBCONTRACTOR)


@require_safe
@contractor_view
def contractor_project(request, project_id):
    return _project_page(request, project_id, Role.SUBCONTRACTOR)


@require_POST
@contractor_view
def contractor_transition(request, project_id):
    return _transition(request, project_id, Role.SUBCONTRACTOR)


@require_POST
@contractor_view
def contractor_upload(request, project_id):
    return _upload(request, project_id, Role.SUBCONTRACTOR)


@require_POST
@contractor_view
def contractor_payment(request, project_id):
    return _payment(request, project_id, Role.SUBCONTRACTOR)


@require_POST
@expert_view
def expert_payment(request, project_id):
    return _payment(request, project_id, Role.EXPERT)


@require_safe
@contractor_view
def contractor_certificate(request, project_id):
    return _certificate(request, project_id, Role.SUBCONTRACTOR)


# --- expert -----------------------------------------------------------------------------------------------


@require_safe
@expert_view
def expert_list(request):
    return _project_list(request, Role.EXPERT)


@require_safe
@expert_view
def expert_project(request, project_id):
    return _project_page(request, project_id, Role.EXPERT)


@require_POST
@expert_view
def expert_upload(request, project_id):
    return _upload(request, project_id, Role.EXPERT)


@require_safe
@expert_view
def expert_certificate(request, project_id):
    return _certificate(request, project_id, Role.EXPERT)


@require_POST
@expert_view
def expert_certify(request, project_id):
    """«Sertifikuoti» and «Atmesti» of the checklist form: the guards answer with the spec's messages."""
    project = portal_project(request, project_id, role=Role.EXPERT)
    items = checklist_items_for(has_robot=project.has_robot)
    form = CertificationForm(request.POST, items=items)
    form.is_valid()
    checklist = form.checklist()
    notes = (form.cleaned_data.get("notes") or "").strip()
    actor = Actor.for_user(request.user, request)
    if request.POST.get("decision") == "reject":
        if not notes:
            messages.error(request, _("Please enter the reason for the rejection in the notes"))
            return _back(project, Role.EXPERT)
        try:
            project_reject(
                project=project,
                actor=actor,
                reason=notes,
                failed_items=checklist_failed_items(has_robot=project.has_robot, checklist=checklist),
            )
        except ApiError as refusal:
            messages.error(request, _("This action is not possible at the moment.") + f" {refusal.detail}")
        else:
            messages.success(request, _("The rejection has been recorded."))
        return _back(project, Role.EXPERT)
    if project.status in CERTIFIED_STATUSES:
        # The same form sent again after a success: already done, nothing to repeat.
        messages.success(request, _("The project has been certified successfully"))
        return _back(project, Role.EXPERT)
    if not all(checklist.get(item.key) for item in items):
        messages.error(request, _("Please tick every item of the checklist"))
        return _back(project, Role.EXPERT)
    try:
        project_certify(project=project, actor=actor, checklist=checklist, notes=notes)
    except ApiError as refusal:
        messages.error(request, _("Error certifying the project: %(detail)s") % {"detail": refusal.detail})
    else:
        messages.success(request, _("The project has been certified successfully"))
    return _back(project, Role.EXPERT)


@require_POST
@expert_view
def expert_gallery(request, project_id, evidence_id):
    project = portal_project(request, project_id, role=Role.EXPERT)
    photo = next((p for p in project_evidence_list(project_id=project.pk) if str(p.pk) == evidence_id), None)
    if photo is None or not settings.ENABLE_MARKETING_MODULE:
        raise PortalNotFound
    form = GalleryPhotoForm(request.POST, prefix=str(photo.pk))
    form.is_valid()
    actor = Actor.for_user(request.user, request)
    try:
        if form.cleaned_data.get("show_on_web"):
            evidence_approve_for_web(
                evidence=photo,
                actor=actor,
                location_tag=form.cleaned_data.get("location_tag") or "",
                is_featured=bool(form.cleaned_data.get("is_featured")),
            )
        else:
            evidence_hide_from_web(evidence=photo, actor=actor)
    except ApiError as refusal:
        messages.error(request, refusal.detail)
    else:
        messages.success(request, _("Saved"))
    return _back(project, Role.EXPERT)
