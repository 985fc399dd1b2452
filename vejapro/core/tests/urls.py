"""A test-only URLconf: the project's routes plus small views that exercise the middlewares and error handling."""

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.http import require_POST
from rest_framework import serializers
from rest_framework.response import Response

from vejapro.core.http.api import ApiView
from vejapro.core.http.csp import html_page
from vejapro.urls import handler400, handler403, handler404, handler500  # noqa: F401 - used by Django
from vejapro.urls import urlpatterns as project_urlpatterns


class BoomView(ApiView):
    def get(self, request):
        raise RuntimeError("kaboom in the view")


class DjangoDeniedView(ApiView):
    def get(self, request):
        raise PermissionDenied


class EchoView(ApiView):
    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=10)

    def post(self, request):
        data = self.parse_body(self.InputSerializer)
        return Response({"name": data["name"]})


def plain_boom(request):
    raise RuntimeError("kaboom in a plain view")


def plain_too_big(request):
    raise RequestDataTooBig("too big")


def plain_suspicious(request):
    raise SuspiciousOperation("odd")


@require_POST
def post_only(request):
    return JsonResponse({"ok": True})


def csrf_protected(request):
    return JsonResponse({"ok": True})


def own_headers(request):
    response = JsonResponse({"ok": True})
    response["X-Frame-Options"] = "SAMEORIGIN"
    response["Permissions-Policy"] = "camera=(self)"
    response["Content-Security-Policy"] = "default-src 'self'"
    return response


def _page(request):
    return HttpResponse("<!doctype html><title>t</title><p>puslapis</p>")


def page_boom(request):
    raise RuntimeError("kaboom on a page")


def page_denied(request):
    raise PermissionDenied


def page_suspicious(request):
    raise SuspiciousOperation("odd")


urlpatterns = [
    path("api/v1/_test/boom", BoomView.as_view()),
    path("api/v1/_test/denied", DjangoDeniedView.as_view()),
    path("api/v1/_test/echo", EchoView.as_view()),
    path("api/v1/_test/plain-boom", plain_boom),
    path("api/v1/_test/plain-too-big", plain_too_big),
    path("api/v1/_test/plain-suspicious", plain_suspicious),
    path("api/v1/_test/post-only", post_only),
    path("api/v1/_test/csrf", csrf_protected),
    path("api/v1/_test/own-headers", own_headers),
    path("_test/public", html_page(family="public", cache_seconds=300)(_page)),
    path("_test/token", html_page(family="token")(_page)),
    path("_test/portal", html_page(family="portal")(_page)),
    path("_test/wizard", html_page(family="portal", extra_connect=("https://nominatim.openstreetmap.org",))(_page)),
    path("_test/login", html_page(family="login")(_page)),
    path("_test/boom", page_boom),
    path("_test/denied", page_denied),
    path("_test/suspicious", page_suspicious),
    path("_test/csrf", csrf_protected),
    *project_urlpatterns,
]
