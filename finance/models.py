import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
