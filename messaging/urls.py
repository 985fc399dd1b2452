from django.urls import path

from messaging import views

urlpatterns = [
    path("admin/projects/<str:project_id>/admin-confirm", views.AdminConfirmView.as_view()),
    path("admin/projects/<str:project_id>/confirmations", views.ConfirmationListView.as_view()),
    path("admin/projects/<str:project_id>/confirmations/resend", views.ConfirmationResendView.as_view()),
    path("admin/projects/<str:project_id>/notifications", views.NotificationListView.as_view()),
    path("admin/notifications/<str:notification_id>/retry", views.NotificationRetryView.as_view()),
    path("admin/projects/<str:project_id>/send-client-access", views.SendClientAccessView.as_view()),
    path("public/confirm-payment/<str:token>", views.ConfirmPaymentView.as_view()),
    path("public/activations/<str:token>/confirm", views.ActivationAliasView.as_view()),
    path("webhook/twilio", views.TwilioSmsWebhookView.as_view()),
    path("webhook/twilio/voice", views.TwilioVoiceWebhookView.as_view()),
    path("call-requests", views.CallRequestCreateView.as_view()),
    path("webhook/email/inbound", views.EmailInboundWebhookView.as_view()),
    path("webhook/chat/events", views.ChatEventsWebhookView.as_view()),
    path("admin/call-requests", views.AdminCallRequestListView.as_view()),
    path("admin/call-requests/<str:call_request_id>", views.AdminCallRequestView.as_view()),
    path("admin/appointments", views.AdminAppointmentListView.as_view()),
    path("admin/appointments/mini-triage", views.AdminAppointmentMiniTriageView.as_view()),
    path("admin/appointments/<str:appointment_id>/confirm-hold", views.AdminAppointmentConfirmHoldView.as_view()),
    path("admin/appointments/<str:appointment_id>", views.AdminAppointmentView.as_view()),
]
