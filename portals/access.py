"""Who may open a portal page: the session's role decides the portal, ownership decides the project (ui.md §4.1).

Anonymous visitors go to ``/login``; a signed-in person of another role, and anything outside their projects, gets
the 404 page «Nerasta arba nėra prieigos», so a page never tells whether something exists."""

from functools import wraps

from django.contrib.auth import login
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render

from projects.selectors import project_can_access, project_get_annotated
from vejapro.core.actors import Actor
from vejapro.core.http.csp import html_page
from vejapro.core.http.errors import ApiError
from vejapro.core.models import Role

PORTAL_SESSION_SECONDS = 14 * 24 * 3600
LOGIN_PATH = "/login"
HOME_BY_ROLE = {
    Role.ADMIN: "/admin/",
    Role.CLIENT: "/client/",
    Role.SUBCONTRACTOR: "/contractor/",
    Role.EXPERT: "/expert/",
}


def role_home(user) -> str:
    return HOME_BY_ROLE.get(getattr(user, "role", None), "/")


def start_portal_session(request, user) -> None:
    """A session bound to ``user`` that lasts 14 days after the last portal page (sliding, see ``portal_view``)."""
    login(request, user, backend="vejapro.core.accounts.backends.LocalPasswordBackend")
    request.session.set_expiry(PORTAL_SESSION_SECONDS)


@html_page(family="portal")
def not_found_page(request):
    return render(request, "portals/not_found.html", status=404)


class PortalNotFound(Exception):
    """Raised inside a portal view for anything outside the person's role or projects."""


def portal_view(role: str):
    """Decorate a portal view: the login redirect for anonymous visitors, 404 for other roles, a sliding session,
    the portal page policy (no-store, CSP) and the 404 page for ``PortalNotFound`` and refused project lookups."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path(), LOGIN_PATH)
            if user.role != role:
                return not_found_page(request)
            # Saving the session on every portal page moves its expiry: 14 days after the last visit.
            request.session.modified = True
            try:
                return html_page(family="portal")(view)(request, *args, **kwargs)
            except PortalNotFound:
                return not_found_page(request)

        return wrapped

    return decorator


def portal_project(request, project_id, *, role: str):
    """The project, annotated with its payment and confirmation facts, if the signed-in person may see it
    (workflow.md §3.3), else ``PortalNotFound``."""
    try:
        project = project_get_annotated(project_id=project_id)
    except ApiError:
        raise PortalNotFound from None
    if not project_can_access(project=project, actor=Actor.for_user(request.user, request), roles={role}):
        raise PortalNotFound
    return project
