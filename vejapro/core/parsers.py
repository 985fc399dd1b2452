"""The JSON body parser of /api/v1: DRF's, plus a nesting limit.

Python's ``json`` raises ``RecursionError`` (not ``ValueError``) on a body nested about a thousand levels deep, and
anything a little shallower would still exhaust the stack in validation, redaction or the JSON column adapter. Such a
body is a malformed request: 422 like any JSON that cannot be parsed (api.md §1.2), never a 500.
"""

from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_JSON_DEPTH = 64


def json_depth_exceeds(value, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether ``value`` nests dicts/lists more than ``limit`` levels deep (iterative: no recursion of its own)."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in children)
    return False


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON nested too deeply") from None
        if json_depth_exceeds(data):
            raise ParseError("JSON nested too deeply")
        return data
