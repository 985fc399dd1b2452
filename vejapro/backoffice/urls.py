from django.urls import path

from vejapro.backoffice import api

# Paths exactly as api.md writes them (no trailing slash).
urlpatterns = [
    path("audit-logs", api.AuditLogListView.as_view()),
    path("audit-logs/export", api.AuditLogExportView.as_view()),
]
