"""Crash benchmark: kill a writing process with SIGKILL 500 times; count what survived.

After every kill the case must open, pass ``PRAGMA integrity_check`` and the
full-text checks, and hold every edit the child reported committed (see
``tests/crash/crash_harness.py``). Prints JSON.

    python bench/crash_bench.py [--kills 500] [--exec-kills 50] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.crash.crash_harness import CrashResult, run_crashes  # noqa: E402

TARGETS = {"failures": 0, "kills": {"min": 500}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=500, help="kills in all (forked children)")
    parser.add_argument("--exec-kills", type=int, default=50,
                        help="of those, kills of children started as a fresh python process")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    started = time.perf_counter()
    total = CrashResult()
    with tempfile.TemporaryDirectory(prefix="evb-crash-") as folder:
        runs = [("fork", args.kills - args.exec_kills), ("exec", args.exec_kills)]
        for number, (spawn, kills) in enumerate(runs):
            if kills <= 0:
                continue
            sub = Path(folder) / spawn
            sub.mkdir()
            result = run_crashes(sub, kills, args.seed + number, spawn=spawn)
            for name in ("kills", "committed_edits", "in_flight_committed", "in_flight_lost", "hot_journals"):
                setattr(total, name, getattr(total, name) + getattr(result, name))
            total.failures += result.failures
    print(json.dumps({
        "benchmark": "crash",
        "kills": total.kills,
        "exec_kills": args.exec_kills,
        "committed_edits_checked": total.committed_edits,
        "kills_mid_transaction": total.hot_journals,
        "in_flight_edit_committed": total.in_flight_committed,
        "in_flight_edit_rolled_back": total.in_flight_lost,
        "failures": len(total.failures),
        "first_failures": total.failures[:5],
        "seconds": round(time.perf_counter() - started, 1),
        "targets": TARGETS,
        "meets_targets": {"failures": not total.failures, "kills": total.kills >= 500},
    }, indent=2))


if __name__ == "__main__":
    main()
