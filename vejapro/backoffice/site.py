"""The Lithuanian back office: one AdminSite with the navigation of ui.md §3.1 and its site-wide custom views."""

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vejapro.backoffice.login import VejaProAuthenticationForm
from vejapro.core.accounts.access import is_back_office_user
from vejapro.core.settings_helpers import flag

ADMIN_SESSION_SECONDS = 12 * 3600

# Left navigation: groups in the order of ui.md §3.1. An entry is ("model", "app_label.ModelName", label) or
# ("view", "admin:<url name>", label); entries the user may not open are left out, and a group without entries
# disappears.
NAVIGATION = (
    ("queue", _("Work queue"), (("view", "admin:index", _("Work queue")),)),
    ("projects", _("Projects"), (("model", "projects.Project", _("Projects")),)),
    ("customers", _("Customers"), (("view", "admin:customers", _("Customers")),)),
    ("calls", _("Call requests"), (("model", "messaging.CallRequest", _("Call requests")),)),
    ("calendar", _("Calendar"), (("view", "admin:calendar", _("Calendar")),)),
    (
        "payments",
        _("Payments"),
        (("model", "payments.Payment", _("Payments")), ("model", "payments.StripeWebhookEvent", _("Stripe events"))),
    ),
    (
        "notifications",
        _("Notifications"),
        (
            ("model", "messaging.NotificationOutbox", _("Notification queue")),
            ("model", "messaging.ClientConfirmation", _("Confirmations")),
        ),
    ),
    (
        "finance",
        _("Finance"),
        (
            # «Suvestinė» and «Knygos įrašai» (ui.md §3.11): finance/admin.py.
            ("view", "admin:finance_summary", pgettext_lazy("finance", "Summary")),
            ("model", "finance.LedgerEntry", _("Ledger entries")),
        ),
    ),
    ("audit", _("Audit"), (("model", "core.AuditLog", _("Audit log")),)),
    (
        "settings",
        _("Settings"),
        (
            ("model", "core.User", _("Users")),
            ("model", "finance.Margin", _("Margins")),
            ("model", "projects.EstimateRule", _("Price rules")),
        ),
    ),
)

# Screens that exist only with a module flag (security-ops.md §2.7): their entry is left out while it is off.
VIEW_FLAGS = {"admin:finance_summary": "ENABLE_FINANCE_LEDGER", "admin:calendar": "ENABLE_CALENDAR"}

# Old bookmarks of the previous back office (ui.md §3.1, §3.14): path → URL name of the replacement.
OLD_BOOKMARKS = {
    "projects": "admin:projects_project_changelist",
    "audit": "admin:core_auditlog_changelist",
    "margins": "admin:finance_margin_changelist",
    "finance": "admin:finance_summary",  # «Finansai» (ui.md §3.11)
    "customers": "admin:customers",
    "calls": "admin:messaging_callrequest_changelist",
    "calendar": "admin:calendar",
}


