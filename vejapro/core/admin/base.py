"""Base classes of every back office screen.

Permissions come from the role (ADMIN or a break-glass superuser), not from Django model permissions. Facts
(payments, confirmations, outbox, audit, margins) use ``FactAdmin``: nothing can be added, changed or deleted there;
their workflow buttons are custom views that call services.
"""

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.text import capfirst

from vejapro.core.accounts.access import is_back_office_user


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
