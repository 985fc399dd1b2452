"""The JSON body parser of /api/v1: DRF's strict parser, plus two limits of what JSON can carry into the database.

* Nesting. Python's ``json`` raises ``RecursionError`` (not ``ValueError``) on a body nested about a thousand levels
  deep, and anything a little shallower would still exhaust the stack in validation, redaction or the JSON column
  adapter.
* Numbers. ``1e999`` is valid JSON text that Python reads as ``inf`` (DRF's strict mode refuses only the literal
  ``NaN``/``Infinity``); stored in a JSON column it fails the database's JSON check.

Such a body is a malformed request: 422 like any JSON that cannot be parsed (api.md §1.2), never a 500.
"""

import math

from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_JSON_DEPTH = 64


def json_problem(value, max_depth: int = MAX_JSON_DEPTH) -> str | None:
    """Why parsed JSON cannot be accepted (nested deeper than ``max_depth``, or a number out of range), else None.
    Iterative, so it has no recursion limit of its own."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, float) and not math.isfinite(item):
            return "number out of range"
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > max_depth:
            return "nested too deeply"
        pending.extend((child, depth + 1) for child in children)
    return None


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply") from None
        problem = json_problem(data)
        if problem:
            raise ParseError(f"JSON parse error - {problem}")
        return data
