"""Benchmark: the back office over 100 000 projects on PostgreSQL: the «Projektai» changelist first, then the other
screens that read every project (dashboard, «Klientai», a project screen, payments).

It uses its own database (``vejapro_bench`` on 127.0.0.1 by default, created when missing; override with
``BENCH_DATABASE_URL``), migrates it, seeds the rows once with ``bulk_create`` (a second run reuses them), then
requests the list in-process through Django's test client and reports the server time and the number of SQL queries
per request. Nothing leaves the machine.

    python bench/admin_changelist.py            # or: make bench
"""

import os
import platform
import statistics
import sys
import time
import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/vejapro_bench"
PROJECTS = 100_000
BATCH = 5_000
RUNS = 7
SCENARIOS = (
    ("Default list (Laukiantys veiksmo)", "/admin/projects/project/"),
    ("All projects, page 1", "/admin/projects/project/?veiksmo=visi"),
    ("All projects, page 1000", "/admin/projects/project/?veiksmo=visi&p=1000"),
    ("Status filter PAID", "/admin/projects/project/?busena=PAID"),
    ("Search by name", "/admin/projects/project/?veiksmo=visi&q=Jonaitis+4242"),
    ("Search by id prefix", "/admin/projects/project/?veiksmo=visi&q=00000000-0000-4000-8000-0000000424"),
    # The other screens that read every project: the dashboard (and its 30 s refresh), «Klientai», one project.
    ("Dashboard (Darbo eilė)", "/admin/"),
    ("Dashboard refresh", "/admin/darbo-eile/"),
    ("Klientai (default)", "/admin/klientai/"),
    ("Klientai, all", "/admin/klientai/?visi=1"),
    ("Klientai, search", "/admin/klientai/?q=Jonaitis+4242"),
    ("Project screen", "/admin/projects/project/00000000-0000-4000-8000-000000004244/change/"),
    ("Payments list", "/admin/payments/payment/"),
)
STATUSES = ("DRAFT", "PAID", "SCHEDULED", "PENDING_EXPERT", "CERTIFIED", "ACTIVE")


def _ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def _setup() -> str:
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    _ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vejapro.settings")
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver,localhost,127.0.0.1"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    return url


def _project_id(number: int) -> uuid.UUID:
    return uuid.UUID(f"00000000-0000-4000-8000-{number:012d}")


def _seed() -> None:
    from django.core.management import call_command
    from django.utils import timezone

    from messaging.models import ClientConfirmation, NotificationOutbox
    from payments.models import Payment
    from projects.client_keys import client_fields_from_info
    from projects.models import Project
    from vejapro.core.models import Role, User

    call_command("migrate", verbosity=0)
    if not User.objects.filter(email="bench-admin@vejapro.lt").exists():
        User.objects.create_user("bench-admin@vejapro.lt", role=Role.ADMIN, is_staff=True, full_name="Bench")
    existing = Project.objects.count()
    if existing >= PROJECTS:
        return
    now = timezone.now()
    print(f"Seeding {PROJECTS - existing} projects ...", flush=True)
    for start in range(existing, PROJECTS, BATCH):
        projects, payments, outbox, confirmations = [], [], [], []
        for number in range(start, min(start + BATCH, PROJECTS)):
            status = STATUSES[number % len(STATUSES)]
            certified = status in ("CERTIFIED", "ACTIVE")
            info = {"name": f"Jonas Jonaitis {number}", "email": f"klientas{number}@example.com"}
            if number % 2:
                info["phone"] = f"+3706{number:07d}"
            moment = now - timedelta(minutes=number)
            project = Project(
                id=_project_id(number),
                **client_fields_from_info(info),
                status=status,
                is_certified=certified,
                certified_at=moment if certified else None,
                status_changed_at=moment,
                area_m2=Decimal(100 + number % 900),
                total_price_client=Decimal(1000 + number % 5000),
                scheduled_for=moment if number % 3 == 0 else None,
            )
            projects.append(project)
            deposit = status != "DRAFT" or number % 4 == 0
            if deposit:
                payments.append(_payment(project, "DEPOSIT", moment))
            if status in ("CERTIFIED", "ACTIVE") and (status == "ACTIVE" or number % 2):
                payments.append(_payment(project, "FINAL", moment))
            if status == "ACTIVE" or (status == "CERTIFIED" and number % 4 == 1):
                confirmations.append(
                    ClientConfirmation(
                        project=project,
                        token_hash=uuid.uuid4().hex * 2,
                        expires_at=moment + timedelta(days=3),
                        confirmed_at=moment if status == "ACTIVE" else None,
                        status="CONFIRMED" if status == "ACTIVE" else "PENDING",
                    )
                )
            if number % 50 == 0:
                outbox.append(
                    NotificationOutbox(
                        entity_type="project",
                        entity_id=project.id,
                        channel="email",
                        template_key="FINAL_PAYMENT_CONFIRMATION",
                        payload_json={},
                        dedupe_key=f"bench:{project.id}",
                        status="FAILED",
                        attempt_count=5,
                        last_error="SMTP 550",
                    )
                )
        Project.objects.bulk_create(projects)
        Payment.objects.bulk_create(payments)
        ClientConfirmation.objects.bulk_create(confirmations)
        NotificationOutbox.objects.bulk_create(outbox)
        print(f"  {min(start + BATCH, PROJECTS)} / {PROJECTS}", flush=True)
    # updated_at is auto_now: spread it so the list order is realistic.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE projects SET updated_at = status_changed_at, created_at = status_changed_at "
            "WHERE updated_at <> status_changed_at"
        )
        cursor.execute("ANALYZE")


