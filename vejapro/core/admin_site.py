from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class VejaProAdminSite(admin.AdminSite):
    site_header = _("VejaPRO administration")
    site_title = _("VejaPRO")
    index_title = _("Work queue")

    def has_permission(self, request) -> bool:
        user = request.user
        return bool(user.is_active and (user.is_superuser or (user.is_staff and user.role == "ADMIN")))


class VejaProAdminConfig(AdminConfig):
    default_site = "vejapro.core.admin_site.VejaProAdminSite"
