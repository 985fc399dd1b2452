"""User writes of the back office: create and update local users with their audit rows (workflow.md §13.4).

``is_staff`` is maintained here: true exactly for the ADMIN role (data-model.md §1.1).
"""

import uuid

from django.db import IntegrityError, transaction

from vejapro.core.actors import Actor
from vejapro.core.errors import BadRequest, Conflict
from vejapro.core.models import Role, User
from vejapro.core.services import audit_record
from vejapro.core.settings_helpers import local_mode

EMAIL_TAKEN_TEXT = "Naudotojas su šiuo el. paštu jau yra"
ID_TAKEN_TEXT = "Naudotojas su šiuo ID jau yra"
SELF_LOCKOUT_TEXT = "Negalima atimti administratoriaus prieigos sau"


def _state(user: User) -> dict:
    return {"role": user.role, "is_active": user.is_active}


def _clean_phone(phone: str | None) -> str | None:
    phone = (phone or "").strip()
    return phone or None


def user_create(
    *,
    email: str,
    role: str,
    actor: Actor,
    full_name: str = "",
    phone: str | None = None,
    user_id: uuid.UUID | None = None,
    password: str | None = None,
) -> User:
    """A new user; without ``user_id`` a fresh UUID (token-only contractors/experts). Passwords only in local mode."""
    if role not in Role.values:
        raise BadRequest("Netinkama rolė")
    email = (email or "").strip().lower()
    if not email:
        raise BadRequest("Įveskite el. paštą")
    if password and not local_mode():
        raise BadRequest("Slaptažodis nustatomas tik vietiniame režime")
    with transaction.atomic():
        if User.objects.filter(email=email).exists():
            raise Conflict(EMAIL_TAKEN_TEXT)
        if user_id is not None and User.objects.filter(pk=user_id).exists():
            raise Conflict(ID_TAKEN_TEXT)
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email,
                    password=password or None,
                    id=user_id or uuid.uuid4(),
                    role=role,
                    full_name=(full_name or "").strip(),
                    phone=_clean_phone(phone),
                    is_staff=role == Role.ADMIN,
                )
        except IntegrityError as exc:
            raise Conflict(EMAIL_TAKEN_TEXT) from exc
        audit_record(
            entity_type="user",
            entity_id=user.pk,
            action="USER_CREATED",
            actor=actor,
            new_value=_state(user),
            metadata={"source": "admin"},
        )
    return user


def user_update(
    *,
    user: User | uuid.UUID,
    actor: Actor,
    role: str,
    full_name: str,
    phone: str | None,
    is_active: bool,
) -> tuple[User, bool]:
    """Change role, name, phone or activity; ``(user, changed)``. Deactivated users' tokens are refused at once."""
    if role not in Role.values:
        raise BadRequest("Netinkama rolė")
    user_pk = user.pk if isinstance(user, User) else user
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user_pk)
        old = _state(locked)
        changes = {
            "role": role,
            "is_staff": role == Role.ADMIN,
            "full_name": (full_name or "").strip(),
            "phone": _clean_phone(phone),
            "is_active": bool(is_active),
        }
        changed = [name for name, value in changes.items() if getattr(locked, name) != value]
        if not changed:
            return locked, False
        if str(locked.pk) == actor.actor_id and (role != Role.ADMIN or not is_active):
            raise BadRequest(SELF_LOCKOUT_TEXT)
        for name in changed:
            setattr(locked, name, changes[name])
        locked.save(update_fields=[*changed, "updated_at"])
        audit_record(
            entity_type="user",
            entity_id=locked.pk,
            action="USER_UPDATED",
            actor=actor,
            old_value=old,
            new_value=_state(locked),
            metadata={"source": "admin"},
        )
    return locked, True
