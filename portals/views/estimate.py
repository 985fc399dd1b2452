"""The client estimate wizard ``/client/ivertinimas/`` (ui.md §4.4): four steps in one form, priced by the
selector that reads the «Kainų taisyklės», submitted through ``project_create_from_estimate``."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from portals.access import portal_view
from portals.forms import OTHER_SLOT, WIZARD_STEPS, EstimateForm
from projects.selectors import (
    ADDON_MOLE_NET,
    estimate_price,
    estimate_rules_active,
    estimate_rules_version,
    project_open_estimate,
)
from projects.services import EstimateRequest, EstimateRulesChanged, project_create_from_estimate
from vejapro.core.actors import Actor
from vejapro.core.http.errors import ApiError
from vejapro.core.models import Role


def _price(form, rules):
    data = form.cleaned_data
    return estimate_price(
        rules=rules,
        service=data["service"],
        method=data["method"],
        area_m2=data["area_m2"],
        distance_km=data["distance_km"],
        mole_net=ADDON_MOLE_NET in (data.get("addons") or []),
    )


def _render(request, form, step, *, rules, price=None, error=""):
    context = {
        "form": form,
        "step": step,
        "steps": range(1, WIZARD_STEPS + 1),
        "price": price,
        "error": error,
        "rules_version": estimate_rules_version(rules),
    }
    return render(request, "portals/client/estimate.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@portal_view(Role.CLIENT)
def estimate_wizard(request):
    open_estimate = project_open_estimate(user_id=request.user.pk)
    if open_estimate is not None:
        return render(request, "portals/client/estimate_open.html", {"project": open_estimate})
    rules = estimate_rules_active()
    if request.method != "POST":
        return _render(request, EstimateForm(initial={"preferred_slot": OTHER_SLOT}, rules=rules), 1, rules=rules)
    form = EstimateForm(request.POST, rules=rules)
    if not form.is_valid():
        return _render(request, form, form.first_step_with_errors() or 1, rules=rules)
    step, action = form.cleaned_data["step"], request.POST.get("action")
    if action == "back":
        return _render(request, form, max(step - 1, 1), rules=rules)
    if action != "submit" or step < WIZARD_STEPS:
        # «Toliau», or «Perskaičiuoti» on the price card after ticking an add-on.
        following = min(step + 1, WIZARD_STEPS)
        price = _price(form, rules) if following == WIZARD_STEPS else None
        return _render(request, form, following, rules=rules, price=price)
    data = form.cleaned_data
    estimate = EstimateRequest(
        service=data["service"],
        method=data["method"],
        area_m2=data["area_m2"],
        address=data["address"].strip(),
        distance_km=data["distance_km"],
        phone=data["phone"].strip(),
        notes=data["notes"].strip(),
        addons=list(data["addons"]),
        preferred_slot=data["preferred_slot"] or OTHER_SLOT,
        rules_version=data["rules_version"],
    )
    try:
        project = project_create_from_estimate(request=estimate, actor=Actor.for_user(request.user, request))
    except EstimateRulesChanged as changed:
        message = _("The price rules have changed. The price was recalculated: check it and submit again.")
        return _render(request, form, WIZARD_STEPS, rules=rules, price=changed.price, error=message)
    except ApiError:
        price = _price(form, rules)
        return _render(request, form, WIZARD_STEPS, rules=rules, price=price, error=_("Could not submit the request."))
    return render(request, "portals/client/estimate_done.html", {"project": project})
