from django.urls import path

from payments.stripe import views as stripe_views

urlpatterns = [
    path("webhook/stripe", stripe_views.StripeWebhookView.as_view()),
    path("admin/projects/<str:project_id>/payment-link", stripe_views.PaymentLinkView.as_view()),
]
