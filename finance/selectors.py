"""Finance reads: margins, the ledger list, the period and project summaries (finance.md §5), the finance read
model and mini-triage (§6) and the aggregates of the metrics stream (§8.2). Every summary is a fixed number of
aggregate queries whatever the number of rows."""

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db.models import (
    Avg,
    Count,
    DecimalField,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from finance.models import LedgerEntry, LedgerEntryType, Margin, ledger_business_date
from messaging.models import ClientConfirmation, ConfirmationChannel, ConfirmationStatus
from payments.facts import payment_deposit_fact_expression, payment_final_fact_expression
from payments.models import Payment, PaymentProvider, PaymentStatus
from projects.client_keys import client_contact_masked
from projects.models import Project, ProjectStatus
from projects.selectors import project_get_for_actor
from vejapro.core.actors import Actor
from vejapro.core.audit.actions import AuditAction
from vejapro.core.http.errors import RequestValidationError
from vejapro.core.http.pagination import decode_time_id_cursor, encode_cursor, page
from vejapro.core.models import AuditLog, Role
from vejapro.core.money import round_cents
from vejapro.core.timestamps import utc_iso

RECENT_MARGIN_DAYS = 7
MANUAL_PAYMENTS_WINDOW_DAYS = 7
VIEW_VERSION = "1.0"
EUR = "EUR"
ZERO = Decimal("0.00")
VILNIUS = ZoneInfo("Europe/Vilnius")
DEFAULT_PERIOD_START = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
INCOME_PROVIDERS = (PaymentProvider.MANUAL, PaymentProvider.STRIPE)
COST_TYPES = (LedgerEntryType.EXPENSE, LedgerEntryType.TAX)
METRICS_CACHE_KEY = "finance:metrics:snapshot"
METRICS_CACHE_SECONDS = 5


def margin_list() -> QuerySet[Margin]:
    return Margin.objects.select_related("created_by").order_by("-created_at", "-id")


def margin_recent_changes_count() -> int:
    """Margin rows created in the last 7 days (finance.md §7)."""
    return Margin.objects.filter(created_at__gte=timezone.now() - dt.timedelta(days=RECENT_MARGIN_DAYS)).count()


# --- The ledger (api.md §14.4) ---


def ledger_entry_out(entry: LedgerEntry) -> dict:
    """``LedgerEntryOut`` (finance.md §2.3). ``reversed_by_entry_id`` reads the annotation of ``ledger_entries``."""
    reversed_by = getattr(entry, "reversed_by_entry_id", None)
    return {
        "id": str(entry.pk),
        "project_id": str(entry.project_id) if entry.project_id else None,
        "entry_type": entry.entry_type,
        "category": entry.category,
        "description": entry.description,
        "amount": float(entry.amount),
        "currency": entry.currency,
        "payment_method": entry.payment_method,
        # Finance documents are P2 (finance.md §9).
        "document_id": None,
        "reverses_entry_id": str(entry.reverses_entry_id) if entry.reverses_entry_id else None,
        "reversed_by_entry_id": str(reversed_by) if reversed_by else None,
        "recorded_by": str(entry.recorded_by_id) if entry.recorded_by_id else None,
        "occurred_at": utc_iso(entry.occurred_at),
        "created_at": utc_iso(entry.created_at),
    }


def ledger_entries() -> QuerySet[LedgerEntry]:
    """Ledger rows with the id of their reversal (one query, no per-row look-up)."""
    return LedgerEntry.objects.annotate(reversed_by_entry_id=F("reversed_by__id"))


def ledger_entry_list(
    *,
    actor: Actor,
    limit: int,
    cursor: str | None = None,
    project_id: uuid.UUID | None = None,
    entry_type: str | None = None,
    category: str | None = None,
) -> dict:
    """Newest first (``created_at DESC, id DESC``); a SUBCONTRACTOR sees only the entries they recorded."""
    queryset = ledger_entries()
    if actor.role != Role.ADMIN:
        queryset = queryset.filter(recorded_by_id=actor.user.pk) if actor.user else queryset.none()
    if project_id is not None:
        queryset = queryset.filter(project_id=project_id)
    if entry_type:
        queryset = queryset.filter(entry_type=entry_type.upper())
    if category:
        queryset = queryset.filter(category=category.upper())
    if cursor:
        moment, key = decode_time_id_cursor(cursor)
        queryset = queryset.filter(Q(created_at__lt=moment) | Q(created_at=moment, id__lt=key))
    rows = list(queryset.order_by("-created_at", "-id")[: limit + 1])
    result = page(rows, limit, lambda entry: encode_cursor(entry.created_at, entry.pk))
    return {**result, "items": [ledger_entry_out(entry) for entry in result["items"]]}


def ledger_admin_queryset() -> QuerySet[LedgerEntry]:
    return ledger_entries().select_related("project", "recorded_by")


def ledger_entries_for_project(*, project_id: uuid.UUID) -> list[LedgerEntry]:
    """«Išlaidos» on the project screen, newest first."""
    return list(
        ledger_entries().filter(project_id=project_id).select_related("recorded_by").order_by("-created_at", "-id")
    )


# --- Summaries (finance.md §5) ---


def vilnius_midnight(day: dt.date) -> dt.datetime:
    """A date-only period bound means Europe/Vilnius midnight (finance.md §5.1), returned in UTC."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=VILNIUS).astimezone(dt.UTC)


def _income_payments() -> QuerySet[Payment]:
    """Income (finance.md §3): SUCCEEDED manual or Stripe payments; VOIDED never counts."""
    return Payment.objects.filter(status=PaymentStatus.SUCCEEDED, provider__in=INCOME_PROVIDERS).annotate(
        business_date=Coalesce("received_at", "created_at")
    )


def _dated(queryset: QuerySet, start: dt.datetime | None, end: dt.datetime | None) -> QuerySet:
    if start is not None:
        queryset = queryset.filter(business_date__gte=start)
    if end is not None:
        queryset = queryset.filter(business_date__lt=end)
    return queryset


def _money_sum(condition: Q | None = None) -> Coalesce:
    return Coalesce(
        Sum("amount", filter=condition), Value(ZERO), output_field=DecimalField(max_digits=14, decimal_places=2)
    )


@dataclass
class Totals:
    total_income: Decimal = ZERO
    total_expenses: Decimal = ZERO
    reversals: Decimal = ZERO

    @property
    def net_expenses(self) -> Decimal:
        return round_cents(self.total_expenses - self.reversals)

    @property
    def profit(self) -> Decimal:
        return round_cents(self.total_income - self.net_expenses)


@dataclass
class Summary:
    """EUR totals; other currencies are listed apart and never added to them (finance.md §1)."""

    eur: Totals
    other_currencies: dict[str, Totals] = field(default_factory=dict)


def _totals_by_currency(*, start=None, end=None, project_id=None) -> dict[str, Totals]:
    """Two aggregate queries: income per currency and ledger costs/reversals per currency."""
    income = _income_payments()
    ledger = LedgerEntry.objects.annotate(business_date=ledger_business_date())
    if project_id is not None:
        income = income.filter(project_id=project_id)
        ledger = ledger.filter(project_id=project_id)
    totals: dict[str, Totals] = {}
    for row in _dated(income, start, end).values("currency").annotate(total=_money_sum()).order_by():
        totals.setdefault(row["currency"], Totals()).total_income = row["total"]
    ledger_rows = (
        _dated(ledger, start, end)
        .values("currency")
        .annotate(
            expenses=_money_sum(Q(entry_type__in=COST_TYPES)),
            reversals=_money_sum(Q(reverses_entry__isnull=False)),
        )
        .order_by()
    )
    for row in ledger_rows:
        entry = totals.setdefault(row["currency"], Totals())
        entry.total_expenses, entry.reversals = row["expenses"], row["reversals"]
    return totals


def _summary(totals: dict[str, Totals]) -> Summary:
    return Summary(
        eur=totals.pop(EUR, Totals()),
        other_currencies=dict(sorted(totals.items())),
    )


@dataclass
class PeriodSummary:
    period_start: dt.datetime
    period_end: dt.datetime
    summary: Summary
    project_count: int

    def as_json(self) -> dict:
        eur = self.summary.eur
        return {
            "period_start": utc_iso(self.period_start),
            "period_end": utc_iso(self.period_end),
            "total_income": float(eur.total_income),
            "total_expenses": float(eur.total_expenses),
            "net_expenses": float(eur.net_expenses),
            "profit": float(eur.profit),
            "project_count": self.project_count,
        }


def finance_period_summary(*, start: dt.datetime | None = None, end: dt.datetime | None = None) -> PeriodSummary:
    """§5.2 in three aggregate queries; ``start`` inclusive, ``end`` exclusive; defaults 2020-01-01 UTC .. now."""
    start = start or DEFAULT_PERIOD_START
    end = end or timezone.now()
    if start > end:
        raise RequestValidationError.single("query", "start", "start turi būti ne vėlesnis nei end")
    totals = _totals_by_currency(start=start, end=end)
    project_count = _dated(_income_payments(), start, end).aggregate(n=Count("project_id", distinct=True))["n"]
    return PeriodSummary(period_start=start, period_end=end, summary=_summary(totals), project_count=project_count)


def finance_project_summary(*, project_id, actor: Actor) -> dict:
    """§5.3: the project's totals without a date filter; 404 for an unknown project, 403 for a stranger."""
    project = project_get_for_actor(project_id=project_id, actor=actor, roles={Role.ADMIN, Role.SUBCONTRACTOR})
    eur = _summary(_totals_by_currency(project_id=project.pk)).eur
    return {
        "project_id": str(project.pk),
        "total_income": float(eur.total_income),
        "total_expenses": float(eur.total_expenses),
        "net_expenses": float(eur.net_expenses),
        "profit": float(eur.profit),
    }


def finance_project_totals(*, project_id: uuid.UUID) -> Summary:
    """The profit line of the project screen (EUR, other currencies apart)."""
    return _summary(_totals_by_currency(project_id=project_id))


@dataclass
class CategoryLine:
    category: str
    label: str
    expenses: Decimal
    reversals: Decimal

    @property
    def net(self) -> Decimal:
        return round_cents(self.expenses - self.reversals)


def finance_category_breakdown(*, start: dt.datetime, end: dt.datetime) -> list[CategoryLine]:
    """EUR net expenses per category in the period (one query), largest first."""
    rows = (
        _dated(LedgerEntry.objects.annotate(business_date=ledger_business_date()), start, end)
        .filter(currency=EUR)
        .values("category")
        .annotate(
            expenses=_money_sum(Q(entry_type__in=COST_TYPES)),
            reversals=_money_sum(Q(reverses_entry__isnull=False)),
        )
        .order_by()
    )
    labels = dict(LedgerEntry._meta.get_field("category").choices)
    lines = [
        CategoryLine(
            row["category"], str(labels.get(row["category"], row["category"])), row["expenses"], row["reversals"]
        )
        for row in rows
    ]
    return sorted(lines, key=lambda line: (-line.net, line.category))


# --- Finance read model and mini-triage (finance.md §6) ---

TRIAGE_RULES = {
    ProjectStatus.DRAFT: ("has_deposit", "record_deposit", "Įrašyti įnašą", "high", "Reikia įrašyti depozitą"),
    ProjectStatus.CERTIFIED: (
        "has_final",
        "record_final",
        "Įrašyti galutinį mokėjimą",
        "medium",
        "Reikia įrašyti galutinį mokėjimą",
    ),
}


def finance_mini_triage(*, limit: int) -> dict:
    """Scans the ``limit * 2`` most recently updated DRAFT/CERTIFIED projects (one query) and returns up to
    ``limit`` of those waiting for money."""
    projects = (
        Project.objects.filter(status__in=list(TRIAGE_RULES))
        .annotate(has_deposit=payment_deposit_fact_expression(), has_final=payment_final_fact_expression())
        .order_by("-updated_at", "-id")[: limit * 2]
    )
    items = []
    for project in projects:
        fact, action_key, label, urgency, reason = TRIAGE_RULES[project.status]
        if getattr(project, fact):
            continue
        items.append(
            {
                "project_id": str(project.pk),
                "client_key": project.client_key,
                "contact_masked": client_contact_masked(project.client_info),
                "urgency": urgency,
                "stuck_reason": reason,
                "primary_action": {
                    "label": label,
                    "action_key": action_key,
                    "payload": {"project_id": str(project.pk), "client_key": project.client_key},
                },
            }
        )
    return {"items": items[:limit], "view_version": VIEW_VERSION}


def finance_view() -> dict:
    """§14.1: the mini-triage (20) and the number of manual payments recorded in the last 7 days."""
    since = timezone.now() - dt.timedelta(days=MANUAL_PAYMENTS_WINDOW_DAYS)
    manual_count = AuditLog.objects.filter(action=AuditAction.PAYMENT_RECORDED_MANUAL, timestamp__gte=since).count()
    return {
        "items": finance_mini_triage(limit=20)["items"],
        "manual_payments_count_7d": manual_count,
        "ai_summary": None,
        "view_version": VIEW_VERSION,
    }


# --- The metrics stream's event (finance.md §8.2) ---


def _ratio(part: int, whole: int, digits: int) -> float:
    return round(part / whole, digits) if whole else 0.0


def finance_metrics_compute(*, now: dt.datetime | None = None) -> dict:
    """Aggregates only, no personal data: three aggregate queries."""
    now = now or timezone.now()
    today = vilnius_midnight(now.astimezone(VILNIUS).date())
    payments = _income_payments().aggregate(
        daily_volume=_money_sum(Q(business_date__gte=today)),
        manual_count=Count("id", filter=Q(provider=PaymentProvider.MANUAL)),
        stripe_count=Count("id", filter=Q(provider=PaymentProvider.STRIPE)),
    )
    finished = ClientConfirmation.objects.exclude(channel=ConfirmationChannel.ADMIN).filter(
        status__in=[ConfirmationStatus.CONFIRMED, ConfirmationStatus.FAILED, ConfirmationStatus.EXPIRED]
    )
    confirmations = finished.aggregate(
        total=Count("id"),
        rejected=Count("id", filter=Q(status__in=[ConfirmationStatus.FAILED, ConfirmationStatus.EXPIRED])),
        avg_attempts=Avg("attempts"),
    )
    confirm_time = (
        finished.filter(status=ConfirmationStatus.CONFIRMED, confirmed_at__isnull=False)
        .annotate(took=ExpressionWrapper(F("confirmed_at") - F("created_at"), output_field=DurationField()))
        .aggregate(avg=Avg("took"))["avg"]
    )
    manual, stripe = payments["manual_count"], payments["stripe_count"]
    total = confirmations["total"]
    return {
        "daily_volume": float(round_cents(payments["daily_volume"])),
        "manual_count": manual,
        "stripe_count": stripe,
        "manual_ratio": _ratio(manual, manual + stripe, 3),
        "avg_attempts": round(float(confirmations["avg_attempts"] or 0), 2),
        "reject_rate": _ratio(confirmations["rejected"], total, 3),
        "avg_confirm_time_minutes": round(confirm_time.total_seconds() / 60, 1) if confirm_time else 0.0,
        "total_confirmations": total,
        "timestamp": utc_iso(now),
    }


def finance_metrics_snapshot() -> dict:
    """The event of every open stream: computed at most once per 5 s and shared through the cache (§8.3)."""
    snapshot = cache.get(METRICS_CACHE_KEY)
    if snapshot is None:
        snapshot = finance_metrics_compute()
        cache.set(METRICS_CACHE_KEY, snapshot, METRICS_CACHE_SECONDS)
    return snapshot


# --- «Finansai» (ui.md §3.11) ---

PERIOD_THIS_MONTH = "menuo"
PERIOD_LAST_MONTH = "praeitas-menuo"
PERIOD_THIS_YEAR = "metai"
PERIOD_CUSTOM = "pasirinkti"


def finance_period_bounds(
    *, preset: str | None, start: dt.date | None = None, end: dt.date | None = None, today: dt.date | None = None
) -> tuple[str, dt.datetime, dt.datetime]:
    """The period of the screen's selector as Vilnius midnights: ``end`` is exclusive, so a custom period
    includes its last day. Unknown presets fall back to this month."""
    today = today or timezone.localdate(timezone=VILNIUS)
    month_start = today.replace(day=1)
    next_month = (month_start + dt.timedelta(days=32)).replace(day=1)
    if preset == PERIOD_CUSTOM and start and end and start <= end:
        return preset, vilnius_midnight(start), vilnius_midnight(end + dt.timedelta(days=1))
    if preset == PERIOD_LAST_MONTH:
        previous = (month_start - dt.timedelta(days=1)).replace(day=1)
        return preset, vilnius_midnight(previous), vilnius_midnight(month_start)
    if preset == PERIOD_THIS_YEAR:
        return preset, vilnius_midnight(today.replace(month=1, day=1)), vilnius_midnight(next_month)
    return PERIOD_THIS_MONTH, vilnius_midnight(month_start), vilnius_midnight(next_month)


@dataclass
class FinanceScreen:
    period: PeriodSummary
    categories: list[CategoryLine]
    triage: list[dict]
    manual_payments_count_7d: int


def finance_summary_screen(*, start: dt.datetime, end: dt.datetime) -> FinanceScreen:
    """Everything «Suvestinė» shows, in a fixed number of queries."""
    view = finance_view()
    return FinanceScreen(
        period=finance_period_summary(start=start, end=end),
        categories=finance_category_breakdown(start=start, end=end),
        triage=view["items"],
        manual_payments_count_7d=view["manual_payments_count_7d"],
    )


@dataclass
class ProjectCosts:
    entries: list[LedgerEntry]
    totals: Summary


def finance_project_costs(*, project_id: uuid.UUID) -> ProjectCosts:
    """«Išlaidos» and the profit line of the project screen: three queries."""
    return ProjectCosts(
        entries=ledger_entries_for_project(project_id=project_id),
        totals=finance_project_totals(project_id=project_id),
    )
