"""Account writes: the local user mirror of verified tokens, Supabase sign-in, minted tokens, session refresh, and the
back office's user create and update with their audit rows (workflow.md §13.4).

``is_staff`` is maintained here: true exactly for the ADMIN role (data-model.md §1.1). ``is_superuser`` (break-glass
accounts, ``createsuperuser``) is kept only with the ADMIN role: a change of role away from ADMIN, by a token sync or in
the back office, clears it in the same audited update (the database refuses a superuser of another role,
``users_superuser_is_admin``). The token is the only source of the role (api.md §2.3), so the role wins.
"""

import logging
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from vejapro.core.accounts import supabase
from vejapro.core.accounts.tokens import decode_token, role_from_claims
from vejapro.core.actors import Actor
from vejapro.core.audit.actions import AuditAction
from vejapro.core.audit.services import audit_record
from vejapro.core.http.errors import ApiError, BadRequest, Conflict
from vejapro.core.models import Role, TokenRedemption, User
from vejapro.core.settings_helpers import jwt_secret, local_mode, public_url

logger = logging.getLogger(__name__)


def _placeholder_email(sub: str) -> str:
    return f"{sub}@users.vejapro.local"


def user_sync_from_token(*, sub: str, email: str | None, role: str, actor: Actor | None = None) -> User | None:
    """Mirror a verified token into ``users`` (api.md §2.3). Subs that are not UUIDs get no row; a deactivated row
    is returned unchanged (the caller refuses it). ``actor`` is the SYSTEM actor of the audit rows, carrying the
    request's client IP and user agent when there is a request."""
    actor = actor or Actor.system()
    try:
        user_id = uuid.UUID(sub)
    except ValueError:
        return None
    email = (email or "").strip().lower() or None
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return _user_create_from_token(user_id=user_id, email=email, role=role, actor=actor)
    if not user.is_active or not _token_changes(user, email=email, role=role):
        return user
    return _user_update_from_token(user_id=user_id, email=email, role=role, actor=actor)


def _email_taken(email: str, *, exclude_id: uuid.UUID | None = None) -> bool:
    return User.objects.filter(email=email).exclude(pk=exclude_id).exists()


def _token_changes(user: User, *, email: str | None, role: str) -> bool:
    """Whether the token carries a role or a usable e-mail that differs from the mirror row."""
    if user.role != role:
        return True
    return bool(email and email != user.email and not _email_taken(email, exclude_id=user.pk))


def _user_create_from_token(*, user_id: uuid.UUID, email: str | None, role: str, actor: Actor) -> User:
    address = email or _placeholder_email(str(user_id))
    if _email_taken(address):
        logger.warning("token e-mail already belongs to another user; placeholder used for %s", user_id)
        address = _placeholder_email(str(user_id))
    try:
        with transaction.atomic():
            user = User.objects.create_user(address, id=user_id, role=role, is_staff=role == Role.ADMIN)
            audit_record(
                entity_type="user",
                entity_id=user.pk,
                action=AuditAction.USER_CREATED,
                actor=actor,
                new_value={"role": role, "is_active": True},
                metadata={"source": "login"},
            )
    except IntegrityError:
        # A concurrent first request for the same sub created the row.
        user = User.objects.get(pk=user_id)
    return user


def _user_update_from_token(*, user_id: uuid.UUID, email: str | None, role: str, actor: Actor) -> User:
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user_id)
        if not _token_changes(user, email=email, role=role):
            return user
        old = _state(user)
        user.role = role
        user.is_staff = role == Role.ADMIN
        user.is_superuser = user.is_superuser and role == Role.ADMIN
        if email and email != user.email and not _email_taken(email, exclude_id=user.pk):
            user.email = email
        user.save(update_fields=["role", "is_staff", "is_superuser", "email", "updated_at"])
        audit_record(
            entity_type="user",
            entity_id=user.pk,
            action=AuditAction.USER_UPDATED,
            actor=actor,
            old_value=old,
            new_value=_state(user, superuser_changed="is_superuser" in old),
            metadata={"source": "login"},
        )
    return user


