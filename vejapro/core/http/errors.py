"""One application error type, mapped once to the JSON error envelope (api.md §1.2)."""

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import BadRequest as DjangoBadRequest
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
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


def is_api_path(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


JSON_CONTENT_TYPE = "application/json; charset=utf-8"  # api.md §1.1


def error_response(status: int, detail, headers: dict[str, str] | None = None) -> JsonResponse:
    response = JsonResponse(
        {"detail": detail}, status=status, content_type=JSON_CONTENT_TYPE, json_dumps_params={"ensure_ascii": False}
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def masked_detail(real_text: str) -> str:
    return real_text if settings.EXPOSE_ERROR_DETAILS else MASKED_ERROR_TEXT


BEARER_CHALLENGE = {"WWW-Authenticate": "Bearer"}
REQUEST_TOO_LARGE_TEXT = "Request Entity Too Large"


def _drf_envelope(exc: exceptions.APIException) -> tuple[int, Any, dict[str, str]]:
    if isinstance(exc, exceptions.ParseError):
        return 422, [{"loc": ["body"], "msg": "Netinkamas JSON", "type": "json_invalid"}], {}
    if isinstance(exc, exceptions.ValidationError):
        return 422, validation_errors_from_drf(exc.detail, "body"), {}
    if isinstance(exc, exceptions.NotAuthenticated):
        return 401, MISSING_BEARER_TEXT, BEARER_CHALLENGE
    if isinstance(exc, exceptions.AuthenticationFailed):
        return 401, str(exc.detail), BEARER_CHALLENGE
    if isinstance(exc, exceptions.PermissionDenied):
        return 403, str(exc.detail), {}
    if isinstance(exc, exceptions.NotFound):
        return 404, NOT_FOUND_TEXT, {}
    if isinstance(exc, exceptions.Throttled):
        return 429, "Too Many Requests", {}
    if isinstance(exc, exceptions.MethodNotAllowed):
        return 405, "Method Not Allowed", {}
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return 415, "Unsupported Media Type", {}
    status = exc.status_code
    if status >= 500:
        logger.error("API error %s: %s", status, exc.detail)
        return status, masked_detail(str(exc.detail)), {}
    return status, str(exc.detail), {}


def exception_envelope(exc: BaseException) -> tuple[int, Any, dict[str, str]]:
    """Status, ``detail`` and headers for any exception raised while serving an /api path (api.md §1.2)."""
    if isinstance(exc, ApiError):
        headers = dict(exc.headers)
        if exc.status == 401:
            headers.setdefault("WWW-Authenticate", "Bearer")
        if exc.status >= 500:
            logger.error("API error %s: %s", exc.status, exc)
            return exc.status, masked_detail(str(exc.detail)), headers
        return exc.status, exc.detail, headers
    if isinstance(exc, exceptions.APIException):
        return _drf_envelope(exc)
    if isinstance(exc, Http404):
        return 404, NOT_FOUND_TEXT, {}
    if isinstance(exc, DjangoPermissionDenied):
        return 403, FORBIDDEN_TEXT, {}
    if isinstance(exc, RequestDataTooBig):
        return 413, REQUEST_TOO_LARGE_TEXT, {}
    if isinstance(exc, SuspiciousOperation | DjangoBadRequest):
        logger.warning("Bad request: %s", type(exc).__name__)
        return 400, "Bad Request", {}
    logger.error("Unhandled API exception", exc_info=exc)
    return 500, masked_detail(f"{type(exc).__name__}: {exc}"), {}


def error_response_for_exception(exc: BaseException) -> JsonResponse:
    status, detail, headers = exception_envelope(exc)
    return error_response(status, detail, headers)


def api_exception_handler(exc, context):
    """DRF exception handler: every /api/v1 error leaves as ``{"detail": ...}``."""
    status, detail, headers = exception_envelope(exc)
    return Response({"detail": detail}, status=status, headers=headers)
