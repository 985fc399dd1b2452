"""One application error type, mapped once to the JSON error envelope (api.md §1.2)."""

import logging

from django.conf import settings
from django.http import Http404, JsonResponse
from rest_framework import exceptions
from rest_framework.response import Response

logger = logging.getLogger(__name__)

MASKED_ERROR_TEXT = "Įvyko vidinė klaida"
NOT_FOUND_TEXT = "Nerastas"
MISSING_BEARER_TEXT = "Truksta Bearer zetono"
INVALID_TOKEN_TEXT = "Netinkamas žetonas"  # noqa: S105 - a message / marker, not a secret
MISSING_ROLE_TEXT = "Trūksta rolės"
FORBIDDEN_TEXT = "Draudžiama"
ACCESS_DENIED_TEXT = "Prieiga uždrausta"


class ApiError(Exception):
    """A domain error carrying the HTTP status and the exact ``detail`` of the contract."""

    def __init__(self, status: int, detail, *, headers: dict[str, str] | None = None):
        super().__init__(detail if isinstance(detail, str) else repr(detail))
        self.status = status
        self.detail = detail
        self.headers = headers or {}


class NotFound(ApiError):
    def __init__(self, detail: str = NOT_FOUND_TEXT):
        super().__init__(404, detail)


class Forbidden(ApiError):
    def __init__(self, detail: str = FORBIDDEN_TEXT):
        super().__init__(403, detail)


class BadRequest(ApiError):
    def __init__(self, detail):
        super().__init__(400, detail)


class Conflict(ApiError):
    def __init__(self, detail):
        super().__init__(409, detail)


class RequestValidationError(ApiError):
    """422 with the list shape ``[{"loc": [source, field], "msg", "type"}]``."""

    def __init__(self, errors: list[dict]):
        super().__init__(422, errors)

    @classmethod
    def single(cls, source: str, field: str, msg: str, error_type: str = "value_error") -> "RequestValidationError":
        return cls([{"loc": [source, field], "msg": msg, "type": error_type}])


def _flatten_drf_errors(detail, source: str, prefix: tuple = ()) -> list[dict]:
    errors: list[dict] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            field = () if key == "non_field_errors" else (str(key),)
            errors.extend(_flatten_drf_errors(value, source, prefix + field))
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            nested = (*prefix, index) if isinstance(value, dict | list) else prefix
            errors.extend(_flatten_drf_errors(value, source, nested))
    else:
        code = getattr(detail, "code", "invalid") or "invalid"
        errors.append({"loc": [source, *prefix], "msg": str(detail), "type": str(code)})
    return errors


def validation_errors_from_drf(detail, source: str) -> list[dict]:
    return _flatten_drf_errors(detail, source)


def error_response(status: int, detail, headers: dict[str, str] | None = None) -> JsonResponse:
    response = JsonResponse({"detail": detail}, status=status, json_dumps_params={"ensure_ascii": False})
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def masked_detail(real_text: str) -> str:
    return real_text if settings.EXPOSE_ERROR_DETAILS else MASKED_ERROR_TEXT


def api_exception_handler(exc, context):
    """DRF exception handler: every /api/v1 error leaves as ``{"detail": ...}``."""
    if isinstance(exc, ApiError):
        headers = dict(exc.headers)
        if exc.status == 401:
            headers.setdefault("WWW-Authenticate", "Bearer")
        if exc.status >= 500:
            logger.error("API error %s: %s", exc.status, exc)
            return Response({"detail": masked_detail(str(exc.detail))}, status=exc.status, headers=headers)
        return Response({"detail": exc.detail}, status=exc.status, headers=headers)
    if isinstance(exc, Http404):
        return Response({"detail": NOT_FOUND_TEXT}, status=404)
    if isinstance(exc, exceptions.ParseError):
        errors = [{"loc": ["body"], "msg": "Netinkamas JSON", "type": "json_invalid"}]
        return Response({"detail": errors}, status=422)
    if isinstance(exc, exceptions.ValidationError):
        return Response({"detail": validation_errors_from_drf(exc.detail, "body")}, status=422)
    if isinstance(exc, exceptions.NotAuthenticated):
        return Response({"detail": MISSING_BEARER_TEXT}, status=401, headers={"WWW-Authenticate": "Bearer"})
    if isinstance(exc, exceptions.AuthenticationFailed):
        return Response({"detail": str(exc.detail)}, status=401, headers={"WWW-Authenticate": "Bearer"})
    if isinstance(exc, exceptions.PermissionDenied):
        return Response({"detail": str(exc.detail)}, status=403)
    if isinstance(exc, exceptions.Throttled):
        return Response({"detail": "Too Many Requests"}, status=429)
    if isinstance(exc, exceptions.MethodNotAllowed):
        return Response({"detail": "Method Not Allowed"}, status=405)
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return Response({"detail": "Unsupported Media Type"}, status=415)
    if isinstance(exc, exceptions.APIException):
        status = exc.status_code
        detail = str(exc.detail) if status < 500 else masked_detail(str(exc.detail))
        return Response({"detail": detail}, status=status)
    logger.exception("Unhandled API exception", exc_info=exc)
    return Response({"detail": masked_detail(f"{type(exc).__name__}: {exc}")}, status=500)
