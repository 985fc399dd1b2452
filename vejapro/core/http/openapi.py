"""How drf-spectacular describes /api/v1 in the OpenAPI 3 document (served by ``vejapro.core.http.docs``).

Our views read their input through nested ``QuerySerializer`` / ``InputSerializer`` classes (``ApiView.parse_query``,
``parse_body``) rather than DRF's generic ``serializer_class``; ``ApiAutoSchema`` documents those, the error
envelope of every error status (api.md §1.2) and the bearer JWT."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.types import OpenApiTypes

ERROR_ENVELOPE = {
    "type": "object",
    "description": "Klaidos vokas: tekstas, 422 atveju: laukų klaidų sąrašas (api.md §1.2)",
    "properties": {
        "detail": {
            "oneOf": [
                {"type": "string"},
                {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "loc": {"type": "array", "items": {"type": ["string", "integer"]}},
                            "msg": {"type": "string"},
                            "type": {"type": "string"},
                        },
                        "required": ["loc", "msg", "type"],
                    },
                },
                {"type": "object"},
            ]
        }
    },
    "required": ["detail"],
}
ERROR_STATUSES = (400, 401, 403, 404, 405, 409, 413, 415, 422, 429)
BEARER = "bearerAuth"


class ApiAutoSchema(AutoSchema):
    def get_auth(self):
        """``Authorization: Bearer <JWT>`` (api.md §2.1); optional on public routes, none where a signature,
        a secret or a token in the path authenticates."""
        if not self.view.get_authenticators():
            return []
        self.registry.register_on_missing(
            ResolvedComponent(
                name=BEARER,
                type=ResolvedComponent.SECURITY_SCHEMA,
                object=BEARER,
                schema={"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
            )
        )
        required = [{BEARER: []}]
        return required if getattr(self.view, "allowed_roles", None) else [*required, {}]

    def get_serializer_name(self, serializer, direction):
        # Views nest their own ``InputSerializer``/``QuerySerializer``: the view's name keeps components apart.
        return type(serializer).__qualname__.replace(".", "")

    def get_override_parameters(self):
        query = getattr(self.view, "QuerySerializer", None)
        return [*super().get_override_parameters(), *([query] if query and self.method == "GET" else [])]

    def get_request_serializer(self):
        if self.method in ("GET", "HEAD", "DELETE"):
            return None
        return getattr(self.view, "InputSerializer", None) or OpenApiTypes.OBJECT

    def _items_of(self, serializer) -> dict:
        """A view's nested ``OutputSerializer`` renders the items of its ``{"items": [...]}`` answer."""
        item = self.resolve_serializer(serializer, "response").ref
        return {
            "type": "object",
            "properties": {"items": {"type": "array", "items": item}},
            "required": ["items"],
        }

    def get_response_serializers(self):
        success = (
            self._items_of(output) if (output := getattr(self.view, "OutputSerializer", None)) else OpenApiTypes.OBJECT
        )
        codes = {"GET": (200,), "DELETE": (200, 204)}.get(self.method, (200, 201))
        return {
            **{code: success for code in codes},
            **{code: ERROR_ENVELOPE for code in ERROR_STATUSES},
        }


def only_api_paths(endpoints):
    """The document describes /api/v1 only (the admin, the portals and /health are not part of the contract)."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
