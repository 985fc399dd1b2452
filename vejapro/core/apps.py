import os
import sys

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from vejapro.core.checks import autoreloader_parent, validate_startup
from vejapro.core.row_level_security import row_level_security_after_migrate


class CoreConfig(AppConfig):
    name = "vejapro.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Core")

    def ready(self) -> None:
        # The import above registers the deploy system checks; validation refuses a bad production configuration.
        validate_startup(log=not autoreloader_parent(sys.argv, os.environ))
        # Row-level security on the tables every app's migrations create (PostgreSQL only).
        post_migrate.connect(row_level_security_after_migrate, sender=self)
