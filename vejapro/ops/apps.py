from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations across apps: the retention purge and the demo data (management commands only, no models)."""

    name = "vejapro.ops"
    label = "ops"
