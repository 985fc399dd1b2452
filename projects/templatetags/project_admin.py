"""Template filters of the back office's project screens."""

from django import template

from projects.models import ProjectStatus

register = template.Library()


@register.filter
def status_label(value) -> str:
    """The staff label of a status code («PAID» → «Apmokėtas», ui.md §2.1); anything else as it is."""
    return ProjectStatus(value).label if value in ProjectStatus.values else value
