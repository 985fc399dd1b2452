import uuid

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import IntegrityError, models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

NIL_UUID = uuid.UUID(int=0)


class Role(models.TextChoices):
    CLIENT = "CLIENT", _("Client")
    SUBCONTRACTOR = "SUBCONTRACTOR", _("Contractor")
    EXPERT = "EXPERT", _("Expert")
    ADMIN = "ADMIN", _("Administrator")


class ActorType(models.TextChoices):
    SYSTEM = "SYSTEM", _("System")
    SYSTEM_STRIPE = "SYSTEM_STRIPE", _("Stripe")
    SYSTEM_TWILIO = "SYSTEM_TWILIO", _("Twilio")
    SYSTEM_EMAIL = "SYSTEM_EMAIL", _("E-mail")
    CLIENT = "CLIENT", _("Client")
    SUBCONTRACTOR = "SUBCONTRACTOR", _("Contractor")
    EXPERT = "EXPERT", _("Expert")
    ADMIN = "ADMIN", _("Administrator")


class AuditEntityType(models.TextChoices):
    PROJECT = "project", _("Project")
    PAYMENT = "payment", _("Payment")
    EVIDENCE = "evidence", _("Photo")
    USER = "user", _("User")
    MARGIN = "margin", _("Margin")
    CALL_REQUEST = "call_request", _("Call request")
    APPOINTMENT = "appointment", _("Appointment")
    NOTIFICATION_OUTBOX = "notification_outbox", _("Notification")
    FINANCE_LEDGER = "finance_ledger", _("Ledger entry")
    FINANCE_DOCUMENT = "finance_document", _("Finance document")
    FINANCE_VENDOR_RULE = "finance_vendor_rule", _("Vendor rule")
    SCHEDULE_DAY = "schedule_day", _("Schedule day")
    AI = "ai", _("AI")
    SYSTEM = "system", _("System")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra):
        email = self.normalize_email(email).strip().lower()
        user = self.model(email=email, **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        # The users_staff_is_admin constraint needs the role: a break-glass account is always an ADMIN.
        extra.update(role=Role.ADMIN, is_staff=True, is_superuser=True, is_active=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(_("e-mail"), max_length=255, unique=True)
    phone = models.CharField(_("phone"), max_length=20, null=True, blank=True)
    full_name = models.CharField(_("full name"), max_length=128, blank=True, default="")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        db_table = "users"
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="users_role_valid"),
            models.CheckConstraint(condition=Q(is_staff=False) | Q(role=Role.ADMIN), name="users_staff_is_admin"),
            # A break-glass superuser is an ADMIN: a role taken away (by a token sync or in the back office) takes
            # the superuser flag with it (vejapro.core.accounts.services).
            models.CheckConstraint(
                condition=Q(is_superuser=False) | Q(role=Role.ADMIN), name="users_superuser_is_admin"
            ),
        ]
        indexes = [models.Index(fields=["role"], name="idx_users_role")]

    def __str__(self) -> str:
        return self.full_name or self.email


class AuditLogAppendOnly(IntegrityError):
    """An audit row was about to be updated or deleted outside the retention purge."""


class AuditLogQuerySet(models.QuerySet):
    """Audit rows are never updated and deleted only by the retention purge (workflow.md §13.1). The PostgreSQL
    trigger ``audit_logs_append_only`` enforces the same in the database; this guard makes SQLite behave alike."""

    def update(self, **kwargs):
        raise AuditLogAppendOnly("audit_logs is append-only (UPDATE refused)")

    def delete(self):
        raise AuditLogAppendOnly("audit_logs is append-only (DELETE refused)")

    def purge_delete(self) -> int:
        """Retention purge only, inside its transaction with ``vejapro.allow_audit_purge`` on."""
        return super().delete()[0]

    def purge_clear_request_data(self) -> int:
        """Retention purge only: clear ``ip_address`` and ``user_agent`` (the only update the trigger accepts)."""
        return super().update(ip_address=None, user_agent=None)


class AuditLog(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    entity_type = models.CharField(_("entity type"), max_length=50, choices=AuditEntityType.choices)
    entity_id = models.UUIDField(_("entity id"))
    action = models.CharField(_("action"), max_length=64)
    old_value = models.JSONField(_("old value"), null=True, blank=True)
    new_value = models.JSONField(_("new value"), null=True, blank=True)
    actor_type = models.CharField(_("actor type"), max_length=50, choices=ActorType.choices)
    actor_id = models.CharField(_("actor id"), max_length=128, null=True, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.TextField(_("user agent"), null=True, blank=True)
    metadata = models.JSONField(_("metadata"), null=True, blank=True)
    timestamp = models.DateTimeField(_("time"), default=timezone.now)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        db_table = "audit_logs"
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        constraints = [
            models.CheckConstraint(
                condition=Q(entity_type__in=AuditEntityType.values), name="audit_logs_entity_type_valid"
            ),
            models.CheckConstraint(condition=Q(actor_type__in=ActorType.values), name="audit_logs_actor_type_valid"),
        ]
        indexes = [
            models.Index(fields=["action"], name="idx_audit_action"),
            models.Index(fields=["entity_type", "entity_id", "-timestamp"], name="idx_audit_entity"),
            models.Index(fields=["-timestamp", "-id"], name="idx_audit_timestamp"),
            models.Index(fields=["actor_type", "actor_id"], name="idx_audit_actor"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.entity_type}:{self.entity_id}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AuditLogAppendOnly("audit_logs is append-only (UPDATE refused)")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogAppendOnly("audit_logs is append-only (DELETE refused)")


class TokenRedemption(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    jti = models.CharField(max_length=64, unique=True)
    subject = models.CharField(max_length=128)
    role = models.CharField(max_length=32)
    redeemed_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        db_table = "token_redemptions"
        verbose_name = _("token redemption")
        verbose_name_plural = _("token redemptions")

    def __str__(self) -> str:
        return self.jti