class SignInFailed(Exception):
    """A password sign-in at Supabase gave no user. ``reason`` tells the sign-in form which message to show
    (ui.md §4.1): ``invalid_credentials``, ``role`` (missing or unknown role) or ``unavailable``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


SIGN_IN_INVALID_CREDENTIALS = "invalid_credentials"
SIGN_IN_ROLE = "role"
SIGN_IN_UNAVAILABLE = "unavailable"


def user_sign_in_supabase(*, email: str, password: str, actor: Actor | None = None) -> User:
    """Sign in at Supabase with e-mail and password, verify the returned JWT exactly as a bearer token (api.md §2.2),
    mirror the user (§2.3) and return the local row for a Django session (ui.md §3.1, §4.1). A deactivated row is
    returned too: the sign-in form refuses it with «Paskyra išjungta.»."""
    try:
        status, data = supabase.auth_password_sign_in(email=email, password=password)
    except supabase.SupabaseUnavailable as exc:
        logger.warning("Supabase sign-in unavailable: %s", exc)
        raise SignInFailed(SIGN_IN_UNAVAILABLE) from None
    if status >= 500:
        logger.warning("Supabase sign-in answered %s", status)
        raise SignInFailed(SIGN_IN_UNAVAILABLE)
    if status != 200:
        raise SignInFailed(SIGN_IN_INVALID_CREDENTIALS)
    access_token = data.get("access_token") if isinstance(data, dict) else None
    if not isinstance(access_token, str) or not access_token:
        logger.warning("Supabase sign-in answered without an access_token")
        raise SignInFailed(SIGN_IN_UNAVAILABLE)
    try:
        claims = decode_token(access_token)
    except ApiError:
        logger.warning("Supabase sign-in token failed verification (check SUPABASE_JWT_SECRET and the audience)")
        raise SignInFailed(SIGN_IN_UNAVAILABLE) from None
    try:
        role = role_from_claims(claims)
    except ApiError:
        raise SignInFailed(SIGN_IN_ROLE) from None
    token_email = claims.get("email") if isinstance(claims.get("email"), str) else None
    user = user_sync_from_token(sub=str(claims["sub"]).strip(), email=token_email, role=role, actor=actor)
    if user is None:  # a sub that is not a UUID has no local row, so it cannot hold a session
        raise SignInFailed(SIGN_IN_INVALID_CREDENTIALS)
    return user


@dataclass(frozen=True)
class MintedToken:
    token: str
    expires_at: int
    portal_url: str = ""


def token_mint(*, sub: str, email: str | None, role: str, ttl_hours: int) -> MintedToken:
    """HS256 token in the shape Supabase issues, with a random ``jti`` (api.md §2.5)."""
    secret = jwt_secret()
    if not secret:
        raise ApiError(500, "Nesukonfigūruotas SUPABASE_JWT_SECRET")
    now = timezone.now()
    claims = {
        "sub": sub,
        "email": email,
        "app_metadata": {"role": role},
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(hours=max(ttl_hours, 1))).timestamp()),
        "jti": str(uuid.uuid4()),
    }
    if settings.SUPABASE_JWT_AUDIENCE:
        claims["aud"] = settings.SUPABASE_JWT_AUDIENCE
    return MintedToken(token=jwt.encode(claims, secret, algorithm="HS256"), expires_at=claims["exp"])


PORTAL_PATH_BY_ROLE = {Role.SUBCONTRACTOR: "contractor", Role.EXPERT: "expert"}
TOKEN_ISSUED_ACTION_BY_ROLE = {
    Role.SUBCONTRACTOR: AuditAction.CONTRACTOR_TOKEN_ISSUED,
    Role.EXPERT: AuditAction.EXPERT_TOKEN_ISSUED,
}
STAFF_TOKEN_TTL_HOURS = 168


def user_token_issue(*, user: User, role: str, actor: Actor) -> MintedToken:
    """A portal token for a contractor or an expert (api.md §5.6)."""
    if user.role != role:
        raise BadRequest(f"User role must be {role}")
    if not user.is_active:
        raise BadRequest("Vartotojas neaktyvus")
    portal = PORTAL_PATH_BY_ROLE[role]
    email = user.email or f"{portal}-{user.pk}@vejapro.local"
    minted = token_mint(sub=str(user.pk), email=email, role=role, ttl_hours=STAFF_TOKEN_TTL_HOURS)
    with transaction.atomic():
        audit_record(
            entity_type="user",
            entity_id=user.pk,
            action=TOKEN_ISSUED_ACTION_BY_ROLE[role],
            actor=actor,
            new_value={"user_id": str(user.pk), "ttl_hours": STAFF_TOKEN_TTL_HOURS},
        )
    return replace(minted, portal_url=public_url(f"/{portal}?token={minted.token}"))


DEFAULT_SESSION_SECONDS = 3600
REFRESH_FAILED_TEXT = "Nepavyko atnaujinti sesijos"


@dataclass(frozen=True)
class RefreshedSession:
    access_token: str
    refresh_token: str
    expires_at: int


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        return int(float(value))
    except (TypeError, ValueError, OverflowError):
        return None


def session_refresh(*, refresh_token: str) -> RefreshedSession:
    """Exchange a Supabase refresh token for a new session (api.md §5.2)."""
    try:
        status, data = supabase.auth_refresh(refresh_token=refresh_token)
    except supabase.SupabaseUnavailable as exc:
        raise ApiError(502, str(exc)) from exc
    if status != 200:
        raise ApiError(401, REFRESH_FAILED_TEXT)
    access_token = data.get("access_token") if isinstance(data, dict) else None
    if not isinstance(access_token, str) or not access_token:
        raise ApiError(502, "Supabase auth answered without an access_token")
    now = int(timezone.now().timestamp())
    if data.get("expires_at") is not None:
        expires_at = _as_int(data["expires_at"])
    elif data.get("expires_in") is not None:
        expires_in = _as_int(data["expires_in"])
        expires_at = now + expires_in if expires_in is not None else None
    else:
        expires_at = None
    new_refresh = data.get("refresh_token")
    return RefreshedSession(
        access_token=access_token,
        refresh_token=new_refresh if isinstance(new_refresh, str) and new_refresh else refresh_token,
        expires_at=expires_at if expires_at is not None else now + DEFAULT_SESSION_SECONDS,
    )


# --- Users created and changed in the back office ---

EMAIL_TAKEN_TEXT = "Naudotojas su šiuo el. paštu jau yra"
ID_TAKEN_TEXT = "Naudotojas su šiuo ID jau yra"
SELF_LOCKOUT_TEXT = "Negalima atimti administratoriaus prieigos sau"


def _state(user: User, *, superuser_changed: bool | None = None) -> dict:
    """The audited state: role and activity, plus ``is_superuser`` for a superuser (and after a change of it)."""
    state = {"role": user.role, "is_active": user.is_active}
    if user.is_superuser or superuser_changed:
        state["is_superuser"] = user.is_superuser
    return state


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
            action=AuditAction.USER_CREATED,
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
            "is_superuser": locked.is_superuser and role == Role.ADMIN,
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
            action=AuditAction.USER_UPDATED,
            actor=actor,
            old_value=old,
            new_value=_state(locked, superuser_changed="is_superuser" in old),
            metadata={"source": "admin"},
        )
    return locked, True


# --- Portal sign-in, registration and magic links (ui.md §4.1) ---

SIGN_IN_INACTIVE = "inactive"


def _local_password_user(email: str, password: str) -> User | None:
    user = User.objects.filter(email=email).first()
    if user is None:
        User().set_password(password)  # the same work as a real check, so timing tells nothing
        return None
    return user if user.check_password(password) else None


def user_sign_in_password(*, email: str, password: str, actor: Actor | None = None) -> User:
    """The portal sign-in form: the local password in local mode (and for break-glass superusers), Supabase
    otherwise. Raises ``SignInFailed`` with the reason the form turns into its message."""
    email = email.strip().lower()
    user = _local_password_user(email, password)
    if user is not None and not (local_mode() or user.is_superuser):
        user = None
    if user is None and not local_mode():
        user = user_sign_in_supabase(email=email, password=password, actor=actor)
    if user is None:
        raise SignInFailed(SIGN_IN_INVALID_CREDENTIALS)
    if not user.is_active:
        raise SignInFailed(SIGN_IN_INACTIVE)
    return user


class RegistrationFailed(Exception):
    """``reason`` is ``taken`` (the address has an account) or ``unavailable`` (Supabase failed)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


