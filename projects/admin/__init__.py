"""The back office screens of projects, registered with the admin site when Django imports this package."""

from projects.admin import estimate_rule, project  # noqa: F401
