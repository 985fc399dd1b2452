"""The back office screens of messaging, registered with the admin site when Django imports this package."""

from messaging.admin import notifications  # noqa: F401
