from django.urls import path

from messaging.views import admin, public, twilio

urlpatterns = [
    path("admin/projects/<str:project_id>/admin-confirm", admin.AdminConfirmView.as_view()),
    path("admin/projects/<str:project_id>/confirmations", admin.ConfirmationListView.as_view()),
    path("admin/projects/<str:project_id>/confirmations/resend", admin.ConfirmationResendView.as_view()),
    path("admin/projects/<str:project_id>/notifications", admin.NotificationListView.as_view()),
    path("admin/notifications/<str:notification_id>/retry", admin.NotificationRetryView.as_view()),
    path("admin/projects/<str:project_id>/send-client-access", admin.SendClientAccessView.as_view()),
    path("public/confirm-payment/<str:token>", public.ConfirmPaymentView.as_view()),
    path("public/activations/<str:token>/confirm", public.ActivationAliasView.as_view()),
    path("webhook/twilio", twilio.TwilioSmsWebhookView.as_view()),
]
