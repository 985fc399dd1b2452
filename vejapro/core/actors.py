"""Who acts: the caller of an API view, a portal or admin user, or a system actor (workflow.md §13.2)."""

from dataclasses import dataclass, replace

from django.http import HttpRequest

from vejapro.core.http.net import client_ip
from vejapro.core.models import ActorType, User

USER_AGENT_MAX = 512


@dataclass(frozen=True)
class Actor:
    actor_type: str
    actor_id: str | None = None
    user: User | None = None
    email: str | None = None
    ip_address: str | None = None
    user_agent: str | None = None

    @property
    def role(self) -> str:
        return self.actor_type

    def with_type(self, actor_type: str) -> "Actor":
        return replace(self, actor_type=actor_type)

    @classmethod
    def system(cls, actor_type: str = ActorType.SYSTEM, request: HttpRequest | None = None) -> "Actor":
        return cls(actor_type=actor_type, **request_context(request))

    @classmethod
    def for_user(cls, user: User, request: HttpRequest | None = None) -> "Actor":
        return cls(actor_type=user.role, actor_id=str(user.pk), user=user, email=user.email, **request_context(request))

    @classmethod
    def from_request(cls, request) -> "Actor":
        """An API request authenticated by ``SupabaseJWTAuthentication`` (``request.user`` is a CurrentUser)."""
        current = getattr(request, "user", None)
        context = request_context(request)
        if current is None or not getattr(current, "is_authenticated", False):
            return cls(actor_type=ActorType.CLIENT, **context)
        if isinstance(current, User):
            return cls.for_user(current, request)
        return cls(actor_type=current.role, actor_id=current.id, user=current.user, email=current.email, **context)


def request_context(request: HttpRequest | None) -> dict:
    if request is None:
        return {}
    user_agent = request.META.get("HTTP_USER_AGENT")
    return {"ip_address": client_ip(request), "user_agent": user_agent[:USER_AGENT_MAX] if user_agent else None}
