"""Finance reads."""

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from finance.models import Margin

RECENT_MARGIN_DAYS = 7


def margin_list() -> QuerySet[Margin]:
    return Margin.objects.select_related("created_by").order_by("-created_at", "-id")


def margin_recent_changes_count() -> int:
    """Margin rows created in the last 7 days (finance.md §7)."""
    return Margin.objects.filter(created_at__gte=timezone.now() - timedelta(days=RECENT_MARGIN_DAYS)).count()
