"""System endpoints: the health check and the deploy webhook (api.md §16)."""

import hmac

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_http_methods
from rest_framework.response import Response

from vejapro.core.actors import Actor
from vejapro.core.http.api import ApiView
from vejapro.core.http.errors import JSON_CONTENT_TYPE, NotFound
from vejapro.core.system.selectors import database_is_healthy
from vejapro.core.system.services import deploy_request


@require_http_methods(["GET", "HEAD"])
def health(request: HttpRequest) -> JsonResponse:
    if database_is_healthy():
        return JsonResponse({"status": "ok", "db": "ok"}, content_type=JSON_CONTENT_TYPE)
    return JsonResponse({"status": "degraded", "db": "error"}, status=503, content_type=JSON_CONTENT_TYPE)


class DeployWebhookView(ApiView):
    """Deploy hook (api.md §16.2): header ``X-Deploy-Token``; unset secret or wrong token → 404."""

    authentication_classes: list = []

    def initial(self, request, *args, **kwargs):
        expected = settings.DEPLOY_WEBHOOK_SECRET
        given = request.headers.get("X-Deploy-Token", "")
        if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
            raise NotFound()
        super().initial(request, *args, **kwargs)

    def post(self, request):
        deploy_request(actor=Actor.system(request=request))
        return Response({"status": "started"}, status=202)
