"""The OpenAPI 3 document of /api/v1 (drf-spectacular) and its Swagger UI (self-hosted assets of
drf-spectacular-sidecar), at ``/openapi.json`` and ``/docs`` while their flags are on (api.md §17)."""

from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView

from vejapro.core.http.csp import html_page
from vejapro.core.http.errors import NOT_FOUND_TEXT, error_response
from vejapro.core.settings_helpers import flag


def _flagged(name: str, view):
    """``view`` while the flag ``name`` is on; else the JSON 404 envelope, as for a disabled API module."""

    def gated(request, *args, **kwargs):
        if not flag(name):
            return error_response(404, NOT_FOUND_TEXT)
        return view(request, *args, **kwargs)

    return gated


openapi_document = _flagged("OPENAPI_ENABLED", SpectacularJSONAPIView.as_view())
# Swagger UI's own script is served by the same view (``?script=``), so the page runs no inline script.
docs_page = _flagged(
    "DOCS_ENABLED", html_page(family="portal")(SpectacularSwaggerSplitView.as_view(url="/openapi.json"))
)
