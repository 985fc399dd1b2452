import uuid

from django.conf import settings
from django.db import IntegrityError, models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Margin(models.Model):
    """A pricing margin per service type. Versioned: rows are never edited; a new version closes the old one."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service_type = models.CharField(_("service"), max_length=64)
    margin_percent = models.DecimalField(_("margin %"), max_digits=5, decimal_places=2)
    valid_from = models.DateTimeField(_("valid from"), default=timezone.now)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        db_table = "margins"
        verbose_name = _("margin rule")
        verbose_name_plural = _("margin rules")
        constraints = [
            models.UniqueConstraint(
                fields=["service_type"], condition=Q(valid_until__isnull=True), name="idx_margins_active"
            ),
            models.CheckConstraint(condition=Q(margin_percent__gte=0), name="margins_percent_non_negative"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")), name="margins_valid_range"
            ),
        ]
        indexes = [
            models.Index(fields=["service_type"], name="idx_margins_service"),
            models.Index(fields=["valid_from", "valid_until"], name="idx_margins_valid"),
            models.Index(fields=["created_by"], name="idx_margins_created_by"),
        ]

    def __str__(self) -> str:
        return f"{self.service_type} {self.margin_percent}%"

    @property
    def is_active(self) -> bool:
        return self.valid_until is None


class LedgerEntryType(models.TextChoices):
    EXPENSE = "EXPENSE", _("Expenses")
    TAX = "TAX", _("Taxes")
    ADJUSTMENT = "ADJUSTMENT", _("Adjustment")


class LedgerCategory(models.TextChoices):
    FUEL = "FUEL", _("Fuel")
    REPAIR = "REPAIR", _("Repair")
    MATERIALS = "MATERIALS", _("Materials")
    SUBCONTRACTOR = "SUBCONTRACTOR", _("Subcontractor")
    TAXES = "TAXES", _("Taxes")
    INSURANCE = "INSURANCE", _("Insurance")
    TOOLS = "TOOLS", _("Tools")
    OTHER = "OTHER", pgettext_lazy("ledger category", "Other")


class LedgerPaymentMethod(models.TextChoices):
    CASH = "CASH", _("Cash")
    BANK_TRANSFER = "BANK_TRANSFER", _("Bank transfer")
    CARD = "CARD", _("Card")
    OTHER = "OTHER", pgettext_lazy("ledger payment method", "Other")


class LedgerAppendOnly(IntegrityError):
    """A ledger row was about to be updated or deleted: corrections are reversals (finance.md §2.4)."""


class LedgerEntryQuerySet(models.QuerySet):
    """The ORM side of ``finance_ledger_append_only`` (the PostgreSQL trigger), so SQLite behaves alike."""

    def update(self, **kwargs):
        raise LedgerAppendOnly("finance_ledger_entries is append-only (UPDATE refused)")

    def delete(self):
        raise LedgerAppendOnly("finance_ledger_entries is append-only (DELETE refused)")


def ledger_business_date():
    """The date reports use (finance.md §5.1); also the expression of ``idx_fle_business_date``."""
    return Coalesce("occurred_at", "created_at")


class LedgerEntry(models.Model):
    """A cost (expense or tax) or the reversal of one. Append-only: a mistake is corrected by a reversal."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_entries",
    )
    entry_type = models.CharField(_("type"), max_length=32, choices=LedgerEntryType.choices)
    category = models.CharField(_("category"), max_length=64, choices=LedgerCategory.choices)
    description = models.TextField(_("description"), null=True, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=10, default="EUR")
    payment_method = models.CharField(
        _("method"), max_length=32, choices=LedgerPaymentMethod.choices, null=True, blank=True
    )
    reverses_entry = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_column="reverses_entry_id",
        related_name="reversed_by",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    occurred_at = models.DateTimeField(_("date"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        db_table = "finance_ledger_entries"
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [
            models.CheckConstraint(condition=Q(entry_type__in=LedgerEntryType.values), name="chk_ledger_entry_type"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="chk_ledger_amount_positive"),
            models.CheckConstraint(
                condition=Q(category__in=LedgerCategory.values), name="finance_ledger_category_valid"
            ),
            models.CheckConstraint(
                condition=Q(payment_method__isnull=True) | Q(payment_method__in=LedgerPaymentMethod.values),
                name="finance_ledger_payment_method_valid",
            ),
            models.CheckConstraint(
                condition=Q(reverses_entry__isnull=True) | Q(entry_type=LedgerEntryType.ADJUSTMENT),
                name="finance_ledger_reversal_is_adjustment",
            ),
            # Only a reversal may be an ADJUSTMENT (finance.md §2.2): the service says so, the table too.
            models.CheckConstraint(
                condition=Q(reverses_entry__isnull=False) | ~Q(entry_type=LedgerEntryType.ADJUSTMENT),
                name="finance_ledger_adjustment_is_reversal",
            ),
        ]
        indexes = [
            models.Index(fields=["project"], name="idx_fle_project"),
            models.Index(fields=["entry_type"], name="idx_fle_entry_type"),
            models.Index(fields=["-created_at", "-id"], name="idx_fle_created"),
            # Period summaries filter on the business date (finance.md §5.1).
            models.Index(ledger_business_date(), name="idx_fle_business_date"),
            models.Index(fields=["recorded_by", "-created_at", "-id"], name="idx_fle_recorded_by"),
        ]

    def __str__(self) -> str:
        return f"{self.get_entry_type_display()} {self.amount} {self.currency}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise LedgerAppendOnly("finance_ledger_entries is append-only (UPDATE refused)")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LedgerAppendOnly("finance_ledger_entries is append-only (DELETE refused)")
