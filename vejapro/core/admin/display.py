"""Formatting for back office screens: money as «1 234,50 €», local times, relative times, pills, audit actions
(ui.md §1)."""

from datetime import datetime

from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vejapro.core.audit.actions import audit_action_label
from vejapro.core.money import round_cents

NBSP = "\u00a0"
EMPTY = "—"


def format_money(amount, currency: str = "EUR") -> str:
    """``1 234,50 €`` (thousands separated by a non-breaking space, decimal comma)."""
    if amount is None:
        return EMPTY
    value = round_cents(amount)
    sign = "-" if value < 0 else ""
    whole, _dot, cents = f"{abs(value):.2f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    symbol = "€" if (currency or "EUR").upper() == "EUR" else currency.upper()
    return f"{sign}{NBSP.join(groups)},{cents}{NBSP}{symbol}"


def format_local(moment: datetime | None) -> str:
    """``YYYY-MM-DD HH:MM`` in Europe/Vilnius."""
    if moment is None:
        return EMPTY
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def relative_time(moment: datetime | None, *, now: datetime | None = None) -> str:
    """«ką tik», «prieš 5 min.», «prieš 3 val.», «prieš 2 d.»."""
    if moment is None:
        return EMPTY
    seconds = max(0, int(((now or timezone.now()) - moment).total_seconds()))
    if seconds < 60:
        return _("just now")
    if seconds < 3600:
        minutes = seconds // 60
        return ngettext("%(count)d min. ago", "%(count)d min. ago", minutes) % {"count": minutes}
    if seconds < 86400:
        hours = seconds // 3600
        return ngettext("%(count)d h ago", "%(count)d h ago", hours) % {"count": hours}
    days = seconds // 86400
    return ngettext("%(count)d d. ago", "%(count)d d. ago", days) % {"count": days}


def pill(text, kind: str, *, title: str = "") -> str:
    if title:
        return format_html('<span class="vp-pill vp-pill-{}" title="{}">{}</span>', kind, title, text)
    return format_html('<span class="vp-pill vp-pill-{}">{}</span>', kind, text)


def format_audit_action(value: str) -> str:
    """The action's label; the stored name stays on hover because the «Auditas» search and the CSV use it."""
    return format_html('<span title="{}">{}</span>', value, audit_action_label(value))
