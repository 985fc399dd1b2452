from django.urls import path

from vejapro.core.accounts import views
from vejapro.core.models import Role

urlpatterns = [
    path("auth/me", views.AuthMeView.as_view()),
    path("auth/refresh", views.SessionRefreshView.as_view()),
    path("admin/token", views.AdminDevTokenView.as_view()),
    path(
        "admin/users/<str:user_id>/contractor-token",
        views.StaffTokenView.as_view(target_role=Role.SUBCONTRACTOR),
    ),
    path("admin/users/<str:user_id>/expert-token", views.StaffTokenView.as_view(target_role=Role.EXPERT)),
]
