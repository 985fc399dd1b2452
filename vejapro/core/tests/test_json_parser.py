"""The /api/v1 JSON parser refuses bodies nested too deeply, or numbers Python reads as infinity, with the 422
envelope instead of a 500 (RecursionError, or a JSON column check that fails on ``Infinity``)."""

import pytest

from vejapro.core.http.parsers import MAX_JSON_DEPTH, json_problem


def nested(depth: int):
    value: object = 1
    for level in range(depth):
        value = {"a": value} if level % 2 else [value]
    return value


def test_limits():
    assert json_problem(nested(MAX_JSON_DEPTH)) is None
    assert json_problem(nested(MAX_JSON_DEPTH + 1)) == "nested too deeply"
    assert json_problem({"a": [1, {"b": "c"}], "d": None, "e": 1e308}) is None
    assert json_problem({"a": [1, {"b": float("inf")}]}) == "number out of range"
    assert json_problem({"a": ["ok", "x\ud800"]}) == "invalid unicode"
    assert json_problem({"a": {"k\udfff": 1}}) == "invalid unicode"
    assert json_problem({"emoji": "\U0001f600", "lt": "ąčęėįšųūž"}) is None
    assert json_problem("text") is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "raw",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"name": ' + '{"a": ' * 3000 + "1" + "}" * 3000 + "}",
        "[" * 65 + "]" * 65,
        '{"client_info": {"name": "J", "x": 1e999}}',
        '{"client_info": {"name": "J", "estimate": {"total": [-1e400]}}}',
        '{"client_info": {"name": "J\\ud800"}}',
        '{"client_info": {"n\\udc00": "J"}}',
    ],
    ids=["past-recursion-limit", "deep-object", "just-too-deep", "infinity", "minus-infinity", "surrogate", "key"],
)
def test_unusable_bodies_are_422(client, raw):
    response = client.post("/api/v1/projects", data=raw, content_type="application/json")

    assert response.status_code == 422
    assert response.json() == {"detail": [{"loc": ["body"], "msg": "Netinkamas JSON", "type": "json_invalid"}]}


@pytest.mark.django_db
def test_ordinary_bodies_still_parse(client):
    body = (
        '{"client_info": {"name": "J\\ud83d\\ude00 ąžuolas", "estimate": {"breakdown": [{"label": "x", "amount": 1}]}}}'
    )
    response = client.post("/api/v1/projects", data=body, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["client_info"]["name"] == "J\U0001f600 ąžuolas"
