"""Benchmark: ``purge_retention --commit`` over 1 000 000 audit rows on PostgreSQL (security-ops.md §9).

It uses its own database (``vejapro_bench_retention`` on 127.0.0.1 by default, created when missing; override with
``BENCH_RETENTION_DATABASE_URL``), migrates it and, before each run, empties ``audit_logs`` (TRUNCATE fires no row
trigger) and inserts the rows with one ``generate_series`` statement:

* 300 000 security rows (``RATE_LIMIT_BLOCKED``) older than 90 days → deleted;
* 300 000 business rows older than 3650 days → deleted;
* 300 000 business rows 100-3000 days old with an IP address and user agent → IP and user agent cleared;
* 100 000 recent rows → untouched.

It reports the wall time of the purge, its batch count, and the peak of Python allocations during the purge
(``tracemalloc``), once per batch size.

    python bench/retention_purge.py            # or: make bench
"""

import os
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/vejapro_bench_retention"
BATCH_SIZES = (1_000, 10_000)
SEED_SQL = """
INSERT INTO audit_logs (id, entity_type, entity_id, action, actor_type, ip_address, user_agent, new_value, "timestamp")
SELECT gen_random_uuid(),
       CASE WHEN n <= 300000 THEN 'system' ELSE 'project' END,
       CASE WHEN n <= 300000 THEN '00000000-0000-0000-0000-000000000000'::uuid ELSE gen_random_uuid() END,
       CASE WHEN n <= 300000 THEN 'RATE_LIMIT_BLOCKED' ELSE 'STATUS_CHANGE' END,
       'SYSTEM', '203.0.113.5', 'Mozilla/5.0 (bench)', '{"status": "PAID"}',
       now() - CASE
           WHEN n <= 300000 THEN interval '91 days' + (n % 200) * interval '1 day'
           WHEN n <= 600000 THEN interval '3651 days' + (n % 200) * interval '1 day'
           WHEN n <= 900000 THEN interval '100 days' + (n % 2900) * interval '1 day'
           ELSE (n % 80) * interval '1 day'
       END
FROM generate_series(1, 1000000) AS n
"""


def _setup() -> str:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from admin_changelist import _ensure_database

    url = os.environ.get("BENCH_RETENTION_DATABASE_URL", DEFAULT_URL)
    _ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vejapro.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return url


def _seed() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_logs")
        cursor.execute(SEED_SQL)
        cursor.execute("ANALYZE audit_logs")


def _run(batch_size: int) -> dict:
    from vejapro.ops.retention import retention_purge

    batches = {"n": 0}

    def progress(category: str, done: int) -> None:
        batches["n"] += 1

    tracemalloc.start()
    started = time.perf_counter()
    counts = retention_purge(commit=True, batch_size=batch_size, progress=progress)
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"seconds": seconds, "batches": batches["n"], "peak_mib": peak / 2**20, "counts": counts}


def main() -> None:
    url = _setup()
    from django.db import connection

    print(f"Database: {url.rsplit('/', 1)[-1]}; PostgreSQL {connection.cursor().connection.info.server_version}")
    print()
    print("| Batch size | Seconds | Batches | Peak Python MiB | Deleted | IP cleared |")
    print("|---:|---:|---:|---:|---:|---:|")
    for batch_size in BATCH_SIZES:
        _seed()
        result = _run(batch_size)
        counts = result["counts"]
        deleted = counts["audit_security_deleted"] + counts["audit_business_deleted"]
        print(
            f"| {batch_size} | {result['seconds']:.1f} | {result['batches']} | {result['peak_mib']:.1f} "
            f"| {deleted} | {counts['audit_ip_cleared']} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
