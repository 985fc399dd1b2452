"""Workflow buttons of the project screen (ui.md §3.3). Each view validates its form, calls one service and
answers with a message and a redirect back to the project screen at the section it came from."""

from django.contrib import messages
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext

from projects import admin_forms
from projects.admin_services import project_delete, project_final_quote_set
from projects.models import Project, ProjectStatus
from projects.services import project_transition
from vejapro.core.actors import Actor
from vejapro.core.admin_errors import message_error
from vejapro.core.errors import ApiError

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


def post_only(view):
    def wrapped(request, *args, **kwargs):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _actor(request) -> Actor:
    return Actor.for_user(request.user, request)


def _transition(request, project_id, new_status: str, done_text: str, anchor: str):
    project = get_object_or_404(Project, pk=project_id)
    try:
        result = project_transition(
            project=project, new_status=new_status, actor=_actor(request), metadata=ADMIN_SOURCE
        )
    except ApiError as exc:
        message_error(request, exc)
    else:
        if result.changed:
            messages.success(request, done_text)
        else:
            messages.info(request, gettext("The status has already been changed."))
    return _back(project_id, anchor)


@post_only
def mark_paid(request, project_id):
    """«Pažymėti apmokėtu» (DRAFT with a deposit fact → PAID)."""
    return _transition(request, project_id, ProjectStatus.PAID, gettext("The project is marked as paid."), "workflow")


@post_only
def mark_scheduled(request, project_id):
    """«Pažymėti suplanuotu» (PAID → SCHEDULED)."""
    return _transition(
        request, project_id, ProjectStatus.SCHEDULED, gettext("The project is marked as scheduled."), "workflow"
    )


@post_only
def hand_to_expert(request, project_id):
    """«Darbai baigti - perduoti ekspertui» (SCHEDULED → PENDING_EXPERT)."""
    return _transition(
        request, project_id, ProjectStatus.PENDING_EXPERT, gettext("The project is handed to the expert."), "workflow"
    )


@post_only
def set_final_quote(request, project_id):
    """«Išsaugoti galutinę kainą» (DRAFT with a pending quote)."""
    project = get_object_or_404(Project, pk=project_id)
    form = admin_forms.FinalQuoteForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(project.pk)
    data = form.cleaned_data
    try:
        project_final_quote_set(
            project=project,
            actor=_actor(request),
            service=data["service"],
            method=data["method"],
            area_m2=data["area_m2"],
            total_price=data["total_price"],
            notes=data["notes"],
        )
    except ApiError as exc:
        message_error(request, exc)
    else:
        messages.success(request, gettext("The final price is saved."))
    return _back(project.pk)


@post_only
def delete_project(request, project_id):
    """«Ištrinti projektą»: a spam or test DRAFT only (audit PROJECT_DELETED)."""
    project = get_object_or_404(Project, pk=project_id)
    try:
        project_delete(project=project, actor=_actor(request))
    except ApiError as exc:
        message_error(request, exc)
        return _back(project.pk, "papildomos")
    messages.success(request, gettext("The project is deleted."))
    return HttpResponseRedirect(reverse("admin:projects_project_changelist"))
