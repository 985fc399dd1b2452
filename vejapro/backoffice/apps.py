from django.contrib.admin.apps import AdminConfig


class VejaProAdminConfig(AdminConfig):
    default_site = "vejapro.backoffice.site.VejaProAdminSite"