def _payment(project, payment_type: str, moment):
    from payments.models import Payment

    return Payment(
        project=project,
        provider="manual",
        provider_event_id=f"BENCH-{payment_type}-{project.id}",
        amount=Decimal("300.00") if payment_type == "DEPOSIT" else Decimal("900.00"),
        currency="EUR",
        payment_type=payment_type,
        status="SUCCEEDED",
        payment_method="CASH",
        received_at=moment,
        is_manual_confirmed=True,
    )


def _measure() -> list[dict]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from vejapro.core.models import User

    client = Client()
    client.force_login(User.objects.get(email="bench-admin@vejapro.lt"))
    results = []
    for label, path in SCENARIOS:
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


def _set_jit(value: str | None) -> None:
    """``jit`` for new sessions of the bench database (None = PostgreSQL's default), then reconnect."""
    from django.db import connection

    name = connection.settings_dict["NAME"]
    with connection.cursor() as cursor:
        if value is None:
            cursor.execute(f'ALTER DATABASE "{name}" RESET jit')
        else:
            cursor.execute(f'ALTER DATABASE "{name}" SET jit = {value}')
    connection.close()


def _print_table(results: list[dict]) -> None:
    print("| Scenario | Median ms | Min ms | Max ms | SQL queries | Slowest query ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for row in results:
        queries = ", ".join(str(number) for number in row["queries"])
        print(
            f"| {row['label']} | {row['median_ms']:.0f} | {row['min_ms']:.0f} | {row['max_ms']:.0f} | {queries} | "
            f"{row['slowest_query_ms']:.0f} |"
        )


def _machine() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, PostgreSQL {pg}"


def main() -> None:
    url = _setup()
    _seed()
    from projects.models import Project

    count = Project.objects.count()
    _set_jit(None)
    default_jit = _measure()
    _set_jit("off")
    without_jit = _measure()
    _set_jit(None)
    print()
    print(f"Database: {urlsplit(url).path.lstrip('/')} ({count} projects)")
    print(f"Machine: {_machine()}")
    print(f"Runs per scenario: {RUNS} (in-process test client: server time, no network)")
    print()
    print("PostgreSQL defaults (jit = on):")
    print()
    _print_table(default_jit)
    print()
    print("With jit = off:")
    print()
    _print_table(without_jit)


if __name__ == "__main__":
    main()