REGISTRATION_TAKEN = "taken"
REGISTRATION_UNAVAILABLE = "unavailable"


def _supabase_user_id(data: Any) -> str | None:
    if not isinstance(data, dict):
        return None
    user = data.get("user") if isinstance(data.get("user"), dict) else data
    # Supabase answers a sign-up for a confirmed address with a user that has no identities instead of an error.
    if user.get("identities") == []:
        raise RegistrationFailed(REGISTRATION_TAKEN)
    return user.get("id") if isinstance(user.get("id"), str) else None


def user_register(*, email: str, password: str, actor: Actor) -> bool:
    """A CLIENT account from the portal registration form. Local mode creates the local user, active at once;
    with Supabase the account is created there, its ``app_metadata.role`` set to CLIENT through the admin API, and
    the local mirror appears at the first sign-in. Returns whether the person may sign in right away."""
    email = email.strip().lower()
    if local_mode():
        with transaction.atomic():
            if User.objects.filter(email=email).exists():
                raise RegistrationFailed(REGISTRATION_TAKEN)
            try:
                with transaction.atomic():
                    user = User.objects.create_user(email, password=password, id=uuid.uuid4(), role=Role.CLIENT)
            except IntegrityError:
                raise RegistrationFailed(REGISTRATION_TAKEN) from None
            audit_record(
                entity_type="user",
                entity_id=user.pk,
                action=AuditAction.USER_CREATED,
                actor=actor,
                new_value=_state(user),
                metadata={"source": "register"},
            )
        return True
    try:
        status, data = supabase.auth_sign_up(
            email=email, password=password, redirect_to=public_url("/login?patvirtinta=1")
        )
        if status in (400, 422) and "registered" in str((data or {}).get("msg") or (data or {}).get("message") or ""):
            raise RegistrationFailed(REGISTRATION_TAKEN)
        user_id = _supabase_user_id(data) if status == 200 else None
        if user_id is None:
            logger.warning("Supabase sign-up answered %s", status)
            raise RegistrationFailed(REGISTRATION_UNAVAILABLE)
        role_status, _ = supabase.auth_admin_set_role(user_id=user_id, role=Role.CLIENT)
    except supabase.SupabaseUnavailable as exc:
        logger.warning("Supabase registration unavailable: %s", exc)
        raise RegistrationFailed(REGISTRATION_UNAVAILABLE) from None
    if role_status != 200:
        logger.warning("Supabase admin API answered %s when setting the CLIENT role", role_status)
        raise RegistrationFailed(REGISTRATION_UNAVAILABLE)
    return False


