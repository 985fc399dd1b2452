import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from projects.client_keys import client_name


class ProjectStatus(models.TextChoices):
    DRAFT = "DRAFT", _("Draft")
    PAID = "PAID", _("Paid")
    SCHEDULED = "SCHEDULED", _("Scheduled")
    PENDING_EXPERT = "PENDING_EXPERT", _("Waiting for the expert")
    CERTIFIED = "CERTIFIED", _("Certified")
    ACTIVE = "ACTIVE", _("Active")


CERTIFIED_STATUSES = (ProjectStatus.CERTIFIED, ProjectStatus.ACTIVE)


class EvidenceCategory(models.TextChoices):
    SITE_BEFORE = "SITE_BEFORE", _("Before work")
    WORK_IN_PROGRESS = "WORK_IN_PROGRESS", _("Work in progress")
    EXPERT_CERTIFICATION = "EXPERT_CERTIFICATION", _("Certification")


GALLERY_CATEGORIES = (EvidenceCategory.SITE_BEFORE, EvidenceCategory.EXPERT_CERTIFICATION)


def _non_negative(field: str) -> Q:
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 0})


class Project(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client_info = models.JSONField(_("client details"), default=dict)
    client_user_id = models.CharField(_("client id"), max_length=128, null=True, blank=True)
    client_key = models.CharField(_("client key"), max_length=64, default="unknown")
    status = models.CharField(_("status"), max_length=32, choices=ProjectStatus.choices, default=ProjectStatus.DRAFT)
    area_m2 = models.DecimalField(_("area, m²"), max_digits=10, decimal_places=2, null=True, blank=True)
    total_price_client = models.DecimalField(_("price"), max_digits=12, decimal_places=2, null=True, blank=True)
    internal_cost = models.DecimalField(_("internal cost"), max_digits=12, decimal_places=2, null=True, blank=True)
    vision_analysis = models.JSONField(null=True, blank=True)
    has_robot = models.BooleanField(_("robot mower"), default=False)
    is_certified = models.BooleanField(_("certified"), default=False)
    certified_at = models.DateTimeField(_("certified at"), null=True, blank=True)
    marketing_consent = models.BooleanField(_("marketing consent"), default=False)
    marketing_consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    assigned_contractor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contractor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contractor_projects",
        db_column="assigned_contractor_id",
    )
    assigned_expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("expert"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="expert_projects",
        db_column="assigned_expert_id",
    )
    scheduled_for = models.DateTimeField(_("scheduled for"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        db_table = "projects"
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ProjectStatus.values), name="projects_status_valid"),
            models.CheckConstraint(
                condition=(Q(is_certified=True) & Q(status__in=CERTIFIED_STATUSES))
                | (Q(is_certified=False) & ~Q(status__in=CERTIFIED_STATUSES)),
                name="chk_is_certified",
            ),
            models.CheckConstraint(
                condition=Q(marketing_consent=False) | Q(marketing_consent_at__isnull=False),
                name="chk_marketing_consent_at",
            ),
            models.CheckConstraint(
                condition=Q(is_certified=False) | Q(certified_at__isnull=False), name="projects_certified_at_set"
            ),
            models.CheckConstraint(
                condition=_non_negative("area_m2")
                & _non_negative("total_price_client")
                & _non_negative("internal_cost"),
                name="projects_amounts_non_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["status"], name="idx_projects_status"),
            models.Index(fields=["-created_at", "-id"], name="idx_projects_created_at"),
            models.Index(fields=["-updated_at", "-id"], name="idx_projects_updated_at"),
            models.Index(fields=["is_certified"], name="idx_projects_is_certified"),
            models.Index(fields=["assigned_contractor"], name="idx_projects_assigned_contr"),
            models.Index(fields=["assigned_expert"], name="idx_projects_assigned_expert"),
            models.Index(fields=["client_user_id"], name="idx_projects_client_user"),
            models.Index(fields=["client_key"], name="idx_projects_client_key"),
        ]

    def __str__(self) -> str:
        return f"{client_name(self.client_info) or _('Project')} ({str(self.id)[:8]})"


