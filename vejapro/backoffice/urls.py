from django.urls import path

from vejapro.backoffice import api

# Paths exactly as api.md writes them (no trailing slash).
urlpatterns = [
    path("audit-logs", api.AuditLogListView.as_view()),
    path("audit-logs/export", api.AuditLogExportView.as_view()),
    path("admin/dashboard", api.DashboardView.as_view()),
    path("admin/customers", api.CustomerListView.as_view()),
    path("admin/customers/stats", api.CustomerStatsView.as_view()),
    path("admin/customers/<str:client_key>/profile", api.CustomerProfileView.as_view()),
    path("admin/search", api.SearchView.as_view()),
]
