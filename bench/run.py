"""``make bench``: the back office benchmarks (see bench/RESULTS.md for the last recorded run)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import admin_changelist
import finance_ledger

if __name__ == "__main__":
    admin_changelist.main()
    finance_ledger.main()
