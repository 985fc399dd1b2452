"""The /api/v1 JSON parser refuses bodies nested too deeply with the 422 envelope instead of a RecursionError."""

import pytest

from vejapro.core.parsers import MAX_JSON_DEPTH, json_depth_exceeds


def nested(depth: int):
    value: object = 1
    for level in range(depth):
        value = {"a": value} if level % 2 else [value]
    return value


def test_depth_limit():
    assert json_depth_exceeds(nested(MAX_JSON_DEPTH)) is False
    assert json_depth_exceeds(nested(MAX_JSON_DEPTH + 1)) is True
    assert json_depth_exceeds({"a": [1, {"b": "c"}], "d": None}) is False
    assert json_depth_exceeds("text") is False


@pytest.mark.django_db
@pytest.mark.parametrize(
    "raw",
    ["[" * 100_000 + "]" * 100_000, '{"name": ' + '{"a": ' * 3000 + "1" + "}" * 3000 + "}", "[" * 65 + "]" * 65],
    ids=["past-recursion-limit", "deep-object", "just-too-deep"],
)
def test_deep_bodies_are_422(client, raw):
    response = client.post("/api/v1/projects", data=raw, content_type="application/json")

    assert response.status_code == 422
    assert response.json() == {"detail": [{"loc": ["body"], "msg": "Netinkamas JSON", "type": "json_invalid"}]}


@pytest.mark.django_db
def test_ordinary_nesting_still_parses(client):
    body = '{"client_info": {"name": "J", "estimate": {"breakdown": [{"label": "x", "amount": 1}]}}}'
    response = client.post("/api/v1/projects", data=body, content_type="application/json")
    assert response.status_code == 201
