"""The back office screens of the foundation's models (users, audit), registered with the admin site when Django
imports this package; ``base``, ``display`` and ``errors`` are the building blocks every app's screens use."""

from vejapro.core.admin import audit, users  # noqa: F401
