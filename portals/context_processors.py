"""What every public and portal page needs in its header and footer."""

from django.conf import settings


def portal_shell(request) -> dict:
    return {"marketing_enabled": settings.ENABLE_MARKETING_MODULE}
