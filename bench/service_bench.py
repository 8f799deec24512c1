"""The service and store side of board_bench's bulk edits: move, delete and
undo every card of the 10,000-card board bench case, without the window.

board_bench times these with the scene following and a repaint; this times
only the service calls (transaction, row writes, audit trail, undo step),
each on a fresh copy of one case, so a change to the store can be measured
back to back with the old code (``PYTHONPATH=/path/to/old/tree``).
Prints JSON: medians of ``--repeat`` runs, wall clock and CPU time (which a
machine busy with other work inflates less).

    python bench/service_bench.py [--cards 10000] [--repeat 3] [--profile delete|undo|move]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _rss_mb() -> float:
    """This process's resident memory now, in MB (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def run_once(path: Path, profile: str | None) -> dict:
    from evidence_board.services import CaseService
    from evidence_board.store import CaseFile

    case = CaseFile.open(path)
    service = CaseService(case, "bench")
    board = case.boards()[0].id
    placed = case.load_board(board)
    positions = {card_id: (p.x + 40.0, p.y + 40.0) for card_id, p in placed.placements.items()}
    ids = list(positions)
    figures = {}
    before_mb = _rss_mb()
    for name, call in (("move", lambda: service.move_cards(board, positions)),
                       ("delete", lambda: service.delete_cards(ids)),
                       ("undo", service.undo)):
        profiler = cProfile.Profile() if name == profile else None
        start, start_cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        call()
        if profiler:
            profiler.disable()
        figures[f"{name}_s"] = time.perf_counter() - start
        figures[f"{name}_cpu_s"] = time.process_time() - start_cpu
        if profiler:
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(35)
    assert len(case.load_board(board).cards) == len(ids)
    figures["undo_history_mb"] = _rss_mb() - before_mb  # what the two steps (and their texts) hold
    case.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", choices=["move", "delete", "undo"])
    parser.add_argument("--case", type=Path, help="the built case to copy (built there first if missing): "
                        "one case for runs of the old and the new code")
    args = parser.parse_args()
    import board_bench

    with tempfile.TemporaryDirectory() as folder:
        built = args.case or Path(folder) / "built.evb"
        if not built.exists():
            board_bench.build_case(built, args.cards)
        runs = []
        for n in range(args.repeat):
            copy = Path(folder) / f"run-{n}.evb"
            shutil.copyfile(built, copy)
            runs.append(run_once(copy, args.profile if n == 0 else None))
    import evidence_board

    result = {"code": str(Path(evidence_board.__file__).parent.parent)}
    result |= {name: round(statistics.median(r[name] for r in runs), 3) for name in runs[0]}
    result["runs"] = [{k: round(v, 3) for k, v in r.items()} for r in runs]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
