"""Public pages and the portals: everything outside ``/api``, ``/admin`` and ``/health`` (ui.md §4)."""

from django.urls import path

from portals.views import public

app_name = "portals"

urlpatterns = [
    path("", public.landing, name="landing"),
    path("gallery", public.gallery, name="gallery"),
    path("robots.txt", public.robots_txt, name="robots"),
    path("sitemap.xml", public.sitemap_xml, name="sitemap"),
]
