from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from vejapro.core import views as core_views

api_patterns = [
    path("", include("vejapro.core.urls")),
    path("", include("projects.urls")),
    path("", include("projects.evidence_urls")),
    path("", include("payments.urls")),
    path("", include("payments.stripe_urls")),
    path("", include("messaging.urls")),
    path("", include("finance.urls")),
]

urlpatterns = [
    path("health", core_views.health),
    path("api/v1/", include(api_patterns)),
    # Unknown /api paths answer the JSON envelope, never an HTML page (api.md §1.2).
    re_path(r"^api(?:/.*)?$", core_views.api_not_found),
    path("admin/", admin.site.urls),
    # The language switch in the footer (ui.md §1): Lithuanian first, English on request.
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("portals.urls")),
]

handler400 = "vejapro.core.error_pages.bad_request"
handler403 = "vejapro.core.error_pages.permission_denied"
handler404 = "vejapro.core.error_pages.page_not_found"
handler500 = "vejapro.core.error_pages.server_error"

if settings.STORAGE_BACKEND == "local":
    # Local storage serves uploaded photos itself; production keeps them in Supabase Storage.
    urlpatterns.insert(0, re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}))
