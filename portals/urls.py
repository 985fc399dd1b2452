"""Public pages and the portals: everything outside ``/api``, ``/admin`` and ``/health`` (ui.md §4)."""

from django.urls import path

from portals.views import auth, client, estimate, field, public
from vejapro.core.models import Role

app_name = "portals"

urlpatterns = [
    path("", public.landing, name="landing"),
    path("gallery", public.gallery, name="gallery"),
    path("robots.txt", public.robots_txt, name="robots"),
    path("sitemap.xml", public.sitemap_xml, name="sitemap"),
    path("login", auth.login_page, name="login"),
    path("register", auth.register_page, name="register"),
    path("logout", auth.logout_view, name="logout"),
    # Magic links: the portal root without the slash takes ?token=… and redirects into the portal.
    path("client", auth.magic_link, {"role": Role.CLIENT}, name="client_link"),
    path("contractor", auth.magic_link, {"role": Role.SUBCONTRACTOR}, name="contractor_link"),
    path("expert", auth.magic_link, {"role": Role.EXPERT}, name="expert_link"),
    path("client/", client.dashboard, name="client_dashboard"),
    path("client/projektai/", client.project_list, name="client_projects"),
    path("client/projektai/<str:project_id>/", client.project_page, name="client_project"),
    path("client/projektai/<str:project_id>/mokejimas/<str:kind>/", client.payment_page, name="client_payment"),
    path("client/projektai/<str:project_id>/patvirtinti/", client.confirm_acceptance, name="client_confirm"),
    path("client/projektai/<str:project_id>/sutikimas/", client.marketing_consent, name="client_consent"),
    path("client/projektai/<str:project_id>/sertifikatas/", client.certificate, name="client_certificate"),
    path("client/projektai/<str:project_id>/redaguoti/", client.draft_edit, name="client_draft_edit"),
    path("client/pagalba/", client.help_page, name="client_help"),
    path("client/ivertinimas/", estimate.estimate_wizard, name="client_estimate"),
    path("contractor/", field.contractor_list, name="contractor_list"),
    path("contractor/projektai/<str:project_id>/", field.contractor_project, name="contractor_project"),
    path("contractor/projektai/<str:project_id>/busena/", field.contractor_transition, name="contractor_transition"),
    path("contractor/projektai/<str:project_id>/nuotraukos/", field.contractor_upload, name="contractor_upload"),
    path("contractor/projektai/<str:project_id>/sertifikatas/", field.contractor_certificate, name="contractor_cert"),
    path("contractor/projektai/<str:project_id>/mokejimas/", field.contractor_payment, name="contractor_payment"),
    path("expert/", field.expert_list, name="expert_list"),
    path("expert/projektai/<str:project_id>/mokejimas/", field.expert_payment, name="expert_payment"),
    path("expert/projektai/<str:project_id>/", field.expert_project, name="expert_project"),
    path("expert/projektai/<str:project_id>/nuotraukos/", field.expert_upload, name="expert_upload"),
    path("expert/projektai/<str:project_id>/sertifikavimas/", field.expert_certify, name="expert_certify"),
    path("expert/projektai/<str:project_id>/galerija/<str:evidence_id>/", field.expert_gallery, name="expert_gallery"),
    path("expert/projektai/<str:project_id>/sertifikatas/", field.expert_certificate, name="expert_certificate"),
]
