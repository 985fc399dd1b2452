from django.urls import path

from vejapro.core.system import views

urlpatterns = [
    path("deploy/webhook", views.DeployWebhookView.as_view()),
]