class VejaProAdminSite(admin.AdminSite):
    site_header = _("VejaPRO administration")
    site_title = _("VejaPRO")
    index_title = _("Work queue")
    site_url = None
    index_template = "admin/vejapro/dashboard.html"
    login_template = "admin/vejapro/login.html"
    enable_nav_sidebar = True
    login_form = VejaProAuthenticationForm

    def has_permission(self, request) -> bool:
        return is_back_office_user(request.user)

    # --- sign-in ------------------------------------------------------------------------------------------
    def login(self, request, extra_context=None):
        response = super().login(request, extra_context=extra_context)
        if request.method == "POST" and self.has_permission(request):
            request.session.set_expiry(ADMIN_SESSION_SECONDS)
            if response.status_code == 302 and response.url == resolve_url(settings.LOGIN_REDIRECT_URL):
                # Django's LoginView falls back to LOGIN_REDIRECT_URL (/accounts/profile/, a 404 here) when it
                # refuses the ``next`` it was given (another host, another scheme): the back office lands on /admin/.
                return HttpResponseRedirect(self._reverse("admin:index"))
        return response

    # --- navigation ---------------------------------------------------------------------------------------
    def _reverse(self, name: str) -> str | None:
        try:
            return reverse(name, current_app=self.name)
        except NoReverseMatch:
            return None

    def _model_entry(self, request, dotted: str, label) -> dict | None:
        model = apps.get_model(dotted)
        model_admin = self._registry.get(model)
        if model_admin is None or not model_admin.has_module_permission(request):
            return None
        perms = model_admin.get_model_perms(request)
        if not (perms.get("view") or perms.get("change")):
            return None
        info = (model._meta.app_label, model._meta.model_name)
        return {
            "model": model,
            "name": label,
            "object_name": model._meta.object_name,
            "perms": perms,
            "admin_url": self._reverse("admin:{}_{}_changelist".format(*info)),
            "add_url": self._reverse("admin:{}_{}_add".format(*info)) if perms.get("add") else None,
            "view_only": not perms.get("change"),
        }

    def _view_entry(self, name: str, label) -> dict | None:
        if name in VIEW_FLAGS and not flag(VIEW_FLAGS[name]):
            return None
        url = self._reverse(name)
        if url is None:
            return None
        object_name = name.split(":")[-1].replace("_", "")
        return {"name": label, "object_name": object_name, "perms": {}, "admin_url": url, "add_url": None}

    def get_app_list(self, request, app_label=None):
        if app_label is not None:
            return super().get_app_list(request, app_label)
        if not self.has_permission(request):
            return []
        groups = []
        placed = set()
        for key, title, entries in NAVIGATION:
            items = []
            for kind, target, label in entries:
                entry = (
                    self._model_entry(request, target, label) if kind == "model" else self._view_entry(target, label)
                )
                if entry is None:
                    continue
                if kind == "model":
                    placed.add(entry["model"])
                items.append(entry)
            if items:
                groups.append({"name": title, "app_label": key, "app_url": items[0]["admin_url"], "models": items})
        # Anything registered but not named above still gets a place (last), so no screen is unreachable.
        for app in super().get_app_list(request):
            leftovers = [m for m in app["models"] if m["model"] not in placed]
            if leftovers:
                groups.append({**app, "models": leftovers})
        self._mark_current(request, groups)
        return groups

    def _mark_current(self, request, groups: list[dict]) -> None:
        index_url = self._reverse("admin:index")
        current_path = request.path
        for group in groups:
            group["is_current"] = False
            for item in group["models"]:
                url = item.get("admin_url") or ""
                item["is_current"] = bool(url) and (
                    current_path == url if url == index_url else current_path.startswith(url)
                )
                group["is_current"] = group["is_current"] or item["is_current"]

    # --- URLs ---------------------------------------------------------------------------------------------
    def get_urls(self):
        # Deferred: the views read the apps' admin modules, which register with this site as they load.
        from finance.admin import finance_metrics_stream_view, finance_summary_view
        from vejapro.backoffice.views import (
            calendar_view,
            customer_list_view,
            customer_profile_view,
            dashboard_refresh,
            global_search,
        )

        def wrap(view):
            return self.admin_view(view)

        custom = [
            path("darbo-eile/", wrap(dashboard_refresh), name="dashboard_refresh"),
            path("klientai/", wrap(customer_list_view), name="customers"),
            path("klientai/<str:client_key>/", wrap(customer_profile_view), name="customer_profile"),
            path("paieska/", wrap(global_search), name="search"),
            path("finansai/", wrap(finance_summary_view), name="finance_summary"),
            path("finansai/metrika/", wrap(finance_metrics_stream_view), name="finance_metrics"),
            path("kalendorius/", wrap(calendar_view), name="calendar"),
        ]
        bookmarks = [
            path(old, wrap(self._old_bookmark_view(target)), name=f"old_bookmark_{old}")
            for old, target in OLD_BOOKMARKS.items()
        ]
        return custom + bookmarks + super().get_urls()

    def _old_bookmark_view(self, target: str):
        def redirect_old_bookmark(request):
            return HttpResponseRedirect(reverse(target, current_app=self.name))

        return redirect_old_bookmark

    def app_index(self, request, app_label, extra_context=None):
        """Django's per-app pages («Branduolys administravimas») are not part of the back office: an app's address
        opens the first screen of that app in the navigation."""
        for _key, _title, entries in NAVIGATION:
            for kind, target, label in entries:
                if kind == "model" and target.split(".")[0] == app_label:
                    entry = self._model_entry(request, target, label)
                    if entry is not None and entry["admin_url"]:
                        return HttpResponseRedirect(entry["admin_url"])
        raise Http404

    def index(self, request, extra_context=None):
        # Deferred for the same reason as in get_urls.
        from vejapro.backoffice.dashboard import dashboard_data

        return super().index(request, {"dash": dashboard_data(), **(extra_context or {})})

    def each_context(self, request):
        context = super().each_context(request)
        context["search_url"] = self._reverse("admin:search")
        return context
