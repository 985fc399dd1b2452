"""Buttons of the notification and confirmation screens (ui.md §3.8) and the outbox rows other screens show."""

from functools import partial

from django.http import HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from messaging.admin.display import outbox_status_label
from messaging.message_templates import template_label
from messaging.selectors import outbox_retries_remaining
from messaging.services import confirmation_resend, notification_retry
from vejapro.core.actors import Actor
from vejapro.core.admin.views import service_call

LIMIT_STATUS = 429


def _retry_url(outbox_id) -> str | None:
    try:
        return reverse("admin:messaging_notificationoutbox_retry", args=[outbox_id])
    except NoReverseMatch:
        return None


def notification_rows(notifications: list) -> list[dict]:
    """Outbox rows with their «Kartoti (N)» button (FAILED rows with retries left)."""

    remaining = outbox_retries_remaining(notification_ids=[row.pk for row in notifications if row.status == "FAILED"])
    rows = []
    for item in notifications:
        left = remaining.get(item.pk)
        rows.append(
            {
                "obj": item,
                "status_label": outbox_status_label(item.status),
                "template_label": template_label(item.template_key),
                "retry_url": _retry_url(item.pk) if left else None,
                "retry_label": gettext("Retry (%(count)s)") % {"count": left} if left else "",
                "limit_reached": left == 0,
            }
        )
    return rows


def notification_retry_report(request, notification_id) -> bool:
    """Call ``notification_retry`` and tell the user how it went («Pranešimas bus kartotas. Liko: N»)."""
    return service_call(
        request,
        partial(notification_retry, notification_id=notification_id, actor=Actor.for_user(request.user, request)),
        success=lambda state: gettext("The notification will be retried. Left: %(count)s") % {"count": state.remaining},
        refusal_texts={LIMIT_STATUS: gettext("The retry limit has been reached")},
    )


def confirmation_resend_report(request, *, project_id, channel: str) -> bool:
    """Call ``confirmation_resend`` and tell the user how it went («Patvirtinimas persiųstas. Liko: N»)."""
    return service_call(
        request,
        partial(
            confirmation_resend, project_id=project_id, channel=channel, actor=Actor.for_user(request.user, request)
        ),
        success=lambda state: gettext("The confirmation is queued again. Left: %(count)s") % {"count": state.remaining},
        refusal_texts={LIMIT_STATUS: gettext("The resend limit has been reached")},
    )


def _back(request, fallback: str) -> HttpResponseRedirect:
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = fallback
    return HttpResponseRedirect(target or fallback)


@require_POST
def retry_notification(request, notification_id):
    """«Kartoti» one FAILED outbox row; back to where the button was."""
    notification_retry_report(request, notification_id)
    return _back(request, reverse("admin:messaging_notificationoutbox_change", args=[notification_id]))
