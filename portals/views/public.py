"""Public pages: the landing, the gallery, robots.txt and the sitemap (ui.md §4.2, §4.3, §4.10)."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from projects.evidence.selectors import gallery_page, gallery_summary
from vejapro.core.http.csp import html_page
from vejapro.core.http.errors import BadRequest
from vejapro.core.settings_helpers import public_url

PUBLIC_CACHE_SECONDS = 300
LANDING_FEATURED = 6
GALLERY_PAGE_SIZE = 24
ROBOTS_DISALLOWED = ("/admin", "/client", "/contractor", "/expert", "/login", "/register", "/api/")


@require_safe
@html_page(family="public", cache_seconds=PUBLIC_CACHE_SECONDS)
def landing(request):
    featured = []
    if settings.ENABLE_MARKETING_MODULE:
        featured = gallery_page(limit=LANDING_FEATURED, cursor=None, location_tag=None, featured_only=True)["items"]
    return render(request, "portals/landing.html", {"featured": featured, "public_page": True})


@require_safe
@html_page(family="public", cache_seconds=PUBLIC_CACHE_SECONDS)
def gallery(request):
    if not settings.ENABLE_MARKETING_MODULE:
        raise Http404
    location = request.GET.get("vietove") or None
    featured_only = request.GET.get("isskirtiniai") == "1"
    try:
        feed = gallery_page(
            limit=GALLERY_PAGE_SIZE,
            cursor=request.GET.get("cursor") or None,
            location_tag=location,
            featured_only=featured_only,
        )
    except BadRequest:
        # A cursor mangled by hand starts the list again instead of showing an error page.
        feed = gallery_page(limit=GALLERY_PAGE_SIZE, cursor=None, location_tag=location, featured_only=featured_only)
    next_url = ""
    if feed["next_cursor"]:
        params = {"cursor": feed["next_cursor"]}
        if location:
            params["vietove"] = location
        if featured_only:
            params["isskirtiniai"] = "1"
        next_url = f"{reverse('portals:gallery')}?{urlencode(params)}"
    context = {
        "items": feed["items"],
        "next_url": next_url,
        "summary": gallery_summary(),
        "location": location,
        "featured_only": featured_only,
        "page": "gallery",
        "public_page": True,
    }
    return render(request, "portals/gallery.html", context)


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        *(f"Disallow: {path}" for path in ROBOTS_DISALLOWED),
        f"Sitemap: {public_url('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def sitemap_xml(request):
    paths = ["/", "/gallery"] if settings.ENABLE_MARKETING_MODULE else ["/"]
    urls = "".join(f"<url><loc>{public_url(path)}</loc></url>" for path in paths)
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    )
    return HttpResponse(body, content_type="application/xml; charset=utf-8")
