from django.urls import path

from projects import views

# Paths exactly as api.md writes them (no trailing slash). Project ids are matched as plain strings, so an id that
# is not a UUID reaches the view and answers 404 "Projektas nerastas".
urlpatterns = [
    path("projects", views.ProjectCreateView.as_view()),
    path("projects/<str:project_id>", views.ProjectDetailView.as_view()),
    path("client/projects", views.ClientProjectListView.as_view()),
    path("contractor/projects", views.ContractorProjectListView.as_view()),
    path("expert/projects", views.ExpertProjectListView.as_view()),
    path("admin/projects", views.AdminProjectListView.as_view()),
    path("admin/projects/view", views.AdminProjectWorkQueueView.as_view()),
    path("admin/projects/mini-triage", views.AdminProjectMiniTriageView.as_view()),
    path("admin/projects/<str:project_id>/assign-contractor", views.AssignContractorView.as_view()),
    path("admin/projects/<str:project_id>/assign-expert", views.AssignExpertView.as_view()),
    path("admin/projects/<str:project_id>/client-token", views.ClientTokenView.as_view()),
    path("transition-status", views.TransitionStatusView.as_view()),
]