class Evidence(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="evidences")
    file_url = models.TextField(_("file URL"))
    thumbnail_url = models.TextField(_("thumbnail URL"), null=True, blank=True)
    medium_url = models.TextField(_("medium URL"), null=True, blank=True)
    storage_path = models.CharField(_("storage path"), max_length=300, blank=True, default="")
    category = models.CharField(_("category"), max_length=32, choices=EvidenceCategory.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    show_on_web = models.BooleanField(_("shown in gallery"), default=False)
    is_featured = models.BooleanField(_("featured"), default=False)
    location_tag = models.CharField(_("region"), max_length=128, null=True, blank=True)
    # The idempotency key the portal's offline queue sends with each photo: a retried upload finds this row.
    client_upload_key = models.CharField(_("upload key"), max_length=64, null=True, blank=True)

    class Meta:
        db_table = "evidences"
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        constraints = [
            models.CheckConstraint(condition=Q(category__in=EvidenceCategory.values), name="evidences_category_valid"),
            models.UniqueConstraint(
                fields=["client_upload_key"],
                condition=Q(client_upload_key__isnull=False),
                name="uniq_evidences_client_upload_key",
            ),
            models.CheckConstraint(
                condition=Q(is_featured=False) | Q(show_on_web=True), name="evidences_featured_needs_web"
            ),
            models.CheckConstraint(
                condition=Q(show_on_web=False) | Q(category__in=GALLERY_CATEGORIES), name="evidences_web_categories"
            ),
        ]
        indexes = [
            models.Index(fields=["project"], name="idx_evidences_project"),
            models.Index(fields=["project", "category"], name="idx_evidences_project_category"),
            models.Index(fields=["show_on_web", "is_featured", "-uploaded_at"], name="idx_evidences_gallery"),
            models.Index(fields=["location_tag", "show_on_web", "-uploaded_at"], name="idx_evidences_location"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} ({str(self.id)[:8]})"


class EstimateService(models.TextChoices):
    LAWN_INSTALLATION = "lawn_installation", _("Lawn installation")
    OVERGROWN_CLEANUP = "overgrown_cleanup", _("Overgrown plot clean-up")


class EstimateMethod(models.TextChoices):
    SEEDING = "seeding", _("Seeding")
    ROLL_LAWN = "roll_lawn", _("Roll lawn")
    HYDROSEEDING = "hydroseeding", _("Hydroseeding")
    SMALL = "small", _("Small (<20cm)")
    MEDIUM = "medium", _("Medium (20-50cm)")
    LARGE = "large", _("Large (>50cm)")


# Which methods belong to which service (data-model.md §2.4).
ESTIMATE_METHODS_BY_SERVICE: dict[str, tuple[str, ...]] = {
    EstimateService.LAWN_INSTALLATION: (EstimateMethod.SEEDING, EstimateMethod.ROLL_LAWN, EstimateMethod.HYDROSEEDING),
    EstimateService.OVERGROWN_CLEANUP: (EstimateMethod.SMALL, EstimateMethod.MEDIUM, EstimateMethod.LARGE),
}


class EstimateRule(models.Model):
    """A price rule of the client estimate wizard, edited in the back office (data-model.md §2.4)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.CharField(_("service"), max_length=64, choices=EstimateService.choices)
    method = models.CharField(_("method"), max_length=64, choices=EstimateMethod.choices)
    label = models.CharField(_("label"), max_length=128)
    price_per_m2 = models.DecimalField(_("price per m² (EUR)"), max_digits=10, decimal_places=2)
    minimum_price = models.DecimalField(_("minimum price (EUR)"), max_digits=12, decimal_places=2, default=0)
    is_active = models.BooleanField(pgettext_lazy("price rule", "active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        db_table = "estimate_rules"
        verbose_name = _("price rule")
        verbose_name_plural = _("price rules")
        ordering = ["service", "method"]
        constraints = [
            models.UniqueConstraint(fields=["service", "method"], name="uniq_estimate_rules_service_method"),
            models.CheckConstraint(
                condition=Q(price_per_m2__gte=0) & Q(minimum_price__gte=0), name="estimate_rules_prices_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(service__in=EstimateService.values), name="estimate_rules_service_valid"
            ),
            models.CheckConstraint(condition=Q(method__in=EstimateMethod.values), name="estimate_rules_method_valid"),
        ]

    def __str__(self) -> str:
        return self.label or f"{self.service}/{self.method}"