class TokenLinkFailed(Exception):
    """``reason`` is ``invalid`` (bad, expired, wrong role, no session possible) or ``reused``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


LINK_INVALID = "invalid"
LINK_REUSED = "reused"


def token_link_redeem(*, token: str, role: str, actor: Actor) -> User:
    """A portal magic link (ui.md §4.1): a verified token of ``role`` whose ``jti`` is redeemed here once
    (``TokenRedemption``), for a user that can hold a session (a UUID ``sub``, mirrored first when new)."""
    try:
        claims = decode_token(token)
        token_role = role_from_claims(claims)
    except ApiError:
        raise TokenLinkFailed(LINK_INVALID) from None
    sub = str(claims["sub"]).strip()
    jti = claims.get("jti")
    if token_role != role or not isinstance(jti, str) or not jti:
        raise TokenLinkFailed(LINK_INVALID)
    try:
        uuid.UUID(sub)
    except ValueError:
        raise TokenLinkFailed(LINK_INVALID) from None
    expires_at = datetime.fromtimestamp(int(claims["exp"]), tz=UTC)
    try:
        with transaction.atomic():
            TokenRedemption.objects.create(jti=jti[:64], subject=sub[:128], role=role, expires_at=expires_at)
    except IntegrityError:
        raise TokenLinkFailed(LINK_REUSED) from None
    email = claims.get("email") if isinstance(claims.get("email"), str) else None
    user = user_sync_from_token(sub=sub, email=email, role=role, actor=actor)
    if user is None or not user.is_active:
        raise TokenLinkFailed(LINK_INVALID)
    return user
