"""The JSON body parser of /api/v1: DRF's strict parser, plus two limits of what JSON can carry into the database.

* Nesting. Python's ``json`` raises ``RecursionError`` (not ``ValueError``) on a body nested about a thousand levels
  deep, and anything a little shallower would still exhaust the stack in validation, redaction or the JSON column
  adapter.
* Numbers. ``1e999`` is valid JSON text that Python reads as ``inf`` (DRF's strict mode refuses only the literal
  ``NaN``/``Infinity``); stored in a JSON column it fails the database's JSON check.
* Text. A lone surrogate escape (``"\\ud800"``) decodes to a string that cannot be encoded as UTF-8, so the database
  adapter fails on it (a free-form JSON field such as ``client_info`` would carry it there).

Such a body is a malformed request: 422 like any JSON that cannot be parsed (api.md §1.2), never a 500.
"""

import math

from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_JSON_DEPTH = 64


def _not_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def json_problem(value, max_depth: int = MAX_JSON_DEPTH) -> str | None:
    """Why parsed JSON cannot be accepted (nested deeper than ``max_depth``, a number out of range, text that is not
    Unicode), else None. Iterative, so it has no recursion limit of its own."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, float) and not math.isfinite(item):
            return "number out of range"
        if isinstance(item, str) and _not_utf8(item):
            return "invalid unicode"
        if isinstance(item, dict):
            if any(_not_utf8(key) for key in item):
                return "invalid unicode"
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
