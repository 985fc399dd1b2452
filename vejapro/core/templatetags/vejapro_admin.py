"""Template filters of the back office: money, local time, relative time, audit action."""

from django import template

from vejapro.core.admin.display import format_audit_action, format_local, format_money, relative_time

register = template.Library()


@register.filter
def money(value, currency: str = "EUR") -> str:
    return format_money(value, currency or "EUR")


@register.filter
def local(value) -> str:
    return format_local(value)


@register.filter
def relative(value) -> str:
    return relative_time(value)


@register.filter
def audit_action(value) -> str:
    return format_audit_action(value)
