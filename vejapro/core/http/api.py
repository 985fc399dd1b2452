"""The base of every /api/v1 view: feature flag before authentication, role gate, 422 input parsing."""

from typing import Any

from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from rest_framework import serializers
from rest_framework.views import APIView

from vejapro.core.accounts.authentication import RoleGate
from vejapro.core.actors import Actor
from vejapro.core.http.errors import NOT_FOUND_TEXT, ApiError, RequestValidationError, validation_errors_from_drf
from vejapro.core.settings_helpers import flag


@method_decorator(csrf_exempt, name="dispatch")
class ApiView(APIView):
    """Set ``feature_flag`` (404 ``Nerastas`` while off, checked before authentication; a tuple when several flags
    gate one endpoint) and ``allowed_roles``
    (None = public). Views stay thin: parse input, call one service or selector, render."""

    feature_flag: str | tuple[str, ...] | None = None
    allowed_roles: set[str] | None = None
    permission_classes = [RoleGate]

    def initial(self, request, *args, **kwargs):
        required = (self.feature_flag,) if isinstance(self.feature_flag, str) else self.feature_flag or ()
        if not all(flag(name) for name in required):
            raise ApiError(404, NOT_FOUND_TEXT)
        super().initial(request, *args, **kwargs)

    def actor(self) -> Actor:
        return Actor.from_request(self.request)

    def parse_body(self, serializer_class: type[serializers.Serializer], **context: Any) -> dict:
        data = self.request.data
        if not hasattr(data, "get"):
            raise RequestValidationError([{"loc": ["body"], "msg": "Laukiamas JSON objektas", "type": "dict_type"}])
        return _validated(serializer_class, data, "body", context)

    def parse_query(self, serializer_class: type[serializers.Serializer], **context: Any) -> dict:
        return _validated(serializer_class, self.request.query_params, "query", context)


def _validated(serializer_class, data, source: str, context: dict) -> dict:
    serializer = serializer_class(data=data, context=context)
    if not serializer.is_valid():
        raise RequestValidationError(validation_errors_from_drf(serializer.errors, source))
    return serializer.validated_data
