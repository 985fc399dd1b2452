"""Sign-in, registration, sign-out and the portal magic links (ui.md §4.1, security-ops.md §7)."""

import uuid

from django.contrib.auth import logout
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from portals.access import HOME_BY_ROLE, role_home, start_portal_session
from portals.forms import LoginForm, RegisterForm
from vejapro.core.accounts.services import (
    LINK_REUSED,
    REGISTRATION_TAKEN,
    SIGN_IN_INACTIVE,
    SIGN_IN_ROLE,
    SIGN_IN_UNAVAILABLE,
    RegistrationFailed,
    SignInFailed,
    TokenLinkFailed,
    token_link_redeem,
    user_register,
    user_sign_in_password,
)
from vejapro.core.actors import Actor
from vejapro.core.http.csp import html_page
from vejapro.core.http.ratelimit import rate_limit_blocked_record, rate_limited

LOGIN_IP_LIMIT = 10
LOGIN_EMAIL_LIMIT = 5
REGISTER_IP_LIMIT = 5
LINK_MESSAGE_INVALID = "nebegalioja"
LINK_MESSAGE_REUSED = "panaudota"


def sign_in_throttled(request, *, group: str, ip_limit: int, email: str = "", email_limit: int = 0) -> bool:
    """The sign-in and registration limits in one place (10/min per IP and 5/min per e-mail for /login, 5/min per
    IP for /register), so a shared sign-in throttle can replace this function alone."""
    blocked = rate_limited(request, group=f"{group}:ip", limit=ip_limit)
    if email and email_limit:
        blocked = rate_limited(request, group=f"{group}:email", limit=email_limit, key=email) or blocked
    if blocked:
        rate_limit_blocked_record(request, key=group, limit=ip_limit)
    return blocked


def _sign_in_message(reason: str) -> str:
    return {
        SIGN_IN_INACTIVE: _("The account is disabled."),
        SIGN_IN_ROLE: _("The account role is not recognised or not supported in this portal."),
        SIGN_IN_UNAVAILABLE: _("The sign-in service is unavailable at the moment."),
    }.get(reason, _("Incorrect sign-in details."))


def _after_login(request, user) -> str:
    home = role_home(user)
    wanted = request.POST.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}, require_https=False)
    if allowed and home != "/admin/" and wanted.startswith(home):
        return wanted
    return home


@require_http_methods(["GET", "HEAD", "POST"])
@html_page(family="login")
def login_page(request):
    notice, status = "", 200
    initial = {}
    if request.GET.get("patvirtinta") == "1":
        initial["email"] = request.GET.get("email", "")
        notice = _("E-mail confirmed! You can sign in now.")
    link = request.GET.get("nuoroda")
    if link == LINK_MESSAGE_INVALID:
        notice = _("The link is no longer valid. Sign in with your e-mail or ask for a new link.")
    elif link == LINK_MESSAGE_REUSED:
        notice = _("The link has already been used. Please sign in.")
    form = LoginForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if sign_in_throttled(
            request, group="portal_login", ip_limit=LOGIN_IP_LIMIT, email=email, email_limit=LOGIN_EMAIL_LIMIT
        ):
            form.add_error(None, _("Too many attempts. Try again in a minute."))
            status = 429
        else:
            try:
                user = user_sign_in_password(
                    email=email, password=form.cleaned_data["password"], actor=Actor.system(request=request)
                )
            except SignInFailed as failure:
                form.add_error(None, _sign_in_message(failure.reason))
            else:
                if user.role not in HOME_BY_ROLE:
                    form.add_error(None, _sign_in_message(SIGN_IN_ROLE))
                else:
                    start_portal_session(request, user)
                    return redirect(_after_login(request, user))
    context = {"form": form, "notice": notice, "next": request.GET.get("next") or request.POST.get("next") or ""}
    return render(request, "portals/login.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@html_page(family="login")
def register_page(request):
    form = RegisterForm(request.POST or None)
    success, status = "", 200
    if request.method == "POST" and form.is_valid():
        if sign_in_throttled(request, group="portal_register", ip_limit=REGISTER_IP_LIMIT):
            form.add_error(None, _("Too many attempts. Try again in a minute."))
            status = 429
        else:
            try:
                active = user_register(
                    email=form.cleaned_data["email"],
                    password=form.cleaned_data["password"],
                    actor=Actor.system(request=request),
                )
            except RegistrationFailed as failure:
                if failure.reason == REGISTRATION_TAKEN:
                    form.add_error("email", _("This e-mail address is already registered."))
                else:
                    form.add_error(None, _("Registration failed. Please try later."))
            else:
                success = (
                    _("Registration successful! You can sign in now.")
                    if active
                    else _("Registration successful! Check your e-mail and confirm your account.")
                )
    return render(request, "portals/register.html", {"form": form, "success": success}, status=status)


@require_POST
def logout_view(request):
    logout(request)
    return redirect("/")


@require_safe
@html_page(family="login")
def magic_link(request, *, role: str):
    """``/client?token=…&project=…``, ``/contractor?token=…``, ``/expert?token=…``: redeem the link once, start the
    session and answer a redirect, so the token leaves the address bar (and the history) at once."""
    token = request.GET.get("token")
    home = HOME_BY_ROLE[role]
    if not token:
        return redirect(home)
    try:
        user = token_link_redeem(token=token, role=role, actor=Actor.system(request=request))
    except TokenLinkFailed as failure:
        reason = LINK_MESSAGE_REUSED if failure.reason == LINK_REUSED else LINK_MESSAGE_INVALID
        return redirect(f"/login?nuoroda={reason}")
    logout(request)
    start_portal_session(request, user)
    project = request.GET.get("project") or ""
    try:
        return redirect(f"{home}projektai/{uuid.UUID(project)}/")
    except ValueError:
        return redirect(home)
