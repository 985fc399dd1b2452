from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "vejapro.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Importing registers the deploy system checks; validation refuses a bad production configuration.
        from vejapro.core.checks import validate_startup

        validate_startup()
