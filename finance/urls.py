from django.urls import path

from finance import views

urlpatterns = [
    path("admin/finance/view", views.FinanceViewView.as_view()),
    path("admin/finance/mini-triage", views.MiniTriageView.as_view()),
    path("admin/finance/ledger", views.LedgerView.as_view()),
    path("admin/finance/ledger/<str:entry_id>/reverse", views.LedgerReverseView.as_view()),
    path("admin/finance/summary", views.SummaryView.as_view()),
    path("admin/finance/projects/<str:project_id>", views.ProjectSummaryView.as_view()),
    path("admin/finance/metrics", views.MetricsStreamView.as_view()),
    path("admin/margins", views.MarginsView.as_view()),
]
