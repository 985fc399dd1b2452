"""Benchmark: the finance screens and endpoints over 100 000 ledger rows on PostgreSQL (the ledger list and the
period summary, api.md §14.4/§14.6 and ui.md §3.11), on the database of ``admin_changelist`` (its 100 000 projects
and ~108 000 payments are the income).

The ledger rows are seeded once with ``bulk_create`` (a third on projects, the rest overhead; every 50th entry
reversed; business dates spread over three years); ``created_at`` is spread too, with the append-only trigger
switched off for that one seeding UPDATE of the bench database. Requests run in-process through Django's test
client, like the other benchmark.

    python bench/finance_ledger.py            # or: make bench
"""

import os
import statistics
import time
import uuid
from datetime import timedelta
from decimal import Decimal

import admin_changelist

LEDGER_ROWS = 100_000
BATCH = 5_000
RUNS = 7
CATEGORIES = ("FUEL", "REPAIR", "MATERIALS", "SUBCONTRACTOR", "TAXES", "INSURANCE", "TOOLS", "OTHER")


def _entry_id(number: int) -> uuid.UUID:
    return uuid.UUID(f"00000000-0000-4000-9000-{number:012d}")


def _seed() -> None:
    from django.db import connection
    from django.utils import timezone

    from finance.models import LedgerEntry
    from vejapro.core.models import User

    existing = LedgerEntry.objects.count()
    if existing >= LEDGER_ROWS:
        return
    admin = User.objects.get(email="bench-admin@vejapro.lt")
    now = timezone.now()
    print(f"Seeding {LEDGER_ROWS - existing} ledger entries ...", flush=True)
    for start in range(existing, LEDGER_ROWS, BATCH):
        entries, reversals = [], []
        for number in range(start, min(start + BATCH, LEDGER_ROWS)):
            category = CATEGORIES[number % len(CATEGORIES)]
            entry = LedgerEntry(
                id=_entry_id(number),
                project_id=admin_changelist._project_id(number % admin_changelist.PROJECTS)
                if number % 3 == 0
                else None,
                entry_type="TAX" if category == "TAXES" else "EXPENSE",
                category=category,
                amount=Decimal(5 + number % 900) + Decimal("0.45"),
                currency="EUR" if number % 97 else "USD",
                payment_method="CARD",
                description=f"Bench išlaidos {number}",
                recorded_by=admin,
                occurred_at=now - timedelta(minutes=15 * number),
            )
            if number % 50 == 49:
                reversals.append(
                    LedgerEntry(
                        project_id=entry.project_id,
                        entry_type="ADJUSTMENT",
                        category=category,
                        amount=entry.amount,
                        currency=entry.currency,
                        reverses_entry=entry,
                        description="Bench korekcija",
                        recorded_by=admin,
                        occurred_at=entry.occurred_at + timedelta(days=3),
                    )
                )
            entries.append(entry)
        LedgerEntry.objects.bulk_create(entries)
        LedgerEntry.objects.bulk_create(reversals)
        print(f"  {min(start + BATCH, LEDGER_ROWS)} / {LEDGER_ROWS}", flush=True)
    with connection.cursor() as cursor:
        # Seeding only: spread created_at like real use. The trigger refuses every UPDATE of the ledger.
        cursor.execute("ALTER TABLE finance_ledger_entries DISABLE TRIGGER finance_ledger_append_only")
        cursor.execute("UPDATE finance_ledger_entries SET created_at = occurred_at")
        cursor.execute("ALTER TABLE finance_ledger_entries ENABLE TRIGGER finance_ledger_append_only")
        cursor.execute("ANALYZE")


def _scenarios() -> list[tuple[str, str, bool]]:
    """(label, path, API?)"""
    return [
        ("API ledger list, first page", "/api/v1/admin/finance/ledger", True),
        ("API ledger list, one category", "/api/v1/admin/finance/ledger?category=FUEL&limit=200", True),
        ("API period summary, all time", "/api/v1/admin/finance/summary", True),
        ("API period summary, one month", "/api/v1/admin/finance/summary?start=2026-01-01&end=2026-02-01", True),
        ("API project summary", f"/api/v1/admin/finance/projects/{admin_changelist._project_id(4242)}", True),
        ("Finansai (this month)", "/admin/finansai/", False),
        ("Finansai (this year)", "/admin/finansai/?laikotarpis=metai", False),
        ("Knygos įrašai (ledger list)", "/admin/finance/ledgerentry/", False),
    ]


def _measure() -> list[dict]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from vejapro.core.accounts.services import token_mint
    from vejapro.core.models import User

    admin = User.objects.get(email="bench-admin@vejapro.lt")
    session = Client()
    session.force_login(admin)
    token = token_mint(sub=str(admin.pk), email=admin.email, role=admin.role, ttl_hours=1).token
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    results = []
    for label, path, is_api in _scenarios():
        client = api if is_api else session
        client.get(path)  # warm-up
        times, queries = [], []
        for _ in range(RUNS):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code}")
            queries.append(len(captured))
        slowest = max(captured.captured_queries, key=lambda query: float(query["time"]))
        results.append(
            {
                "label": label,
                "path": path,
                "median_ms": statistics.median(times),
                "min_ms": min(times),
                "max_ms": max(times),
                "queries": sorted(set(queries)),
                "slowest_query_ms": float(slowest["time"]) * 1000,
            }
        )
    return results


def main() -> None:
    os.environ["ENABLE_FINANCE_LEDGER"] = "true"
    os.environ["ENABLE_FINANCE_METRICS"] = "true"
    url = admin_changelist._setup()
    admin_changelist._seed()
    _seed()
    from finance.models import LedgerEntry

    print()
    print(f"Database: {url.rsplit('/', 1)[-1]} ({LedgerEntry.objects.count()} ledger entries)")
    print(f"Machine: {admin_changelist._machine()}")
    print(f"Runs per scenario: {RUNS} (in-process test client: server time, no network)")
    print()
    admin_changelist._print_table(_measure())


if __name__ == "__main__":
    main()
