"""The JSON renderer of every /api/v1 view: ``application/json; charset=utf-8`` (api.md §1.1)."""

from rest_framework import renderers


class JSONRenderer(renderers.JSONRenderer):
    charset = "utf-8"
