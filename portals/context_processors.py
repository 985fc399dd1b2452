"""What every public and portal page needs in its header and footer."""

from django.conf import settings

from portals.access import role_home


def portal_shell(request) -> dict:
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return {"marketing_enabled": settings.ENABLE_MARKETING_MODULE, "home_url": role_home(user) if signed_in else "/"}
