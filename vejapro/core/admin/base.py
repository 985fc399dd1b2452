"""Base classes of every back office screen.

Permissions come from the role (ADMIN or a break-glass superuser), not from Django model permissions. Facts
(payments, confirmations, outbox, audit, margins) use ``FactAdmin``: nothing can be added, changed or deleted there;
their workflow buttons are custom views that call services. Screens whose add and change forms write through a
service (users, projects, new margin versions) use ``ServiceSavedModelAdmin``.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vejapro.core.accounts.access import is_back_office_user
from vejapro.core.actors import Actor
from vejapro.core.admin.errors import message_error
from vejapro.core.http.errors import ApiError


class VejaProModelAdmin(admin.ModelAdmin):
    list_per_page = 50
    list_max_show_all = 0  # no "show all" link
    show_full_result_count = False
    # Django's «Rodyti skaičius» toggle: the back office's own filters (attention, period, state…) are
    # SimpleListFilters without counts, so the link did nothing visible there, and on the other lists it adds a
    # counting query over every row.
    show_facets = admin.ShowFacets.NEVER
    list_title = None  # the page title of the list (ui.md labels), instead of Django's "Select … to change"
    add_label = None  # the add button and the add page title («Naujas projektas»), instead of Django's «Naujas %s»

    def _admin(self, request) -> bool:
        return is_back_office_user(request.user)

    def has_module_permission(self, request) -> bool:
        return self._admin(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._admin(request)

    def has_add_permission(self, request) -> bool:
        return self._admin(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._admin(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        context = {"title": self.list_title} if self.list_title else {}
        return super().changelist_view(request, extra_context={**context, **(extra_context or {})})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Django's «Pakeisti %s» / «Peržiūrėti %s» with a nominative noun is not Lithuanian («Pakeisti naudotojas»):
        # the object screen is titled by what it is («Naudotojas», «Mokėjimas»).
        context = {"title": capfirst(self.model._meta.verbose_name), **(extra_context or {})}
        return super().change_view(request, object_id, form_url, context)

    def add_view(self, request, form_url="", extra_context=None):
        context = {"title": self.add_label} if self.add_label else {}
        return super().add_view(request, form_url, {**context, **(extra_context or {})})

    def history_view(self, request, object_id, extra_context=None):
        """«Istorija» is the audit log of the object (services write it; Django's LogEntry is not used)."""
        url = reverse("admin:core_auditlog_changelist")
        return HttpResponseRedirect(f"{url}?objekto_id={object_id}&laikotarpis=all")

    # The audit log written by the services is the history; Django's LogEntry rows would duplicate it.
    def log_addition(self, request, obj, message):
        return None

    def log_change(self, request, obj, message):
        return None

    def log_deletion(self, request, obj, object_repr):
        return None

    def log_deletions(self, request, queryset):
        return None


class FactAdmin(VejaProModelAdmin):
    """A read-only screen over business facts: no add, no change, no delete."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ServiceSavedModelAdmin(VejaProModelAdmin):
    """A screen whose forms write through a service, never through ``form.save()``: the service checks the rules and
    writes the audit row in its transaction, and its refusal (``ApiError``) becomes an error message, not a 500.

    A subclass sets ``add_form`` (a plain form on the «simple form» page) and ``created_message``, and implements
    ``create_through_service(request, form, actor)`` (returns the new object) and, when its objects can be changed,
    ``update_through_service(request, obj, form, actor)`` (returns whether anything changed: the service compares).
    The base shows «Išsaugota» / «Nieko nepakeista» or the refusal and goes back to the object's screen.
    """

    add_form = None
    created_message = None

    def create_through_service(self, request, form, actor: Actor):
        raise NotImplementedError

    def update_through_service(self, request, obj, form, actor: Actor) -> bool:
        raise NotImplementedError

    def object_url(self, obj) -> str:
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])

    def created_url(self, obj) -> str:
        return self.object_url(obj)

    # Add: the service creates the object; a refusal keeps the page with what was typed.
    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = self.add_form(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                obj = self.create_through_service(request, form, Actor.for_user(request.user, request))
            except ApiError as exc:
                message_error(request, exc)
            else:
                messages.success(request, self.created_message)
                return HttpResponseRedirect(self.created_url(obj))
        context = {
            **self.admin_site.each_context(request),
            "title": self.add_label,
            "form": form,
            "opts": self.model._meta,
            "submit_label": _("Create"),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/vejapro/simple_form.html", context)

    # Change: Django's form page, saved by the service. The message is given here because only save_model sees the
    # service's answer; Django passes nothing on to response_change.
    def save_model(self, request, obj, form, change):
        if self.update_through_service(request, obj, form, Actor.for_user(request.user, request)):
            messages.success(request, gettext("Saved"))
        else:
            messages.info(request, gettext("Nothing changed."))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # Django's transaction around the form has rolled back by the time the refusal arrives here.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ApiError as exc:
            message_error(request, exc)
            return HttpResponseRedirect(request.path)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # One «Išsaugoti»: every save goes back to the object's screen (response_change), so «save and add another»
        # and «save and continue» would do the same.
        context = {**(extra_context or {}), "show_save_and_add_another": False, "show_save_and_continue": False}
        return super().change_view(request, object_id, form_url, context)

    def response_change(self, request, obj):
        return HttpResponseRedirect(self.object_url(obj))
