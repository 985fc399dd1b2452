from django.urls import path

from payments import views

urlpatterns = [
    path("projects/<str:project_id>/payments/manual", views.ManualPaymentView.as_view()),
    path("projects/<str:project_id>/quick-payment-and-transition", views.QuickPaymentView.as_view()),
    path("admin/projects/<str:project_id>/payments/deposit-waive", views.DepositWaiveView.as_view()),
    path("admin/projects/<str:project_id>/payments", views.ProjectPaymentListView.as_view()),
]
