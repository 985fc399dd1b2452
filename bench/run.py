"""``make bench``: the benchmarks (see bench/RESULTS.md for the last recorded runs).

python bench/run.py                    # all of them
python bench/run.py retention_purge    # one (admin_changelist, finance_ledger, retention_purge)
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import admin_changelist
import finance_ledger
import retention_purge

BENCHMARKS = {
    "admin_changelist": admin_changelist.main,
    "finance_ledger": finance_ledger.main,
    "retention_purge": retention_purge.main,
}

if __name__ == "__main__":
    for name in sys.argv[1:] or BENCHMARKS:
        BENCHMARKS[name]()
