"""The back office screens of messaging, registered with the admin site when Django imports this package."""

from messaging.admin import appointments, call_requests, notifications  # noqa: F401
