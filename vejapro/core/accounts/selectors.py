"""Account reads."""

import uuid

from vejapro.core.models import User


def user_get(*, user_id: str) -> User | None:
    try:
        key = uuid.UUID(str(user_id))
    except ValueError:
        return None
    return User.objects.filter(pk=key).first()
