"""Every URL of the site. Under ``/api/v1/`` each app mounts its own ``urls.py``; the paths are the public contract of
api.md and several apps serve paths under the same prefix (``admin/projects/<id>/...``), so each include names the
paths it owns."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from vejapro.core.http.docs import docs_page, openapi_document
from vejapro.core.http.error_pages import api_not_found
from vejapro.core.system.views import health

api_patterns = [
    # auth/me, auth/refresh, admin/token, admin/users/<id>/{contractor,expert}-token
    path("", include("vejapro.core.accounts.urls")),
    # deploy/webhook
    path("", include("vejapro.core.system.urls")),
    # projects, client|contractor|expert/projects, admin/projects[/view|/mini-triage|/<id>/assign-*|/client-token],
    # transition-status
    path("", include("projects.urls")),
    # upload-evidence, certify-project, projects/<id>/{certificate,marketing-consent}, evidences/<id>/approve-for-web,
    # gallery, admin/projects/<id>/seed-cert-photos
    path("", include("projects.evidence.urls")),
    # projects/<id>/{payments/manual,quick-payment-and-transition}, admin/projects/<id>/payments[/deposit-waive]
    path("", include("payments.urls")),
    # webhook/stripe, admin/projects/<id>/payment-link
    path("", include("payments.stripe.urls")),
    # public/confirm-payment/<token>, public/activations/<token>/confirm, webhook/twilio,
    # admin/projects/<id>/{admin-confirm,confirmations[/resend],notifications,send-client-access},
    # admin/notifications/<id>/retry, call-requests, admin/call-requests[/<id>],
    # admin/appointments[/mini-triage,/<id>[/confirm-hold]], webhook/email/inbound, webhook/chat/events,
    # webhook/twilio/voice
    path("", include("messaging.urls")),
    # admin/finance/{view,mini-triage,ledger[/<id>/reverse],summary,projects/<id>,metrics}, admin/margins
    path("", include("finance.urls")),
    # audit-logs[/export], admin/{dashboard,customers[/stats|/<client_key>/profile],search}: the back office's read
    # models span the apps, so they are composed here
    path("", include("vejapro.backoffice.urls")),
]

urlpatterns = [
    path("health", health),
    # The API's OpenAPI document and Swagger UI, each behind its flag (api.md §17).
    path("openapi.json", openapi_document),
    path("docs", docs_page),
    path("api/v1/", include(api_patterns)),
    # Unknown /api paths answer the JSON envelope, never an HTML page (api.md §1.2).
    re_path(r"^api(?:/.*)?$", api_not_found),
    # The back office: vejapro.backoffice.site (its own views) and each app's admin package.
    path("admin/", admin.site.urls),
    # The language switch in the footer (ui.md §1): Lithuanian first, English on request.
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("portals.urls")),
]

handler400 = "vejapro.core.http.error_pages.bad_request"
handler403 = "vejapro.core.http.error_pages.permission_denied"
handler404 = "vejapro.core.http.error_pages.page_not_found"
handler500 = "vejapro.core.http.error_pages.server_error"

if settings.STORAGE_BACKEND == "local":
    # Local storage serves uploaded photos itself; production keeps them in Supabase Storage.
    urlpatterns.insert(0, re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}))
