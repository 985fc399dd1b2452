"""The one shape of a back office button: call one service, tell the user how it went, go back.

A button is a custom admin view decorated with ``require_POST`` (a GET answers 405) that validates its form and
hands the service call to ``service_action``; an admin action over several rows calls ``service_call`` per row and
lets Django go back to the list. A refused call (``ApiError``) shows the service's own error text (``errors.py``).
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpResponseRedirect

from vejapro.core.admin.errors import message_error
from vejapro.core.http.errors import ApiError

# What a button tells the user when the service ran: a text, shown as a success, or ``(level, text)`` for results
# that are not one («jau įrašyta» is info, «patvirtinimo išsiųsti nepavyko» a warning).
Notice = str | tuple[int, str]


def service_call(
    request,
    call: Callable[[], Any],
    *,
    success: Notice | Callable[[Any], Notice],
    refusal_texts: dict[int, str] | None = None,
) -> bool:
    """Run ``call`` and show ``success`` (a notice, or a function of the call's result giving one) or the refusal.

    ``refusal_texts`` replace the service's error text for some HTTP statuses (the 429 «limit reached» of retries
    and resends). Returns whether the service ran."""
    try:
        result = call()
    except ApiError as exc:
        text = (refusal_texts or {}).get(exc.status)
        if text is None:
            message_error(request, exc)
        else:
            messages.error(request, text)
        return False
    notice = success(result) if callable(success) else success
    level, text = notice if isinstance(notice, tuple) else (messages.SUCCESS, notice)
    messages.add_message(request, level, text)
    return True


def service_action(
    request,
    *,
    call: Callable[[], Any],
    success: Notice | Callable[[Any], Notice],
    redirect_to: str,
    refused_to: str | None = None,
    on_refused: Callable[[], None] | None = None,
) -> HttpResponseRedirect:
    """A workflow button: ``service_call``, then back to ``redirect_to``; a refused call first runs ``on_refused``
    (e.g. keeping what was typed, so the form comes back filled in) and goes to ``refused_to`` when given."""
    if service_call(request, call, success=success):
        return HttpResponseRedirect(redirect_to)
    if on_refused is not None:
        on_refused()
    return HttpResponseRedirect(refused_to or redirect_to)
