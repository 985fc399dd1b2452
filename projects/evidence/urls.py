"""Routes of evidence, certification, marketing consent and the gallery (api.md §7); no trailing slashes."""

from django.urls import path

from projects.evidence import views

urlpatterns = [
    path("upload-evidence", views.UploadEvidenceView.as_view()),
    path("certify-project", views.CertifyProjectView.as_view()),
    path("projects/<str:project_id>/certificate", views.CertificateView.as_view()),
    path("admin/projects/<str:project_id>/seed-cert-photos", views.SeedCertPhotosView.as_view()),
    path("projects/<str:project_id>/marketing-consent", views.MarketingConsentView.as_view()),
    path("evidences/<str:evidence_id>/approve-for-web", views.ApproveForWebView.as_view()),
    path("gallery", views.GalleryView.as_view()),
]
