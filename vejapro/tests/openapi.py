"""The OpenAPI document as the tests read it: generated once per process, and a check that a real response is one
the document describes (status documented for the operation, body valid against its schema)."""

import functools
import json
import re

import jsonschema
from drf_spectacular.generators import SchemaGenerator


@functools.cache
def openapi_document() -> dict:
    # Round-tripped through JSON so that the schema holds only what /openapi.json serves.
    return json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str))


def _operation(path: str, method: str) -> tuple[str, dict]:
    document = openapi_document()
    for template, operations in document["paths"].items():
        pattern = "^" + re.sub(r"\\{\w+\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path.split("?")[0]) and method.lower() in operations:
            return template, operations[method.lower()]
    raise AssertionError(f"{method} {path} is not in the OpenAPI document")


def assert_response_documented(response, method: str = "GET") -> None:
    """``response`` (of the Django test client) is what the document says ``method`` of its path answers."""
    template, operation = _operation(response.request["PATH_INFO"], method)
    documented = operation["responses"].get(str(response.status_code))
    assert documented is not None, f"{method} {template} answers {response.status_code}, which is not documented"
    content = documented.get("content", {})
    if "application/json" not in content or not response["Content-Type"].startswith("application/json"):
        return
    schema = {**content["application/json"]["schema"], "components": openapi_document()["components"]}
    # The document's references (``#/components/...``) resolve against the components copied beside the schema.
    jsonschema.Draft202012Validator(schema).validate(response.json())
