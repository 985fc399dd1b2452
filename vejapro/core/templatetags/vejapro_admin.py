"""Template filters of the back office: money, local time, relative time."""

from django import template

from vejapro.core import admin_display

register = template.Library()


@register.filter
def money(value, currency: str = "EUR") -> str:
    return admin_display.format_money(value, currency or "EUR")


@register.filter
def local(value) -> str:
    return admin_display.format_local(value)


@register.filter
def relative(value) -> str:
    return admin_display.relative_time(value)
